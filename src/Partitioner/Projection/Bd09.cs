using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Projection;

/// <summary>BD-09 (Baidu Maps) to WGS 84, through GCJ-02: BD-09 is a further published offset of
/// GCJ-02 (about 1 km near Beijing, the two together 100–700 m). The forward offset is the
/// published formula; the inverse is solved by fixed-point iteration until the round trip agrees
/// to 1e-10 degrees, so BD-09 → GCJ-02 adds under 1 mm to <see cref="Gcj02"/>'s inverse error
/// (documented and tested: under 1 cm in all).</summary>
public static class Bd09
{
    private const double XPi = Math.PI * 3000.0 / 180.0;

    public static Coordinate FromGcj02(Coordinate gcj)
    {
        double x = gcj.X, y = gcj.Y;
        double z = Math.Sqrt(x * x + y * y) + 0.00002 * Math.Sin(y * XPi);
        double theta = Math.Atan2(y, x) + 0.000003 * Math.Cos(x * XPi);
        return new Coordinate(z * Math.Cos(theta) + 0.0065, z * Math.Sin(theta) + 0.006);
    }

    public static Coordinate ToGcj02(Coordinate bd)
    {
        //-- The published closed-form inverse is only good to ~1e-6 degrees: refine it.
        double x = bd.X - 0.0065, y = bd.Y - 0.006;
        for (int i = 0; i < 30; i++)
        {
            var back = FromGcj02(new Coordinate(x, y));
            double ex = back.X - bd.X, ey = back.Y - bd.Y;
            x -= ex;
            y -= ey;
            if (Math.Abs(ex) < 1e-10 && Math.Abs(ey) < 1e-10) break;
        }
        return new Coordinate(x, y);
    }

    public static Coordinate FromWgs84(Coordinate wgs) => FromGcj02(Gcj02.FromWgs84(wgs));

    public static Coordinate ToWgs84(Coordinate bd) => Gcj02.ToWgs84(ToGcj02(bd));
}
