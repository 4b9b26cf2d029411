namespace GridSpatial.GeoApi.Cli;

/// <summary>Options of the form <c>--name value</c> and flags <c>--name</c>.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public CommandLine(IReadOnlyList<string> args, IReadOnlySet<string> flags)
    {
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"Unexpected argument '{a}'.");
            var name = a[2..];
            if (flags.Contains(name)) { _values[name] = null; continue; }
            if (i + 1 >= args.Count) throw new UsageException($"Option --{name} needs a value.");
            _values[name] = args[++i];
        }
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public bool Has(string name) => _values.ContainsKey(name);

    public string Required(string name) => Get(name) ?? throw new UsageException($"Option --{name} is required.");

    public int Number(string name, int fallback) =>
        Get(name) is { } s ? (int.TryParse(s, out var v) ? v : throw new UsageException($"--{name} must be a whole number.")) : fallback;
}

public sealed class UsageException : Exception
{
    public UsageException() { }
    public UsageException(string message) : base(message) { }
    public UsageException(string message, Exception inner) : base(message, inner) { }
}
