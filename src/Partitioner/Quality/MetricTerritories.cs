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
}
