using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Projection;

/// <summary>Web Mercator (EPSG:3857, "Pseudo-Mercator") from and to WGS 84 lon/lat: the spherical
/// Mercator formulas on the WGS 84 semi-major axis, which is how EPSG defines it, so both ways are
/// exact (closed form, no iteration). Latitudes are clamped to ±85.05112878°, the square world of
/// web maps.</summary>
public static class WebMercator
{
    private const double Radius = 6378137.0, MaxLatitude = 85.0511287798066;

    public static Coordinate FromWgs84(Coordinate c)
    {
        double lat = Math.Clamp(c.Y, -MaxLatitude, MaxLatitude) * Math.PI / 180;
        return new Coordinate(Radius * c.X * Math.PI / 180, Radius * Math.Log(Math.Tan(Math.PI / 4 + lat / 2)));
    }

    public static Coordinate ToWgs84(Coordinate c) =>
        new(c.X / Radius * 180 / Math.PI, (2 * Math.Atan(Math.Exp(c.Y / Radius)) - Math.PI / 2) * 180 / Math.PI);
}
