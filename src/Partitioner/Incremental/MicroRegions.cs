using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using CoverageUnion = NetTopologySuite.Coverage.CoverageUnion;

namespace GridSpatial.Partitioner.Incremental;

/// <summary>A local recompute's first try, one level down (DESIGN §8, "a border moves only when the
/// households on one of its sides changed"): when households changed only in micro-grids of grids
/// that stay in their size band (clusters, or a building's micro-grids, whose floor runs are redrawn
/// together), only the land of those micro-grids is partitioned afresh —
/// widened to their neighbours in the same grid while a new cluster falls outside its bounds (unless
/// it stays in the hard bounds and the township's size shares still hold: <see cref="SharesHold"/>, or
/// it is a hamlet no wider land could help: <see cref="Stranded"/>) — and
/// the grids keep their codes and land, every other micro-grid its territory vertex for vertex. Null
/// when it cannot be confined so (then the grids are recomputed whole). A grid already outside its
/// band stays at this level while the change takes it no further out (<see cref="PartitionOptions.GridOutsideBandBy"/>).</summary>
internal sealed class MicroRegions(PartitionOptions options)
{
    /// <summary>Times a grid's recomputed land may widen to the micro-grids around it.</summary>
    private const int Widenings = 3;

    /// <summary>The partition, the grids touched, and the micro-grids partitioned afresh (widening included).</summary>
    public sealed record Result(Partition Merged, IReadOnlySet<string> Grids, IReadOnlySet<string> MicroGrids);

