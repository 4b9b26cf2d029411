namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>The sheet a notice map is printed on: ISO 216 A4 or A3, portrait or landscape, its
/// size in PDF points (1/72 inch), exact to the millimetre sizes of the standard.</summary>
public sealed record NoticeMapPaper(string Name, bool Landscape)
{
    private const float PointsPerMillimetre = 72f / 25.4f;

    private static readonly Dictionary<string, (int Short, int Long)> Millimetres = new(StringComparer.OrdinalIgnoreCase)
    {
        ["A4"] = (210, 297),
        ["A3"] = (297, 420),
    };

    public const string Papers = "A4, A3";
    public const string Orientations = "portrait, landscape";

    public float Width => (Landscape ? Millimetres[Name].Long : Millimetres[Name].Short) * PointsPerMillimetre;
    public float Height => (Landscape ? Millimetres[Name].Short : Millimetres[Name].Long) * PointsPerMillimetre;

    /// <summary>Parses <c>paper=</c> (default A4) and <c>orientation=</c>; an orientation left out
    /// is null, to be chosen from the unit's extent (<see cref="For"/>).</summary>
    /// <param name="refuse">Builds the exception for a bad field and its message.</param>
    public static (string Paper, bool? Landscape) Parse(string? paper, string? orientation, Func<string, string, Exception> refuse)
    {
        var name = string.IsNullOrWhiteSpace(paper) ? "A4" : paper.Trim().ToUpperInvariant();
        if (!Millimetres.ContainsKey(name))
            throw refuse("paper", $"不支持的纸张 '{Short(paper!)}'；可用：{Papers}。Unknown paper '{Short(paper!)}'; use one of {Papers}.");
        bool? landscape = orientation?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "portrait" => false,
            "landscape" => true,
            _ => throw refuse("orientation", $"不支持的方向 '{Short(orientation!)}'；可用：{Orientations}。Unknown orientation '{Short(orientation!)}'; use one of {Orientations}."),
        };
        return (name, landscape);
    }

    /// <summary>The sheet for a unit whose extent is <paramref name="width"/> by
    /// <paramref name="height"/> metres: the asked orientation, else landscape for a unit wider
    /// than tall (so the map fills the sheet), else portrait.</summary>
    public static NoticeMapPaper For(string paper, bool? landscape, double width, double height) =>
        new(paper, landscape ?? width > height);

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
