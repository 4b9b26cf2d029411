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
        metric.Apply(CoordinateMapper.Precise(precision));
        metric.GeometryChanged();
        return metric;
    }

    /// <summary>Projects an input polygon as <see cref="Forward"/> does and repairs it when
    /// projecting and snapping to the precision model made it invalid (a sliver ring that
    /// collapsed, a vertex that snapped onto an edge): the metric work needs valid polygons.</summary>
    public Geometry ToMetric(Geometry lonLat)
    {
        var metric = Forward(lonLat);
        return metric.IsValid ? metric : NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(metric);
    }

    public Geometry Inverse(Geometry metric)
    {
        return CoordinateMapper.Map(metric, Restore, projection.LonLatFactory);
    }

    /// <summary>Whether a (precise) metric vertex came from a projected input.</summary>
    public bool IsOriginal(Coordinate metric) => _originals.ContainsKey(metric);

    private Coordinate Restore(Coordinate m) => _originals.TryGetValue(m, out var o) ? o.Copy() : projection.Inverse(m);
}
