using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Editing;

/// <summary>Restores a past version as the next one: its grids and micro-grids come back with
/// their territories (bit for bit), kinds and floors, all pinned so later recomputes keep them as
/// restored. A household the past version assigned keeps that micro-grid; a household added since
/// goes to the micro-grid containing it (a floor micro-grid of its building and floor first, the
/// nearest when none contains it); a household gone since is dropped.</summary>
/// <remarks>Codes (DESIGN §2, a retired code is never issued again): a past unit whose code is
/// still current takes that code back; a past unit whose code was retired since — or whose grid's
/// was — takes the next free serial of its parent, naming the past code as its predecessor, so
/// the retired record stays closed and nothing reuses it. Units current now and absent from the
/// past version are retired with the units that took their households as successors.</remarks>
public sealed class VersionRestorer(PartitionOptions options)
{
    /// <summary>The units and assignments of the version to restore (lon/lat territories).</summary>
    public sealed record PastVersion(int Version, IReadOnlyList<Grid> Grids, IReadOnlyList<MicroGrid> MicroGrids, IReadOnlyList<Assignment> Assignments);

    /// <exception cref="EditException">The past version names a village the township no longer has (409),
    /// or a parent has used all 999 serials (422).</exception>
    public Partition Restore(Partition current, PastVersion past, EditContext context)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(context.Version, current.Version, nameof(context));
        var villages = current.Villages.Select(v => v.Code).ToHashSet(StringComparer.Ordinal);
        if (past.Grids.FirstOrDefault(g => !villages.Contains(g.VillageCode)) is { } lost)
            throw new EditException(409, "version", $"Version {past.Version} has grids in village {lost.VillageCode}, which the township no longer has.", lost.Code);

        var registry = new CodeRegistry(current.Codes, current.Grids.Select(g => g.Code).Concat(current.MicroGrids.Select(m => m.Code)));
        var live = current.Codes.Where(c => c.ValidTo is null).Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        var predecessors = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        string Code(string pastCode, string parent, bool parentKept)
        {
            if (parentKept && live.Contains(pastCode)) return pastCode;
            if (!registry.HasFreeSerial(parent)) throw new EditException(422, "code", $"{parent} has used all 999 serials.", parent);
            var code = registry.Issue(parent);
            predecessors[code] = [pastCode];
            return code;
        }
        var gridCode = past.Grids.OrderBy(g => g.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Code, g => Code(g.Code, g.VillageCode, parentKept: true), StringComparer.Ordinal);
        var microCode = past.MicroGrids.OrderBy(m => m.Code, StringComparer.Ordinal)
            .ToDictionary(m => m.Code, m => Code(m.Code, gridCode[m.GridCode], gridCode[m.GridCode] == m.GridCode), StringComparer.Ordinal);

        var micro = past.MicroGrids.Select(m => m with { Code = microCode[m.Code], GridCode = gridCode[m.GridCode], Pinned = true }).ToList();
        var assigned = Assign(micro, past, microCode, context);
        var counts = assigned.Values.GroupBy(m => m.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        micro = micro.Select(m => m with { HouseholdCount = counts.GetValueOrDefault(m.Code) }).OrderBy(m => m.Code, StringComparer.Ordinal).ToList();
        var gridCounts = micro.GroupBy(m => m.GridCode, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(m => m.HouseholdCount), StringComparer.Ordinal);
        var grids = past.Grids.Select(g => g with { Code = gridCode[g.Code], HouseholdCount = gridCounts.GetValueOrDefault(gridCode[g.Code]), Pinned = true })
            .OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
        var assignments = context.Households.Where(h => assigned.ContainsKey(h.Id))
            .Select(h => new Assignment(h.Id, assigned[h.Id].Code, assigned[h.Id].GridCode))
            .OrderBy(a => a.HouseholdId, StringComparer.Ordinal).ToList();

        var result = current with
        {
            Version = context.Version, Grids = grids, MicroGrids = micro, Assignments = assignments,
            Codes = History(registry, context.Version, current, grids, micro, assignments, predecessors),
        };
        var projection = MetricProjection.For(context.Township.Boundary);
        var townshipMetric = new LonLatRestorer(projection, TownshipPartitioner.Precision).Forward(context.Township.Boundary);
        var metricHouseholds = context.Households.Select(h => projection.Forward(h.Location)).ToArray();
        return result with { Report = EditReport.Measure(result, current, townshipMetric, context.Households, metricHouseholds, projection, options) };
    }

