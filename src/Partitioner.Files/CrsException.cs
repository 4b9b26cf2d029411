namespace GridSpatial.Partitioner.Files;

/// <summary>A CRS name the registry (<see cref="InputCrs"/>) does not know; its message lists the ones it does.</summary>
public sealed class CrsException : ArgumentException
{
    public CrsException() { }
    public CrsException(string message) : base(message) { }
    public CrsException(string message, Exception inner) : base(message, inner) { }
}
