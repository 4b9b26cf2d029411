namespace GridSpatial.GeoApi.Features.Ogc.Filtering;

/// <summary>A filter that is not CQL2 text, or that does not fit the collection: where
/// (<see cref="Column"/>, 1-based) and what is wrong, in Chinese and in English.</summary>
public sealed class Cql2Exception : Exception
{
    public Cql2Exception(int column, string english, string? chinese = null) : base(english)
    {
        Column = column;
        Chinese = chinese ?? "无法解析";
    }

    public Cql2Exception() : this(1, "invalid filter") { }
    public Cql2Exception(string message) : this(1, message) { }
    public Cql2Exception(string message, Exception inner) : base(message, inner) => Chinese = "无法解析";

    public int Column { get; } = 1;
    public string Chinese { get; }
}
