using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Tiles;

/// <summary>Where a tile's features are drawn: in WGS 84 (the stored geometry, as every OGC and
/// export answer gives it) or in GCJ-02 for base maps of Chinese web map providers (高德 and
/// others), whose tile grid is the same Web Mercator grid laid over GCJ-02 coordinates.</summary>
/// <remarks>For GCJ-02 the tile is the affine map, fitted by least squares to <see cref="Gcj02"/>
/// at a 5 × 5 lattice over the tile, that takes stored Web Mercator metres to GCJ-02 Web Mercator
/// metres; PostGIS applies it with <c>ST_Affine</c> before clipping. The GCJ-02 offset is smooth
/// (its shortest wavelength is 1/3 degree), so an affine map over one tile is exact to well under
/// a pixel at every zoom and to centimetres at street zoom (<c>TileCrsTests</c> measure it against
/// <see cref="Gcj02"/> vertex by vertex); neighbouring tiles meet within the same tolerance.</remarks>
public sealed record TileCrs(string Name, double A, double B, double D, double E, double XOff, double YOff, Envelope Stored)
{
    public const string Wgs84 = "wgs84", Gcj = "gcj02";
    private const int Lattice = 5;
    private const double HalfWorld = 20037508.342789244;

    public bool IsGcj02 => Name == Gcj;

    /// <summary>The crs query value of a tile or TileJSON request: <c>wgs84</c> (default) or <c>gcj02</c>.</summary>
    public static string Parse(string? crs) => crs?.Trim().ToLowerInvariant() switch
    {
        null or "" or "wgs84" or "cgcs2000" or "epsg:4326" or "epsg:4490" => Wgs84,
        "gcj02" or "gcj-02" => Gcj,
        _ => throw new Infrastructure.ApiException(400, "Unknown tile CRS",
            $"Tiles are drawn in wgs84 (the default, also CGCS2000) or gcj02; '{crs}' is neither.", new() { ["field"] = "crs" }),
    };

    /// <summary>The transform of tile z/x/y in this crs; <see cref="Stored"/> is the stored
    /// (WGS 84) lon/lat extent whose features land in the tile.</summary>
    public static TileCrs For(string crs, int z, int x, int y, Envelope lonLat)
    {
        if (crs != Gcj) return new TileCrs(Wgs84, 1, 0, 0, 1, 0, 0, lonLat);
        // Lattice points in the GCJ-02 tile (with its buffer), each paired with the stored point drawn there.
        var pad = (double)TileLayer.Buffer / TileLayer.Extent;
        double n = 1 << z, size = 2 * HalfWorld / n;
        var gcj = new List<(double X, double Y)>();
        var wgs = new List<(double X, double Y)>();
        var stored = new Envelope();
        for (int i = 0; i < Lattice; i++)
            for (int j = 0; j < Lattice; j++)
            {
                double mx = -HalfWorld + (x - pad + (1 + 2 * pad) * i / (Lattice - 1)) * size;
                double my = HalfWorld - (y - pad + (1 + 2 * pad) * j / (Lattice - 1)) * size;
                var back = Gcj02.ToWgs84(ToLonLat(mx, my));
                stored.ExpandToInclude(back);
                gcj.Add((mx, my));
                wgs.Add(ToMercator(back));
            }
        var (a, b, xo) = Fit(wgs, gcj.ConvertAll(p => p.X));
        var (d, e, yo) = Fit(wgs, gcj.ConvertAll(p => p.Y));
        return new TileCrs(Gcj, a, b, d, e, xo, yo, stored);
    }

    /// <summary>A stored Web Mercator point as this tile draws it.</summary>
    public (double X, double Y) Apply(double x, double y) => (A * x + B * y + XOff, D * x + E * y + YOff);

    public static Coordinate ToLonLat(double x, double y) =>
        new(x / HalfWorld * 180, Math.Atan(Math.Sinh(y / HalfWorld * Math.PI)) * 180 / Math.PI);

    public static (double X, double Y) ToMercator(Coordinate lonLat) =>
        (lonLat.X * HalfWorld / 180, Math.Log(Math.Tan((90 + lonLat.Y) * Math.PI / 360)) * HalfWorld / Math.PI);

    /// <summary>Least squares of t ≈ p·x + q·y + r, solved on coordinates centred at the lattice's
    /// mean (metres of the world would lose the fit's precision).</summary>
    private static (double P, double Q, double R) Fit(List<(double X, double Y)> from, List<double> to)
    {
        double cx = from.Average(p => p.X), cy = from.Average(p => p.Y), ct = to.Average();
        double sxx = 0, sxy = 0, syy = 0, sxt = 0, syt = 0;
        for (int k = 0; k < from.Count; k++)
        {
            double u = from[k].X - cx, v = from[k].Y - cy, t = to[k] - ct;
            sxx += u * u; sxy += u * v; syy += v * v; sxt += u * t; syt += v * t;
        }
        double det = sxx * syy - sxy * sxy;
        double p = (sxt * syy - syt * sxy) / det, q = (syt * sxx - sxt * sxy) / det;
        return (p, q, ct - p * cx - q * cy);
    }
}
