using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using CoverageUnion = NetTopologySuite.Coverage.CoverageUnion;

namespace GridSpatial.Partitioner.Incremental;

/// <summary>The part of a township a local recompute partitions: the land of the grids to
/// recompute, as a township of its own whose villages are those grids' land in each village, with
/// the households that stand on it, the buildings, barriers and streets near it, and the previous
/// partition of those grids (the whole code history, so new codes never repeat one in use).</summary>
internal sealed record Region(PartitionInput Input, IReadOnlySet<string> Grids)
{
    /// <summary>The region of <paramref name="grids"/>; null when their land does not unite into a
    /// valid polygon of the same area (their shared borders do not match vertex for vertex: then only
    /// a whole recompute can say).</summary>
    /// <param name="publishedVersion">The version the region's previous partition counts as (the one
    /// published before this recompute, though <paramref name="current"/> may already hold other regions' results).</param>
    public static Region? Of(PartitionInput input, Partition current, IReadOnlySet<string> grids, int publishedVersion)
    {
        var chosen = current.Grids.Where(g => grids.Contains(g.Code)).ToList();
        var villages = new List<VillageInput>();
        var parts = new List<Geometry>();
        foreach (var village in chosen.GroupBy(g => g.VillageCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var land = Union(village.Select(g => g.Territory).ToList());
            if (land is null) return null;
            parts.Add(land);
            var name = input.Villages.FirstOrDefault(v => v.Code == village.Key)?.Name ?? input.Township.Name;
            villages.Add(new VillageInput(village.Key, name, land));
        }
        var boundary = parts.Count == 1 ? parts[0] : Union(parts);
        //-- Grids that share borders unite into one polygon; pieces left apart mean their borders do not
        //-- match vertex for vertex (hair-thin gaps), which a whole recompute mends.
        if (boundary is null || chosen.All(g => g.Territory is Polygon) && boundary is not Polygon) return null;

        var inside = new IndexedPointInAreaLocator(boundary);
        var households = input.Households.Where(h => inside.Locate(h.Location) != Location.Exterior).ToList();
        //-- The published partition of these grids (the whole code history, so new codes never repeat one).
        var previous = PreviousPartition.Of(current with
        {
            Version = publishedVersion,
            MicroGrids = current.MicroGrids.Where(m => grids.Contains(m.GridCode)).ToList(),
            Assignments = current.Assignments.Where(a => grids.Contains(a.GridCode)).ToList(),
        });
        return new Region(LandAsTownship(input, boundary, households, villages, previous), grids);
    }

    /// <summary>Land of a township partitioned as a township of its own: its households, villages and
    /// previous partition, with the township's buildings, barriers and streets near it.</summary>
    public static PartitionInput LandAsTownship(PartitionInput township, Geometry land, List<HouseholdInput> households, List<VillageInput> villages, PreviousPartition previous)
    {
        var extent = land.EnvelopeInternal;
        return new PartitionInput(
            new TownshipInput(township.Township.Code, township.Township.Name, land),
            households,
            township.Buildings.Where(b => b.Footprint.EnvelopeInternal.Intersects(extent)).ToList(),
            township.Barriers.Where(b => b.Line.EnvelopeInternal.Intersects(extent)).ToList(),
            township.Villages.Count > 0 ? villages : [],
            previous)
        {
            Streets = township.Streets.Where(s => s.Line.EnvelopeInternal.Intersects(extent)).ToList(),
            Nest = township.Nest is { } nest ? nest with { Units = nest.Units.Where(u => u.Area.EnvelopeInternal.Intersects(extent)).ToList() } : null,
        };
    }

    /// <summary>The union of territories that tile without overlap (shared borders vertex for
    /// vertex, as published), or null when they do not unite cleanly.</summary>
    private static Geometry? Union(List<Geometry> parts)
    {
        if (parts.Count == 1) return parts[0];
        try
        {
            var union = CoverageUnion.Union(parts.ToArray());
            double area = parts.Sum(p => p.Area);
            return union.IsValid && union is Polygon or MultiPolygon && Math.Abs(union.Area - area) <= 1e-9 * area ? union : null;
        }
        catch (TopologyException)
        {
            return null;
        }
    }
}
