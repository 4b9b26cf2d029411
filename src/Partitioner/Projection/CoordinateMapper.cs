using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Projection;

/// <summary>Applies a function to every coordinate of a geometry in place (x, y only).</summary>
public sealed class CoordinateMapper(Func<Coordinate, Coordinate> map) : ICoordinateSequenceFilter
{
    public bool Done => false;
    public bool GeometryChanged => true;

    public void Filter(CoordinateSequence seq, int i)
    {
        var c = map(new Coordinate(seq.GetX(i), seq.GetY(i)));
        seq.SetX(i, c.X);
        seq.SetY(i, c.Y);
    }

    /// <summary>Rounds every coordinate to the precision model's grid.</summary>
    public static CoordinateMapper Precise(PrecisionModel precision) =>
        new(c => new Coordinate(precision.MakePrecise(c.X), precision.MakePrecise(c.Y)));

    /// <summary>A mapped copy of the geometry, built by <paramref name="factory"/> (or the geometry's own).</summary>
    public static Geometry Map(Geometry g, Func<Coordinate, Coordinate> map, GeometryFactory? factory = null)
    {
        var copy = factory is null ? g.Copy() : factory.CreateGeometry(g);
        copy.Apply(new CoordinateMapper(map));
        copy.GeometryChanged();
        return copy;
    }
}
