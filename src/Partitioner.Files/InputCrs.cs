using System.Globalization;
using System.Text.RegularExpressions;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.Partitioner.Files;

/// <summary>The registry of coordinate systems input may be in: WGS 84 (EPSG:4326, RFC 7946, the
/// default), CGCS2000 (EPSG:4490), the CGCS2000 Gauss–Krüger zones (6-degree EPSG:4491–4501 with
/// the zone number in the easting and 4502–4512 without; 3-degree 4513–4533 with and 4534–4554
/// without), GCJ-02 (高德/腾讯) and BD-09 (百度). Everything is converted to WGS 84 where it is
/// read, so the partitioner and the store only ever see WGS 84. Inverse errors: Gauss–Krüger is
/// exact (ProjNet, under 1 mm); GCJ-02 and BD-09 are solved by iteration of the published
/// forward formulas, under 1 cm (<see cref="Projection.Gcj02"/>, <see cref="Projection.Bd09"/>).
/// The one home of CRS names: the importers, the lookups, the <c>partition</c> command's
/// <c>--input-crs</c> and (later) the exports and OGC API use it.</summary>
public static partial class InputCrs
{
    public const string Wgs84 = "wgs84";
    public const string Gcj02 = "gcj02";

    public static Crs Epsg4326 { get; } = new("EPSG:4326", "WGS 84", CrsKind.Geographic);
    public static Crs Epsg4490 { get; } = new("EPSG:4490", "CGCS2000", CrsKind.Geographic);
    public static Crs Gcj02Crs { get; } = new("GCJ-02", "GCJ-02 (高德/腾讯)", CrsKind.Gcj02);
    public static Crs Bd09Crs { get; } = new("BD-09", "BD-09 (百度)", CrsKind.Bd09);

    /// <summary>Web Mercator, for the OGC API's output only: it is neither parsed (<see cref="Parse"/>)
    /// nor listed in <see cref="All"/>, because input in it is never Chinese survey data and the fit
    /// checks (<see cref="CrsFit"/>) know degrees and Gauss–Krüger metres only.</summary>
    public static Crs Epsg3857 { get; } = new("EPSG:3857", "WGS 84 / Pseudo-Mercator", CrsKind.WebMercator);

    private static readonly Dictionary<int, Crs> GaussKrugerZones = BuildZones();

    /// <summary>Every CRS the registry knows, in EPSG order, then GCJ-02 and BD-09.</summary>
    public static IReadOnlyList<Crs> All { get; } = [Epsg4326, Epsg4490, .. GaussKrugerZones.Values.OrderBy(c => c.Epsg), Gcj02Crs, Bd09Crs];

    /// <summary>What a request or command line may write, for messages.</summary>
    public const string Accepted = "EPSG:4326 (wgs84, CRS84), EPSG:4490 (cgcs2000), EPSG:4491–4554 (CGCS2000 Gauss–Krüger), gcj02, bd09";

    private static Dictionary<int, Crs> BuildZones()
    {
        var zones = new Dictionary<int, Crs>();
        for (int zone = 13; zone <= 23; zone++)
        {
            int cm = 6 * zone - 3;
            zones[4478 + zone] = new($"EPSG:{4478 + zone}", $"CGCS2000 / Gauss-Kruger zone {zone}", CrsKind.GaussKruger, 6, zone, zonePrefix: true);
            zones[4489 + zone] = new($"EPSG:{4489 + zone}", $"CGCS2000 / Gauss-Kruger CM {cm}E", CrsKind.GaussKruger, 6, zone, zonePrefix: false);
        }
        for (int zone = 25; zone <= 45; zone++)
        {
            zones[4488 + zone] = new($"EPSG:{4488 + zone}", $"CGCS2000 / 3-degree Gauss-Kruger zone {zone}", CrsKind.GaussKruger, 3, zone, zonePrefix: true);
            zones[4509 + zone] = new($"EPSG:{4509 + zone}", $"CGCS2000 / 3-degree Gauss-Kruger CM {3 * zone}E", CrsKind.GaussKruger, 3, zone, zonePrefix: false);
        }
        return zones;
    }

    /// <summary>The CRS with this EPSG number, or null.</summary>
    public static Crs? FromEpsg(int epsg) => epsg switch
    {
        4326 => Epsg4326,
        4490 => Epsg4490,
        _ => GaussKrugerZones.GetValueOrDefault(epsg),
    };

    /// <summary>The 3-degree zone without prefix (EPSG:4534–4554), or with it (EPSG:4513–4533) when
    /// <paramref name="zonePrefix"/>, whose central meridian is nearest <paramref name="longitude"/>;
    /// null outside China's zones 25–45 (75°E–135°E).</summary>
    public static Crs? ThreeDegreeZoneAt(double longitude, bool zonePrefix = false) =>
        ThreeDegreeZonesCovering(longitude, longitude, zonePrefix) is [var zone, ..] ? zone : null;

    /// <summary>The 3-degree zones (with prefix when <paramref name="zonePrefix"/>) that cover longitudes
    /// <paramref name="west"/> to <paramref name="east"/>, west to east: the zones a map of that extent needs.</summary>
    public static IReadOnlyList<Crs> ThreeDegreeZonesCovering(double west, double east, bool zonePrefix = false)
    {
        if (!double.IsFinite(west) || !double.IsFinite(east) || west > east) return [];
        var zones = new List<Crs>();
        for (int zone = (int)Math.Round(Math.Max(west, -180) / 3); zone <= (int)Math.Round(Math.Min(east, 180) / 3); zone++)
            if (FromEpsg((zonePrefix ? 4488 : 4509) + zone) is { } crs && crs.ZoneWidth == 3) zones.Add(crs);
        return zones;
    }

