using System.Runtime.CompilerServices;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Quality;

/// <summary>Territories in a township's metric CRS, each projected once: a local recompute measures
/// the whole township again, and all but a few of its territories are the objects it carried over
/// from the version before (a service keeps that version between recomputes), so their projections,
/// and what is measured of those (<see cref="ExactCoverage"/>'s validity), are the ones measured
/// before. Keyed by the lon/lat object and the projection (<see cref="MetricProjection.Key"/>); an
/// entry lives as long as its territory and holds while the territory's coordinates are the ones it
/// was projected from (<see cref="GeometryStamp"/>: one changed in place is projected again).</summary>
internal static class MetricTerritories
{
    private sealed record Projected(string Projection, long Stamp, Geometry Metric);

    private static readonly ConditionalWeakTable<Geometry, Projected> Kept = [];

    public static Geometry Of(Geometry lonLat, MetricProjection projection)
    {
        long stamp = GeometryStamp.Of(lonLat);
        if (Kept.TryGetValue(lonLat, out var p) && p.Projection == projection.Key && p.Stamp == stamp) return p.Metric;
        var metric = projection.Forward(lonLat);
        Kept.AddOrUpdate(lonLat, new Projected(projection.Key, stamp, metric));
        return metric;
    }

    private sealed record Inside(long Stamp, Coordinate? Point);

    private static readonly ConditionalWeakTable<Geometry, Inside> InteriorPoints = [];

    /// <summary>The territory's interior point (null when empty), worked out once per territory object
    /// while its coordinates stay the same: a local recompute's report checks every micro-grid's against
    /// its grid, and all but a few territories are the ones checked before.</summary>
    public static Coordinate? InteriorPoint(Geometry territory)
    {
        long stamp = GeometryStamp.Of(territory);
        if (InteriorPoints.TryGetValue(territory, out var kept) && kept.Stamp == stamp) return kept.Point;
        var point = territory.IsEmpty ? null : territory.InteriorPoint.Coordinate;
        InteriorPoints.AddOrUpdate(territory, new Inside(stamp, point));
        return point;
    }
}