    /// <summary>Each of today's households with its micro-grid in the restored version.</summary>
    private static Dictionary<string, MicroGrid> Assign(List<MicroGrid> micro, PastVersion past, Dictionary<string, string> microCode, EditContext context)
    {
        var byCode = micro.ToDictionary(m => m.Code, StringComparer.Ordinal);
        var before = past.Assignments.ToDictionary(a => a.HouseholdId, a => byCode[microCode[a.MicroGridCode]], StringComparer.Ordinal);
        var index = new STRtree<(MicroGrid Unit, IPreparedGeometry Area)>();
        foreach (var m in micro) index.Insert(m.Territory.EnvelopeInternal, (m, PreparedGeometryFactory.Prepare(m.Territory)));
        var result = new Dictionary<string, MicroGrid>(StringComparer.Ordinal);
        var factory = micro.Count > 0 ? micro[0].Territory.Factory : new GeometryFactory();
        foreach (var h in context.Households)
        {
            if (before.TryGetValue(h.Id, out var kept)) { result[h.Id] = kept; continue; }
            if (micro.Count == 0) continue;
            var point = factory.CreatePoint(h.Location);
            var containing = index.Query(point.EnvelopeInternal).Where(x => x.Area.Covers(point)).Select(x => x.Unit).ToList();
            //-- A building's floor runs share one territory: its own floor first, then the building's, then any.
            result[h.Id] = containing.OrderBy(m => Fit(m, h)).ThenBy(m => m.Code, StringComparer.Ordinal).FirstOrDefault()
                ?? micro.OrderBy(m => m.Territory.Distance(point)).ThenBy(m => m.Code, StringComparer.Ordinal).First();
        }
        return result;
    }

    private static int Fit(MicroGrid m, Inputs.HouseholdInput h) =>
        m.BuildingId is null || m.BuildingId != h.BuildingId ? 2
        : h.Floor is { } f && (m.FloorFrom is null || (f >= m.FloorFrom && f <= m.FloorTo)) && (m.Unit is null || m.Unit == h.Unit) ? 0 : 1;

    /// <summary>The code history of the restored version: restored codes open (new ones with the past
    /// code they restore), every current code not restored closed with the units its households went to.</summary>
    private static IReadOnlyList<CodeRecord> History(CodeRegistry registry, int version, Partition current, List<Grid> grids, List<MicroGrid> micro,
        List<Assignment> assignments, Dictionary<string, IReadOnlyList<string>> predecessors)
    {
        foreach (var g in grids) registry.Current(g.Code, "grid", g.VillageCode, version, predecessors.GetValueOrDefault(g.Code) ?? []);
        foreach (var m in micro) registry.Current(m.Code, "micro_grid", m.GridCode, version, predecessors.GetValueOrDefault(m.Code) ?? []);
        var now = assignments.ToDictionary(a => a.HouseholdId, StringComparer.Ordinal);
        var successors = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var a in current.Assignments)
        {
            if (!now.TryGetValue(a.HouseholdId, out var n)) continue;
            foreach (var (from, to) in new[] { (a.MicroGridCode, n.MicroGridCode), (a.GridCode, n.GridCode) })
            {
                if (!successors.TryGetValue(from, out var set)) successors[from] = set = new(StringComparer.Ordinal);
                set.Add(to);
            }
        }
        //-- A unit with no households names the restored unit holding its interior point.
        var territory = current.Grids.Select(g => (g.Code, g.Territory)).Concat(current.MicroGrids.Select(m => (m.Code, m.Territory)))
            .ToDictionary(x => x.Code, x => x.Territory, StringComparer.Ordinal);
        var restored = grids.Select(g => (g.Code, g.Territory)).Concat(micro.Select(m => (m.Code, m.Territory))).ToList();
        IReadOnlyList<string> Successors(CodeRecord r)
        {
            if (successors.TryGetValue(r.Code, out var s)) return [.. s];
            if (!territory.TryGetValue(r.Code, out var gone)) return [];
            var inside = gone.InteriorPoint;
            return restored.Where(u => u.Code.Length == r.Code.Length && u.Territory.Covers(inside)).Select(u => u.Code).Take(1).ToList();
        }
        return registry.History(version, Successors, forgetUnissued: true);
    }
}