    /// <summary>Parses what a request or command line names: null or empty is WGS 84; EPSG codes as
    /// <c>EPSG:4544</c>, <c>4544</c>, <c>urn:ogc:def:crs:EPSG::4544</c> or
    /// <c>http://www.opengis.net/def/crs/EPSG/0/4544</c>; <c>CRS84</c>, <c>wgs84</c>,
    /// <c>cgcs2000</c>, <c>gcj02</c>, <c>bd09</c> (case and hyphens ignored).</summary>
    /// <exception cref="ArgumentException">Not a CRS of the registry (a <see cref="CrsException"/>, whose message is for users).</exception>
    public static Crs Parse(string? text)
    {
        if (TryParse(text, out var crs)) return crs;
        //-- ArgumentException's own suffix (the parameter name) would only confuse a user: set Message whole.
        throw new CrsException($"不支持的坐标系 '{InputRules.Shorten(text ?? "")}'；可用：{Accepted}。Unknown CRS '{InputRules.Shorten(text ?? "")}'; use one of {Accepted}.");
    }

    public static bool TryParse(string? text, out Crs crs)
    {
        crs = Epsg4326;
        var t = (text ?? "").Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        switch (t)
        {
            case "" or "wgs84" or "crs84" or "ogc:crs84" or "urn:ogc:def:crs:ogc:1.3:crs84" or "http://www.opengis.net/def/crs/ogc/1.3/crs84":
                return true;
            case "cgcs2000":
                crs = Epsg4490;
                return true;
            case "gcj02" or "gcj":
                crs = Gcj02Crs;
                return true;
            case "bd09" or "bd09ll" or "baidu":
                crs = Bd09Crs;
                return true;
        }
        var m = EpsgPattern().Match(t);
        if (m.Success && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var epsg) && FromEpsg(epsg) is { } found)
        {
            crs = found;
            return true;
        }
        return false;
    }

    [GeneratedRegex(@"^(?:epsg:|urn:ogc:def:crs:epsg:[0-9.]*:|http://www\.opengis\.net/def/crs/epsg/0/)?([0-9]{4,5})$")]
    private static partial Regex EpsgPattern();

    /// <summary>The CRS a Shapefile's .prj (ESRI or OGC WKT) describes, matched by its parameters
    /// (an EPSG authority when it names one; else datum and, for Gauss–Krüger, central meridian,
    /// false easting, scale 1); null when it is none of the registry's.</summary>
    public static Crs? FromPrj(string wkt)
    {
        var text = wkt.Trim();
        var authority = Regex.Match(text, @"AUTHORITY\[\s*""EPSG""\s*,\s*""?([0-9]+)""?\s*\]\s*\]\s*$", RegexOptions.IgnoreCase);
        if (authority.Success && FromEpsg(int.Parse(authority.Groups[1].Value, CultureInfo.InvariantCulture)) is { } byCode) return byCode;
        bool cgcs = Regex.IsMatch(text, @"China[ _]Geodetic|CGCS[ _]?2000|China[ _]2000", RegexOptions.IgnoreCase);
        if (text.StartsWith("GEOGCS", StringComparison.OrdinalIgnoreCase) || text.StartsWith("GEOGCRS", StringComparison.OrdinalIgnoreCase))
            return cgcs ? Epsg4490 : Regex.IsMatch(text, @"WGS[ _]?(19)?84", RegexOptions.IgnoreCase) ? Epsg4326 : null;
        if (!cgcs || !Regex.IsMatch(text, @"Transverse_Mercator|Gauss_Kruger|Gauss-Kruger", RegexOptions.IgnoreCase)) return null;
        double? cm = Parameter(text, "central_meridian"), fe = Parameter(text, "false_easting"), fn = Parameter(text, "false_northing"),
            k = Parameter(text, "scale_factor"), lat0 = Parameter(text, "latitude_of_origin");
        if (cm is null || fe is null || (fn ?? 0) != 0 || Math.Abs((k ?? 1) - 1) > 1e-12 || (lat0 ?? 0) != 0) return null;
        //-- GDAL/ESRI name the 3-degree zones "3_Degree"; the 6-degree ones carry no width. The
        //-- two no-prefix variants of one central meridian are the same projection anyway.
        bool sixDegree = !Regex.IsMatch(text, @"3[ _-]?Degree", RegexOptions.IgnoreCase) && (cm.Value + 3) % 6 == 0;
        if (fe == 500_000)
            return sixDegree ? FromEpsg(4489 + (int)((cm.Value + 3) / 6)) : cm.Value % 3 == 0 ? FromEpsg(4509 + (int)(cm.Value / 3)) : null;
        double zone = (fe.Value - 500_000) / 1e6;
        if (zone != Math.Floor(zone)) return null;
        if (cm == 3 * zone) return FromEpsg(4488 + (int)zone);
        if (cm == 6 * zone - 3) return FromEpsg(4478 + (int)zone);
        return null;
    }

    private static double? Parameter(string wkt, string name)
    {
        var m = Regex.Match(wkt, $@"PARAMETER\[\s*""{name}""\s*,\s*([-+0-9.eE]+)\s*\]", RegexOptions.IgnoreCase);
        return m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>The CRS of the <c>partition</c> command's files (<c>--input-crs</c>, the options file's <c>input_crs</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="crs"/> is not a CRS of the registry.</exception>
    public static Crs ForFiles(string? crs) => TryParse(crs, out var c)
        ? c
        //-- The message the options' validation gave when the partitioner converted, with the new names.
        : throw new ArgumentException($"Option 'InputCrs' must be 'wgs84' or 'gcj02' (or any of {Accepted}), not '{crs}'.", nameof(crs));
}
