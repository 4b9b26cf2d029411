using System.Diagnostics;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Quality;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Geometries;
using NetTopologySuite.Algorithm.Locate;

namespace GridSpatial.Partitioner.Incremental;

/// <summary>Recomputes only the micro-grids whose households changed when their grids stay in
/// their band (<see cref="MicroRegions"/>), else only the grids whose households changed (DESIGN §8): their land is
/// partitioned afresh as a township of its own, with the published partition of those grids as
/// previous (so unchanged micro-grids in them keep their territories and codes), and every other
/// grid, micro-grid and assignment is carried over as published, vertex for vertex. When a
/// recomputed grid leaves its size band (or the grids' number changes), the neighbours in its
/// village are recomputed with it, a few times at most. The report is measured on the whole
/// township, as after a whole recompute.</summary>
public sealed class LocalRecompute(PartitionOptions options)
{
    /// <summary>The partition, and the codes of the published grids it recomputed (none when no
    /// household changed: the partition is then the published one, as the next version).</summary>
    public sealed record Result(Partition Partition, IReadOnlySet<string> Recomputed)
    {
        /// <summary>Why the whole township was recomputed, when it was (<see cref="Refusal"/>); null for a local recompute.</summary>
        public string? WholeBecause { get; init; }
    }

    /// <summary>Why the last <see cref="Partition"/> could not confine the change (it gave null), for the
    /// log of a whole recompute that follows; null when it could.</summary>
    public string? Refusal { get; private set; }

    private Result? Refuse(string why)
    {
        Refusal = why;
        return null;
    }

    /// <summary>Times the recomputed land may widen to the neighbours of a grid out of its band.</summary>
    private const int Widenings = 3;

    /// <summary>The partition that follows <paramref name="current"/>: the local recompute when the
    /// change can be confined, else the whole township recomputed with <paramref name="current"/> as
    /// previous (codes stay stable; every grid counts as recomputed).</summary>
    public Result Recompute(PartitionInput input, Partition current, int version) =>
        Partition(input, current, version)
        ?? new Result(new TownshipPartitioner(options).Partition(input with { Previous = PreviousPartition.Of(current) }, version),
            current.Grids.Select(g => g.Code).ToHashSet(StringComparer.Ordinal)) { WholeBecause = Refusal };

