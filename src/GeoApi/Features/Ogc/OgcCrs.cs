using System.Globalization;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>A CRS of OGC API – Features Part 2 (CRS by reference, OGC 18-058): the URI a client
/// names in <c>crs</c> and <c>bbox-crs</c>, and the registry's CRS behind it (<see cref="InputCrs"/>,
/// the one home of conversions). Coordinates are written and read in the axis order of the CRS's
/// definition, as 18-058 requires: CRS84 longitude, latitude; EPSG:3857 easting, northing; EPSG:4490
/// latitude, longitude; the Gauss–Krüger zones northing (X), easting (Y). Stored data is CRS84.</summary>
internal sealed class OgcCrs
{
    public const string Crs84Uri = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    private OgcCrs(string uri, Crs crs, bool northingFirst)
    {
        Uri = uri;
        Crs = crs;
        NorthingFirst = northingFirst;
    }

    public string Uri { get; }
    public Crs Crs { get; }

    /// <summary>True when the first coordinate is the latitude or northing.</summary>
    public bool NorthingFirst { get; }

    public bool IsCrs84 => Uri == Crs84Uri;

    /// <summary>The value of the <c>Content-Crs</c> header: the URI in angle brackets.</summary>
    public string Header => $"<{Uri}>";

    /// <summary>The storage CRS: WGS 84 longitude, latitude (the registry's EPSG:4326, whose own EPSG axis order is not used here).</summary>
    public static OgcCrs Crs84 { get; } = new(Crs84Uri, InputCrs.Epsg4326, northingFirst: false);

    private static OgcCrs Of(Crs crs) => new(crs.OgcUri!, crs, crs.NorthingFirst);

    /// <summary>What every collection offers for data within <paramref name="extent"/> (CRS84
    /// minLon, minLat, maxLon, maxLat; null when there is no data): CRS84, CGCS2000 (EPSG:4490), the
    /// CGCS2000 3-degree Gauss–Krüger zones with zone prefix (EPSG:4513–4533) that cover the extent,
    /// and Web Mercator (EPSG:3857).</summary>
    public static IReadOnlyList<OgcCrs> Supported(double[]? extent) =>
    [
        Crs84, Of(InputCrs.Epsg4490),
        .. extent is null ? [] : InputCrs.ThreeDegreeZonesCovering(extent[0], extent[2], zonePrefix: true).Select(Of),
        Of(InputCrs.Epsg3857),
    ];

    /// <summary>The CRS <paramref name="value"/> names (CRS84 when absent), one of <paramref name="supported"/>.</summary>
    /// <exception cref="Infrastructure.ApiException">400 naming <paramref name="field"/>, listing the supported URIs.</exception>
    public static OgcCrs Parse(string? value, IReadOnlyList<OgcCrs> supported, string field)
    {
        if (value is null) return Crs84;
        var uri = value.Trim();
        return supported.FirstOrDefault(c => string.Equals(c.Uri, uri, StringComparison.OrdinalIgnoreCase))
            ?? throw OgcProblem.Invalid(field,
                $"不支持的坐标系“{Short(uri)}”；{field} 应为此集合 crs 列表中的 URI 之一：{string.Join("、", supported.Select(c => c.Uri))}。",
                $"'{Short(uri)}' is not a supported CRS; {field} must be one of the URIs in the collection's crs list: {string.Join(", ", supported.Select(c => c.Uri))}.");
    }

    /// <summary>A stored (CRS84) geometry in this CRS and its axis order.</summary>
    public Geometry FromStored(Geometry g)
    {
        var converted = Crs.FromWgs84(g);
        return NorthingFirst ? CoordinateMapper.Map(converted, Swap) : converted;
    }

    /// <summary>A coordinate of this CRS in its axis order, as stored (CRS84 longitude, latitude).</summary>
    public Coordinate ToStored(double first, double second) =>
        Crs.ToWgs84(NorthingFirst ? new Coordinate(second, first) : new Coordinate(first, second));

    /// <summary>A box of this CRS (lower corner, upper corner, each in its axis order) as a stored
    /// polygon: for projected CRSs each side is densified before conversion, so the curved image of
    /// a straight side is followed to well under a metre at a township's size.</summary>
    /// <exception cref="Infrastructure.ApiException">400 naming <c>bbox</c> when the corners do not make a box of this CRS.</exception>
    public Polygon BoxToStored(double[] v, GeometryFactory factory)
    {
        double x0 = NorthingFirst ? v[1] : v[0], y0 = NorthingFirst ? v[0] : v[1], x1 = NorthingFirst ? v[3] : v[2], y1 = NorthingFirst ? v[2] : v[3];
        bool ok = x0 <= x1 && y0 <= y1 && (!Crs.IsGeographic || (Math.Abs(x0) <= 180 && Math.Abs(x1) <= 180 && Math.Abs(y0) <= 90 && Math.Abs(y1) <= 90));
        string order = Crs.IsGeographic ? (NorthingFirst ? "最小纬度,最小经度,最大纬度,最大经度 (minLat,minLon,maxLat,maxLon)" : "最小经度,最小纬度,最大经度,最大纬度 (minLon,minLat,maxLon,maxLat)")
            : NorthingFirst ? "最小北坐标,最小东坐标,最大北坐标,最大东坐标 (minNorthing,minEasting,maxNorthing,maxEasting)" : "最小东坐标,最小北坐标,最大东坐标,最大北坐标 (minEasting,minNorthing,maxEasting,maxNorthing)";
        if (!ok) throw BadBox(order);
        int steps = Crs.IsGeographic ? 1 : 16;
        var ring = new List<Coordinate>();
        void Side(double ax, double ay, double bx, double by)
        {
            for (int i = 0; i < steps; i++) ring.Add(Crs.ToWgs84(new Coordinate(ax + (bx - ax) * i / steps, ay + (by - ay) * i / steps)));
        }
        Side(x0, y0, x1, y0);
        Side(x1, y0, x1, y1);
        Side(x1, y1, x0, y1);
        Side(x0, y1, x0, y0);
        ring.Add(ring[0].Copy());
        if (ring.Any(c => !double.IsFinite(c.X) || !double.IsFinite(c.Y) || Math.Abs(c.X) > 180 || Math.Abs(c.Y) > 90)) throw BadBox(order);
        return factory.CreatePolygon([.. ring]);
    }

    private Infrastructure.ApiException BadBox(string order) => OgcProblem.Invalid("bbox",
        $"边界框 bbox 应为 {Uri} 中的 {order}，下角不大于上角。",
        string.Create(CultureInfo.InvariantCulture, $"bbox must be the lower and upper corner in {Uri}, in its axis order: {order[(order.IndexOf('(', StringComparison.Ordinal) + 1)..^1]}."));

    private static Coordinate Swap(Coordinate c) => new(c.Y, c.X);

    private static string Short(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
