using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Projection;

/// <summary>Takes metric output back to lon/lat so that it fits the inputs exactly: a vertex
/// that came from an input boundary (township, village) gets its original lon/lat back, bit for
/// bit; everything else is inverse-projected. Edges are straight in the metric CRS, where
/// DESIGN §5 measures (a straight lon/lat edge of a kilometre bows by about a centimetre).</summary>
public sealed class LonLatRestorer(MetricProjection projection, PrecisionModel precision)
{
    private readonly Dictionary<Coordinate, Coordinate> _originals = [];

    /// <summary>Projects an input boundary and remembers its vertices and segments.</summary>
    public Geometry Forward(Geometry lonLat)
    {
        foreach (var c in lonLat.Coordinates)
        {
            var m = projection.Forward(c);
            precision.MakePrecise(m);
            _originals.TryAdd(m, c);
        }
        var metric = projection.Forward(lonLat);
        metric.Apply(new PreciseFilter(precision));
        metric.GeometryChanged();
        return metric;
    }

    public Geometry Inverse(Geometry metric)
    {
        var copy = projection.LonLatFactory.CreateGeometry(metric);
        copy.Apply(new RestoreFilter(this));
        copy.GeometryChanged();
        return copy;
    }

    private Coordinate Restore(Coordinate m) => _originals.TryGetValue(m, out var o) ? o.Copy() : projection.Inverse(m);

    private sealed class RestoreFilter(LonLatRestorer restorer) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var c = restorer.Restore(new Coordinate(seq.GetX(i), seq.GetY(i)));
            seq.SetX(i, c.X);
            seq.SetY(i, c.Y);
        }
    }

    private sealed class PreciseFilter(PrecisionModel precision) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            seq.SetX(i, precision.MakePrecise(seq.GetX(i)));
            seq.SetY(i, precision.MakePrecise(seq.GetY(i)));
        }
    }
}