    /// <summary>The partition of <paramref name="input"/> that follows <paramref name="current"/> as
    /// <paramref name="version"/>; null when the change cannot be confined to some grids (a household
    /// outside every territory, every grid changed, grids whose land does not unite): then only a
    /// whole recompute can give it.</summary>
    public Result? Partition(PartitionInput input, Partition current, int version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(version, current.Version);
        Refusal = null;
        var times = new StageTimes();
        var elapsed = times.Elapsed;
        void Stage(string name) => times.Stage(name);
        options.Validate();
        InputValidator.Validate(input);
        input = BuildingReach.Apply(input, options);
        Stage("prepare");

        //-- Only households may have changed: a new barrier, street, boundary or option can move any border.
        var digest = InputsDigest.Of(input, options);
        if (current.InputsDigest != digest) return Refuse("inputs other than households changed (boundary, villages, buildings, barriers, streets or options)");
        var changed = ChangedGrids.MicroGrids(input.Households, current);
        if (changed is null) return Refuse("a household stands outside every published territory");
        var grids = changed.Select(c => c[..15]).ToHashSet(StringComparer.Ordinal);
        Stage("changes");
        var projection = MetricProjection.For(input.Township.Boundary);
        var merged = current with { Version = version };
        var householdAt = input.Households.ToDictionary(h => h.Id, h => h.Location, StringComparer.Ordinal);
        //-- First one level down: only the changed micro-grids' land, the grids kept as they are.
        var local = grids.Count > 0 ? new MicroRegions(options).Try(input, current, changed, version, projection, householdAt) : null;
        if (local is not null) merged = local.Merged;
        for (int widening = 0; local is null && grids.Count > 0; widening++)
        {
            if (grids.Count == current.Grids.Count) return Refuse($"every grid changed or was widened into ({grids.Count})");
            //-- Each connected group of grids is partitioned on its own: a region in two pieces would
            //-- give a village's empty land one territory in two pieces.
            merged = current with { Version = version };
            var outOfBand = new HashSet<string>(StringComparer.Ordinal);
            var unmerged = new HashSet<string>(StringComparer.Ordinal);
            foreach (var group in Groups(current, grids))
            {
                var region = Region.Of(input, merged, group, current.Version);
                if (region is null) return Refuse($"the land of grids {string.Join(", ", group.Order(StringComparer.Ordinal))} does not unite into one region");
                Partition part;
                try
                {
                    part = new TownshipPartitioner(options).Partition(region.Input, version, projection);
                }
                catch (Exception e) when (e is TopologyException or InputException)
                {
                    //-- The region's land is too thin somewhere to partition on its own, or its outline
                    //-- touches itself (grids around a hole meeting at a point: not a valid township):
                    //-- the whole township can.
                    return Refuse($"the land of grids {string.Join(", ", group.Order(StringComparer.Ordinal))} cannot be partitioned on its own: {e.Message}");
                }
                if (!InBand(part, group, current)) outOfBand.UnionWith(group);
                //-- A region whose edge its territories cannot take back (RegionMerge) is widened like one out
                //-- of its band: its edge then runs elsewhere.
                if (RegionMerge.Merge(merged, part, region.Input.Township.Boundary, RegionMerge.Scope.OfGrids(region.Grids), projection, version, householdAt) is { } next) merged = next;
                else unmerged.UnionWith(group);
            }
            outOfBand.UnionWith(unmerged);
            var wider = outOfBand.Count == 0 || widening == Widenings ? grids : WithNeighbours(current, grids, outOfBand);
            if (wider.Count == grids.Count)
            {
                if (unmerged.Count > 0) return Refuse($"the edge of grids {string.Join(", ", unmerged.Order(StringComparer.Ordinal))} could not be taken back by their territories");
                break;
            }
            grids = wider;
        }
        Stage("partition");
        //-- Every household stands in a recomputed group's land or, unchanged, in a grid carried over.
        var ids = input.Households.Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        if (merged.Assignments.Count != ids.Count || !merged.Assignments.All(a => ids.Remove(a.HouseholdId)))
            return Refuse("the recomputed grids and those carried over do not assign every household once");
        var report = Report(input, merged, current, projection, digest, elapsed);
        //-- What a whole recompute guarantees, a local one must too, else the whole recompute gives it:
        //-- borders that match vertex for vertex (a region's edge vertex a few micrometres off would stay
        //-- in every later version), no territory in more pieces than before, every household in its own.
        if (report.CoverageExact == false && current.Report.CoverageExact != false) return Refuse("the recomputed borders do not meet those carried over vertex for vertex");
        if (report.HouseholdsOutsideOwnTerritory > 0) return Refuse($"{report.HouseholdsOutsideOwnTerritory} households would stand outside their own territory");
        if (report.NonContiguous > Math.Max(report.NonContiguousAllowed, current.Report.NonContiguous))
            return Refuse($"{report.NonContiguous} territories would be in pieces, {current.Report.NonContiguous} before");
        merged = merged with { Report = report, InputsDigest = digest };
        //-- Only the whole township is partitioned both ways: the comparison of the version it was measured at is carried, and says so.
        var nesting = NestingFit.Of(merged, input, options) is { } n ? n with { Cost = current.Report.Nesting?.Cost is { } c ? c with { Carried = true } : null } : null;
        return new Result(merged with { Report = report with { Nesting = nesting } }, grids);
    }

    /// <summary>Whether the recomputed land came out as as many grids as it was, each in its band — or,
    /// where the group's grids were outside it already, no further out (the furthest, in all, and in how many): their
    /// neighbours had not brought them back before, and widening into them only redrew their land.</summary>
    private bool InBand(Partition part, HashSet<string> group, Partition current)
    {
        if (part.Grids.Count != group.Count) return false;
        var after = part.Grids.Select(g => options.GridOutsideBandBy(g.HouseholdCount)).ToList();
        if (after.All(d => d == 0)) return true;
        var before = current.Grids.Where(g => group.Contains(g.Code)).Select(g => options.GridOutsideBandBy(g.HouseholdCount)).ToList();
        //-- No further out: not the furthest, not in all, and no more grids outside than before (none that was inside left it).
        return after.Max() <= before.Max() && after.Sum() <= before.Sum() && after.Count(d => d > 0) <= before.Count(d => d > 0);
    }

