using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;

namespace GridSpatial.Partitioner.Inputs;

/// <summary>Drops altitude and measures: RFC 7946 allows a third coordinate (altitude), the
/// partition and its store are planar lon/lat. A 2D geometry is returned as it is; any other
/// comes back with the same shape, type and SRID and only x and y in its coordinates.</summary>
public static class Flattening
{
    public static Geometry Flatten(Geometry geometry)
    {
        var probe = new Probe();
        geometry.Apply(probe);
        if (!probe.Found) return geometry;
        var factory = geometry.Factory;
        return new GeometryEditor(factory).Edit(geometry, new GeometryEditor.CoordinateSequenceOperation((seq, _) =>
        {
            var flat = factory.CoordinateSequenceFactory.Create(seq.Count, 2, 0);
            for (int i = 0; i < seq.Count; i++)
            {
                flat.SetX(i, seq.GetX(i));
                flat.SetY(i, seq.GetY(i));
            }
            return flat;
        }));
    }

    private sealed class Probe : IEntireCoordinateSequenceFilter
    {
        public bool Found { get; private set; }
        public bool Done => Found;
        public bool GeometryChanged => false;
        public void Filter(CoordinateSequence seq) => Found |= seq.Dimension > 2 || seq.Measures > 0;
    }
}
