namespace GridSpatial.GeoApi.Cli;

/// <summary>A command line the command cannot act on: exit code 2, with the command's help.</summary>
public sealed class UsageException : Exception
{
    public UsageException() { }
    public UsageException(string message) : base(message) { }
    public UsageException(string message, Exception inner) : base(message, inner) { }
}