    /// <summary><paramref name="grids"/> and the grids of the same village that share a border with one of <paramref name="around"/>.</summary>
    private static HashSet<string> WithNeighbours(Partition current, HashSet<string> grids, HashSet<string> around)
    {
        var chosen = current.Grids.Where(g => around.Contains(g.Code)).ToList();
        var result = new HashSet<string>(grids, StringComparer.Ordinal);
        foreach (var g in current.Grids.Where(g => !grids.Contains(g.Code)))
            if (chosen.Any(c => c.VillageCode == g.VillageCode && Touch(c, g))) result.Add(g.Code);
        return result;
    }

    /// <summary><paramref name="grids"/> in groups that share borders, each in code order, the groups by their first code.</summary>
    private static List<HashSet<string>> Groups(Partition current, HashSet<string> grids)
    {
        var chosen = current.Grids.Where(g => grids.Contains(g.Code)).OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
        var group = new int[chosen.Count];
        for (int i = 0; i < chosen.Count; i++) group[i] = i;
        int Find(int i) => group[i] == i ? i : group[i] = Find(group[i]);
        for (int i = 0; i < chosen.Count; i++)
            for (int j = i + 1; j < chosen.Count; j++)
                if (Touch(chosen[i], chosen[j])) group[Math.Max(Find(i), Find(j))] = Math.Min(Find(i), Find(j));
        return Enumerable.Range(0, chosen.Count).GroupBy(Find).OrderBy(g => g.Key)
            .Select(g => g.Select(i => chosen[i].Code).ToHashSet(StringComparer.Ordinal)).ToList();
    }

    /// <summary>Whether two grids share a stretch of border (a shared corner alone would join two
    /// pieces of land at a point: one region pinched in two).</summary>
    private static bool Touch(Grid a, Grid b) =>
        a.Territory.EnvelopeInternal.Intersects(b.Territory.EnvelopeInternal)
        && a.Territory.Relate(b.Territory).Get(Location.Boundary, Location.Boundary) == Dimension.Curve;

    /// <summary>The whole township's report, as a whole recompute measures it: territories and
    /// assignments, border shares on the streets and barriers, barrier crossings over the barrier
    /// faces (what only the digest's inputs decide is kept from the township's last report,
    /// <see cref="ReportBasis"/>); stranded hamlets counted from the published version's.</summary>
    private QualityReport Report(PartitionInput input, Partition merged, Partition current, MetricProjection projection, string digest, Dictionary<string, long> elapsed)
    {
        var clock = Stopwatch.StartNew();
        var basis = ReportBasis.For(input, digest, projection);
        var metricHouseholds = input.Households.Select(h => projection.Forward(h.Location)).ToList();
        var measured = MeasuredPartition.Of(merged, current, basis.Township, input.Households, metricHouseholds, projection, basis.Guides) with { Before = basis.Before };
        var carried = new CarriedFigures(input.Township.Code, merged.Version, projection.Name,
            NonContiguousAllowed: Math.Max(0, basis.Township.NumGeometries - 1),
            BarrierCrossings: Crossings(merged, basis, input.Households, metricHouseholds),
            Faces: basis.Faces.Count,
            StrandedHamlets: Math.Max(0, current.Report.StrandedHamlets + Small(merged) - Small(current)),
            ElapsedMs: elapsed);
        var report = new QualityReporter(options).Measure(measured, carried);
        elapsed["report"] = clock.ElapsedMilliseconds;
        return report;
    }

    /// <summary>Clusters below the hard minimum: a partition has them only where it stranded a hamlet, so
    /// the published count changes by as many as the recompute added or took away.</summary>
    private int Small(Partition p) => p.MicroGrids.Count(m => m.Kind == MicroGrids.MicroGridKind.Cluster && m.HouseholdCount < options.ClusterHardMin);

    /// <summary>Micro-grids whose households stand in more than one barrier face.</summary>
    private static int Crossings(Partition p, ReportBasis basis, IReadOnlyList<HouseholdInput> households, List<Coordinate> metric)
    {
        var faces = basis.FacesOf(households, metric);
        var faceOf = new Dictionary<string, int>(households.Count, StringComparer.Ordinal);
        for (int i = 0; i < households.Count; i++) faceOf[households[i].Id] = faces[i];
        //-- A micro-grid crosses when one of its households stands in another face than its first one.
        var first = new Dictionary<string, int>(p.MicroGrids.Count, StringComparer.Ordinal);
        var crossing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in p.Assignments)
        {
            int face = faceOf.GetValueOrDefault(a.HouseholdId, -1);
            if (!first.TryAdd(a.MicroGridCode, face) && first[a.MicroGridCode] != face) crossing.Add(a.MicroGridCode);
        }
        return crossing.Count;
    }
}
