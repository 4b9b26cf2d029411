namespace GridSpatial.GeoApi.Features.Viewer;

/// <summary>One base map the viewer offers under the coverage (configuration
/// <c>Viewer:BaseMaps</c>): raster tiles by an XYZ or WMTS (KVP or REST, Web Mercator matrix set)
/// URL template with <c>{z}</c>, <c>{x}</c>, <c>{y}</c>, optional <c>{s}</c> (one URL per
/// subdomain) and <c>{key}</c> (the provider's token, e.g. 天地图's <c>tk</c>); an optional
/// annotation layer (place names, road names: 天地图 <c>cva</c>/<c>cia</c>) drawn above the
/// coverage; the coordinate system its tiles are drawn in (<c>wgs84</c>, <c>cgcs2000</c> or
/// <c>gcj02</c>: the overlay is then drawn in GCJ-02 too); and its attribution.</summary>
public sealed class BaseMap
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? NameEn { get; set; }
    public string[] Tiles { get; set; } = [];
    public string[] Annotation { get; set; } = [];
    public string[] Subdomains { get; set; } = [];
    public string? Key { get; set; }
    public string Crs { get; set; } = "wgs84";
    public string Attribution { get; set; } = "";
    public int TileSize { get; set; } = 256;
    public int MinZoom { get; set; }
    public int MaxZoom { get; set; } = 18;
    public bool Enabled { get; set; } = true;

    /// <summary>Whether its templates ask for a key it does not have (then it is not offered).</summary>
    public bool MissingKey => string.IsNullOrWhiteSpace(Key) && Tiles.Concat(Annotation).Any(t => t.Contains("{key}", StringComparison.Ordinal));

    /// <summary>What is wrong with this entry, or null: read at start-up, so a mistyped entry stops the service with its name and field.</summary>
    public string? Problem(int index)
    {
        var at = $"Viewer:BaseMaps:{index}";
        if (string.IsNullOrWhiteSpace(Id) || !Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return $"{at}:Id must be letters, digits, '-' or '_' (got '{Id}').";
        if (string.IsNullOrWhiteSpace(Name)) return $"{at}:Name is empty (the name the switcher shows).";
        if (Tiles.Length == 0) return $"{at}:Tiles needs at least one URL template.";
        foreach (var t in Tiles.Concat(Annotation))
        {
            if (!(t.Contains("{z}", StringComparison.Ordinal) && t.Contains("{x}", StringComparison.Ordinal) && t.Contains("{y}", StringComparison.Ordinal)))
                return $"{at}: the template '{t}' lacks {{z}}, {{x}} or {{y}}.";
            if (!Uri.TryCreate(t.Replace("{", "", StringComparison.Ordinal).Replace("}", "", StringComparison.Ordinal), UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
                return $"{at}: the template '{t}' is not an http(s) URL.";
            if (t.Contains("{s}", StringComparison.Ordinal) && Subdomains.Length == 0) return $"{at}: '{t}' uses {{s}} but Subdomains is empty.";
        }
        if (Crs.ToLowerInvariant() is not ("wgs84" or "cgcs2000" or "gcj02")) return $"{at}:Crs is wgs84, cgcs2000 or gcj02 (got '{Crs}').";
        if (TileSize is not (256 or 512)) return $"{at}:TileSize is 256 or 512.";
        if (MinZoom < 0 || MaxZoom > 22 || MinZoom > MaxZoom) return $"{at}: zooms must satisfy 0 ≤ MinZoom ≤ MaxZoom ≤ 22.";
        return null;
    }

    /// <summary>The URLs the browser asks, one per subdomain, with the key filled in.</summary>
    public string[] Expand(string[] templates) => templates.SelectMany(t =>
            (t.Contains("{s}", StringComparison.Ordinal) ? Subdomains : [""]).Select(s => t.Replace("{s}", s, StringComparison.Ordinal)))
        .Select(t => t.Replace("{key}", Uri.EscapeDataString(Key ?? ""), StringComparison.Ordinal)).Distinct().ToArray();
}
