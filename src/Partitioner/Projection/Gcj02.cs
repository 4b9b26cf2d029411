using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Projection;

/// <summary>GCJ-02 ("Mars" coordinates of Chinese web maps) to WGS 84. The forward offset is the
/// published obfuscation formula; the inverse is solved by fixed-point iteration until the
/// round trip agrees to 1e-9 degrees (about 0.1 mm), so the documented inverse error is well
/// under 1 m (measured ≤ 1 cm by the tests). Outside mainland China GCJ-02 equals WGS 84.</summary>
public static class Gcj02
{
    private const double A = 6378245.0;
    private const double Ee = 0.00669342162296594323;

    public static bool OutsideChina(double lon, double lat) => lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;

    public static Coordinate FromWgs84(Coordinate wgs)
    {
        if (OutsideChina(wgs.X, wgs.Y)) return wgs.Copy();
        var (dLon, dLat) = Offset(wgs.X, wgs.Y);
        return new Coordinate(wgs.X + dLon, wgs.Y + dLat);
    }

    public static Coordinate ToWgs84(Coordinate gcj)
    {
        if (OutsideChina(gcj.X, gcj.Y)) return gcj.Copy();
        double lon = gcj.X, lat = gcj.Y;
        for (int i = 0; i < 30; i++)
        {
            var back = FromWgs84(new Coordinate(lon, lat));
            double ex = back.X - gcj.X, ey = back.Y - gcj.Y;
            lon -= ex;
            lat -= ey;
            if (Math.Abs(ex) < 1e-9 && Math.Abs(ey) < 1e-9) break;
        }
        return new Coordinate(lon, lat);
    }

    public static Geometry ToWgs84(Geometry gcj) => CoordinateMapper.Map(gcj, ToWgs84);

    private static (double DLon, double DLat) Offset(double lon, double lat)
    {
        double x = lon - 105.0, y = lat - 35.0;
        double dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.Sqrt(Math.Abs(x))
            + (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0
            + (20.0 * Math.Sin(y * Math.PI) + 40.0 * Math.Sin(y / 3.0 * Math.PI)) * 2.0 / 3.0
            + (160.0 * Math.Sin(y / 12.0 * Math.PI) + 320 * Math.Sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
        double dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.Sqrt(Math.Abs(x))
            + (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0
            + (20.0 * Math.Sin(x * Math.PI) + 40.0 * Math.Sin(x / 3.0 * Math.PI)) * 2.0 / 3.0
            + (150.0 * Math.Sin(x / 12.0 * Math.PI) + 300.0 * Math.Sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
        double radLat = lat / 180.0 * Math.PI;
        double magic = Math.Sin(radLat);
        magic = 1 - Ee * magic * magic;
        double sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (A * (1 - Ee) / (magic * sqrtMagic) * Math.PI);
        dLon = dLon * 180.0 / (A / sqrtMagic * Math.Cos(radLat) * Math.PI);
        return (dLon, dLat);
    }
}
