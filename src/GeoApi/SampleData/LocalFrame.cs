using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>The generator's metric frame: u along the main valley, v across it, metres from the
/// township's centre. Maps to lon/lat rounded to 1e-7° (about 1 cm), so equal local coordinates
/// always give equal lon/lat and shared edges stay shared.</summary>
internal sealed class LocalFrame
{
    private readonly double _lon, _lat, _kx, _ky, _cos, _sin;

    public LocalFrame(double lon, double lat, double valleyAngle)
    {
        (_lon, _lat) = (lon, lat);
        _kx = 111320 * Math.Cos(lat * Math.PI / 180);
        _ky = 110540;
        (_cos, _sin) = (Math.Cos(valleyAngle), Math.Sin(valleyAngle));
    }

    public static GeometryFactory Metric { get; } = new();

    public static GeometryFactory LonLat { get; } = new(new PrecisionModel(1e7), 4326);

    public Coordinate ToLonLat(Coordinate c)
    {
        double x = c.X * _cos - c.Y * _sin, y = c.X * _sin + c.Y * _cos;
        return new Coordinate(Math.Round(_lon + x / _kx, 7), Math.Round(_lat + y / _ky, 7));
    }

    /// <summary>The inverse of <see cref="ToLonLat"/> (without rounding).</summary>
    public Coordinate ToLocal(Coordinate c)
    {
        double x = (c.X - _lon) * _kx, y = (c.Y - _lat) * _ky;
        return new Coordinate(x * _cos + y * _sin, -x * _sin + y * _cos);
    }

    public Point Point(Coordinate c) => LonLat.CreatePoint(ToLonLat(c));

    public Geometry Map(Geometry metric)
    {
        var g = Partitioner.Projection.CoordinateMapper.Map(metric, ToLonLat, LonLat);
        return g.IsValid ? g : GeometryFixer.Fix(g);
    }

    public Geometry ToLocal(Geometry lonLat) => Partitioner.Projection.CoordinateMapper.Map(lonLat, ToLocal, Metric);

    public LineString Line(LineString metric) =>
        LonLat.CreateLineString(CoordinateArrays.RemoveRepeatedPoints(metric.Coordinates.Select(ToLonLat).ToArray()));
}