    /// <param name="householdAt">Each household's location by id (the caller's, built once per recompute; built here when not given).</param>
    public Result? Try(PartitionInput input, Partition current, IReadOnlySet<string> changed, int version, MetricProjection projection,
        IReadOnlyDictionary<string, Coordinate>? householdAt = null)
    {
        var byCode = current.MicroGrids.ToDictionary(m => m.Code, StringComparer.Ordinal);
        var grids = current.Grids.ToDictionary(g => g.Code, StringComparer.Ordinal);
        if (changed.Count == 0 || changed.Any(c => !byCode.ContainsKey(c))) return null;
        //-- A building's floor runs share one territory: its land is redrawn with all of them or not at all.
        var stacks = changed.Select(c => byCode[c].Territory).ToHashSet(ReferenceEqualityComparer.Instance);
        changed = current.MicroGrids.Where(m => changed.Contains(m.Code) || stacks.Contains(m.Territory)).Select(m => m.Code).ToHashSet(StringComparer.Ordinal);
        var touched = changed.Select(c => c[..15]).ToHashSet(StringComparer.Ordinal);
        //-- Staff's pins are the grid-level recompute's to keep (it gives them back as drawn).
        if (touched.Any(g => !grids.TryGetValue(g, out var grid) || grid.Pinned || current.MicroGrids.Any(m => m.GridCode == g && m.Pinned))) return null;

        var merged = current with { Version = version };
        householdAt ??= input.Households.ToDictionary(h => h.Id, h => h.Location, StringComparer.Ordinal);
        var sharesBefore = Shares(current);
        var recomputed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var grid in touched.Order(StringComparer.Ordinal))
        {
            var own = changed.Where(c => c.StartsWith(grid, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
            var next = Recompute(input, householdAt, merged, current, sharesBefore, grids[grid], own, version, projection);
            if (next is null) return null;
            merged = next;
            recomputed.UnionWith(own);
        }
        //-- The grids' new sizes must stay in their band, else the grid level decides — unless a grid was
        //-- outside it already and the change takes it no further out: the grid level had not brought it
        //-- back (a township's towers can leave a grid too full), and redrawing it for every household that
        //-- leaves it only rewrote its towers' land; the nightly full recompute still weighs it whole.
        if (merged.Grids.Where(g => touched.Contains(g.Code))
            .Any(g => options.GridOutsideBandBy(g.HouseholdCount) > options.GridOutsideBandBy(grids[g.Code].HouseholdCount)))
            return null;
        return new Result(merged, touched, recomputed);
    }

    /// <summary><paramref name="merged"/> with micro-grids <paramref name="own"/> of <paramref name="grid"/>
    /// (and, while needed, their neighbours in it) partitioned afresh; null when that gives no clusters
    /// in their bounds, or the land or partition does not fit.</summary>
    private Partition? Recompute(PartitionInput input, IReadOnlyDictionary<string, Coordinate> householdAt, Partition merged, Partition published, (double Soft, double Hard) sharesBefore, Grid grid,
        HashSet<string> own, int version, MetricProjection projection)
    {
        for (int widening = 0; ; widening++)
        {
            var chosen = merged.MicroGrids.Where(m => own.Contains(m.Code)).ToList();
            var land = Union(chosen.Select(m => m.Territory).Distinct(ReferenceEqualityComparer.Instance).Cast<Geometry>().ToList());
            var part = land is null ? null : Partition(input, published, grid, chosen, land, version, projection);
            var stranded = part is null ? new HashSet<string>() : Stranded(part, merged, own);
            if (part is not null && land is not null && InBounds(part, options.ClusterHardMin, options.ClusterHardMax, stranded)
                && RegionMerge.Merge(merged, part, land, RegionMerge.Scope.OfMicroGrids(own), projection, version, householdAt) is { } next
                && (InBounds(part, options.ClusterMin, options.ClusterMax, stranded) || SharesHold(next, sharesBefore))) return next;
            if (widening == Widenings) return null;
            var wider = Neighbours(merged, grid.Code, own);
            if (wider.Count == 0) return null;
            own.UnionWith(wider);
        }
    }

    private Partition? Partition(PartitionInput input, Partition published, Grid grid, List<MicroGrid> chosen, Geometry land, int version, MetricProjection projection)
    {
        var inside = new IndexedPointInAreaLocator(land);
        var households = input.Households.Where(h => inside.Locate(h.Location) != Location.Exterior).ToList();
        if (households.Count == 0) return null;
        var codes = chosen.Select(m => m.Code).ToHashSet(StringComparer.Ordinal);
        var name = input.Villages.FirstOrDefault(v => v.Code == grid.VillageCode)?.Name ?? input.Township.Name;
        var previous = PreviousPartition.Of(published with
        {
            MicroGrids = published.MicroGrids.Where(m => codes.Contains(m.Code)).ToList(),
            Assignments = published.Assignments.Where(a => codes.Contains(a.MicroGridCode)).ToList(),
        });
        var region = Region.LandAsTownship(input, land, households, [new VillageInput(grid.VillageCode, name, land)], previous);
        Partition part;
        try
        {
            part = new TownshipPartitioner(options).Partition(region, version, projection);
        }
        catch (Exception e) when (e is TopologyException or InputException)
        {
            return null;
        }
        //-- One grid, the same: its households came from it, so it keeps its code. And land in one piece
        //-- each, every household in its own (the land is one polygon: nothing may come out in pieces).
        return part.Grids is [{ } only] && only.Code == grid.Code && part.MicroGrids.All(m => m.GridCode == grid.Code)
            && part.Report.NonContiguous == 0 && part.Report.HouseholdsOutsideOwnTerritory == 0 ? part : null;
    }

    private static bool InBounds(Partition part, int min, int max, HashSet<string> stranded) =>
        part.MicroGrids.Where(m => m.Kind == MicroGridKind.Cluster && !stranded.Contains(m.Code)).All(m => m.HouseholdCount >= min && m.HouseholdCount <= max);

    /// <summary>The part's clusters that no wider land can bring into their bounds: hamlets below the
    /// hard minimum that the partitioner left alone (nothing in the land in reach to join: a house in a
    /// yard among tower blocks whose households fill their own micro-grids) and that share no stretch of
    /// border with anything outside the land that could take them in either: a cluster, or a building
    /// small enough to have no floor runs (the partitioner attaches a stranded hamlet to such a building
    /// when it has room). A whole recompute strands them the same way; widening for them only redrew the
    /// grid's other micro-grids, then its neighbouring grids, to the same result.</summary>
    private HashSet<string> Stranded(Partition part, Partition merged, HashSet<string> own)
    {
        var small = part.MicroGrids.Where(m => m.Kind == MicroGridKind.Cluster && m.HouseholdCount < options.ClusterHardMin).ToList();
        if (small.Count == 0 || small.Count > part.Report.StrandedHamlets) return [];
        var across = merged.MicroGrids.Where(m => m.Kind != MicroGridKind.Floor && !own.Contains(m.Code)).ToList();
        bool Reachable(MicroGrid m)
        {
            var near = m.Territory.EnvelopeInternal.Copy();
            near.ExpandBy(OffEdgeDegrees);
            try
            {
                //-- A stretch of border, not a corner: the partitioner joins sites whose cells share an edge.
                return across.Any(o => o.Territory.EnvelopeInternal.Intersects(near) && o.Territory.Distance(m.Territory) <= OffEdgeDegrees
                    && m.Territory.Boundary.Intersection(o.Territory.Boundary.Buffer(OffEdgeDegrees)).Length > 10 * OffEdgeDegrees);
            }
            catch (TopologyException)
            {
                return true;
            }
        }
        return small.Where(m => !Reachable(m)).Select(m => m.Code).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>How near (about a centimetre) a cluster outside the land counts as touching a stranded
    /// hamlet's territory; along ten times that (a decimetre) it shares a stretch of border, might take
    /// the hamlet in, and the land is widened as before.</summary>
    private const double OffEdgeDegrees = 1e-7;

    /// <summary>Whether the township's clusters still meet DESIGN §5's size shares (at least 95 % in the
    /// bounds, 99 % in the hard bounds; or as many as before, where it had fewer): a new cluster just
    /// outside the bounds is then kept rather than redrawing its neighbours' land too, as a whole
    /// recompute keeps a few.</summary>
    private bool SharesHold(Partition merged, (double Soft, double Hard) before)
    {
        var (soft, hard) = Shares(merged);
        return soft >= Math.Min(SoftShare, before.Soft) && hard >= Math.Min(HardShare, before.Hard);
    }

    /// <summary>The shares of the partition's clusters in the bounds and in the hard bounds, stranded hamlets
    /// (clusters below the hard minimum: the partitioner leaves only those) not counted: they are the data's.</summary>
    private (double Soft, double Hard) Shares(Partition p)
    {
        int all = 0, soft = 0, hard = 0;
        foreach (var m in p.MicroGrids)
        {
            if (m.Kind != MicroGridKind.Cluster || m.HouseholdCount < options.ClusterHardMin) continue;
            all++;
            if (m.HouseholdCount >= options.ClusterMin && m.HouseholdCount <= options.ClusterMax) soft++;
            if (m.HouseholdCount >= options.ClusterHardMin && m.HouseholdCount <= options.ClusterHardMax) hard++;
        }
        return all == 0 ? (1, 1) : (soft / (double)all, hard / (double)all);
    }

    /// <summary>DESIGN §5: clusters in the bounds, and in the hard bounds.</summary>
    private const double SoftShare = 0.95, HardShare = 0.99;

    /// <summary>The cluster micro-grids of the grid that share a stretch of border with one of <paramref name="own"/>.</summary>
    private static HashSet<string> Neighbours(Partition merged, string grid, HashSet<string> own)
    {
        var chosen = merged.MicroGrids.Where(m => own.Contains(m.Code)).ToList();
        return merged.MicroGrids.Where(m => m.GridCode == grid && !own.Contains(m.Code) && m.Kind == MicroGridKind.Cluster
                && chosen.Any(c => c.Territory.EnvelopeInternal.Intersects(m.Territory.EnvelopeInternal)
                    && c.Territory.Relate(m.Territory).Get(Location.Boundary, Location.Boundary) == Dimension.Curve))
            .Select(m => m.Code).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The micro-grids' land as one polygon, or null when it is not one clean piece.</summary>
    private static Geometry? Union(List<Geometry> parts)
    {
        try
        {
            var union = parts.Count == 1 ? parts[0] : CoverageUnion.Union(parts.ToArray());
            double area = parts.Sum(p => p.Area);
            return union is Polygon && union.IsValid && Math.Abs(union.Area - area) <= 1e-9 * area ? union : null;
        }
        catch (TopologyException)
        {
            return null;
        }
    }
}
