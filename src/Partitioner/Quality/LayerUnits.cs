using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace GridSpatial.Partitioner.Quality;

/// <summary>The units of the departmental layer a township nests in, in the township's metric CRS:
/// the one home of the rule that a territory nests in a unit when at most
/// <see cref="NestingFit.SliverShare"/> of its area lies outside it (the report's shares and the
/// editor's refusals both ask here).</summary>
public sealed class LayerUnits
{
    private readonly MetricProjection _projection;
    private readonly STRtree<(string Code, IPreparedGeometry Area)> _index = new();

    public LayerUnits(NestInput nest, Geometry townshipBoundary)
    {
        _projection = MetricProjection.For(townshipBoundary);
        foreach (var u in nest.Units)
        {
            var metric = _projection.Forward(u.Area);
            _index.Insert(metric.EnvelopeInternal, (u.Code, PreparedGeometryFactory.Prepare(metric)));
        }
        _index.Build();
    }

    /// <summary>Whether <paramref name="lonLat"/> lies in one unit, but for a sliver.</summary>
    public bool Nests(Geometry lonLat)
    {
        var metric = _projection.Forward(lonLat);
        double area = metric.Area;
        return _index.Query(metric.EnvelopeInternal).Any(u => u.Area.Covers(metric)
            || u.Area.Intersects(metric) && area - Overlap(metric, u.Area) <= NestingFit.SliverShare * area);
    }

    /// <summary>The codes (in order) of the units holding more than a sliver of <paramref name="lonLat"/>'s area.</summary>
    public IReadOnlyList<string> Holding(Geometry lonLat)
    {
        var metric = _projection.Forward(lonLat);
        double area = metric.Area;
        return _index.Query(metric.EnvelopeInternal)
            .Where(u => u.Area.Intersects(metric) && Overlap(metric, u.Area) > NestingFit.SliverShare * area)
            .Select(u => u.Code).Order(StringComparer.Ordinal).ToList();
    }

    private static double Overlap(Geometry metric, IPreparedGeometry unit) =>
        OverlayNGRobust.Overlay(metric, unit.Geometry, SpatialFunction.Intersection).Area;
}
