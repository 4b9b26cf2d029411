using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Territories;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>What a new version hands to <see cref="VersionRows"/>: every unit of the partition, or —
/// when the partition whose rows are open is known (the recompute and the editor start from it) —
/// only the units, assignments and code records that differ from it, with the keys of the changed
/// and the gone, so a version that changes one grid stages and compares that grid's rows, not the
/// township's. The rows written are the same either way: the database still compares every staged
/// row with its open row (<see cref="VersionRows"/>); this only leaves out rows known to be equal,
/// by the same rule (every stored column, territories coordinate for coordinate).</summary>
internal sealed record VersionDelta(
    IReadOnlyList<Grid> Grids, IReadOnlyList<MicroGrid> MicroGrids, IReadOnlyList<Assignment> Assignments, IReadOnlyList<CodeRecord> Codes,
    VersionDelta.Keys? Only, IReadOnlyDictionary<string, string> Leads)
{
    public static VersionDelta All(Partition next) => new(next.Grids, next.MicroGrids, next.Assignments, next.Codes, null, VersionRows.Leads(next.MicroGrids));

    /// <summary><paramref name="next"/> with every territory that draws its unit's open polygon again —
    /// the same vertices and edges, its rings starting elsewhere, running the other way or in another
    /// order — replaced by the open territory itself. A recompute that redraws a region gives unchanged
    /// units their polygon back with rings started wherever its noding began; stored again, that was
    /// half the rows of an edit (#21: the same land is no new row). Then the published partition, its
    /// fingerprint, the rows and what a reload reads back all hold the one drawing. Floor runs that share
    /// a territory keep sharing one: the open one only when all of theirs that were open held it.</summary>
    public static Partition KeepOpenTerritories(Partition open, Partition next)
    {
        var grids = open.Grids.ToDictionary(g => g.Code, g => g.Territory, StringComparer.Ordinal);
        var micro = open.MicroGrids.ToDictionary(m => m.Code, m => m.Territory, StringComparer.Ordinal);
        //-- Decided once per territory object: a tower's floor runs share one (new runs included), and
        //-- must go on sharing one — the open one only when every open run of them held that same object.
        var kept = new Dictionary<NetTopologySuite.Geometries.Geometry, NetTopologySuite.Geometries.Geometry>(ReferenceEqualityComparer.Instance);
        foreach (var shared in next.MicroGrids.GroupBy(m => m.Territory, ReferenceEqualityComparer.Instance))
        {
            var drawn = (NetTopologySuite.Geometries.Geometry)shared.Key!;
            var before = shared.Select(m => micro.GetValueOrDefault(m.Code)).OfType<NetTopologySuite.Geometries.Geometry>()
                .Distinct(ReferenceEqualityComparer.Instance).Cast<NetTopologySuite.Geometries.Geometry>().ToList();
            if (before is [var only] && SamePolygon.Of(only, drawn)) kept[drawn] = only;
        }
        return next with
        {
            Grids = [.. next.Grids.Select(g => grids.TryGetValue(g.Code, out var t) && SamePolygon.Of(t, g.Territory) ? g with { Territory = t } : g)],
            MicroGrids = [.. next.MicroGrids.Select(m => kept.TryGetValue(m.Territory, out var t) ? m with { Territory = t } : m)],
        };
    }

    public static VersionDelta Between(Partition open, Partition next)
    {
        var grids = Changed(open.Grids, next.Grids, g => g.Code, (o, n) => o with { Territory = Placeholder } == n with { Territory = Placeholder } && SameTerritory(o.Territory, n.Territory));
        //-- A floor run whose lead (the run whose row keeps their shared territory) changed is a new row too.
        var (leadsOpen, leadsNext) = (VersionRows.Leads(open.MicroGrids), VersionRows.Leads(next.MicroGrids));
        var micro = Changed(open.MicroGrids, next.MicroGrids, m => m.Code, (o, n) => o with { Territory = Placeholder } == n with { Territory = Placeholder }
            && leadsOpen.GetValueOrDefault(o.Code) == leadsNext.GetValueOrDefault(n.Code) && SameTerritory(o.Territory, n.Territory));
        var assignments = Changed(open.Assignments, next.Assignments, a => a.HouseholdId, (o, n) => o == n);
        var codes = Changed(open.Codes, next.Codes, c => c.Code, (o, n) =>
            o.Code == n.Code && o.Level == n.Level && o.Parent == n.Parent && o.ValidFrom == n.ValidFrom && o.ValidTo == n.ValidTo
            && o.Predecessors.SequenceEqual(n.Predecessors, StringComparer.Ordinal) && o.Successors.SequenceEqual(n.Successors, StringComparer.Ordinal));
        return new(grids.Staged, micro.Staged, assignments.Staged, codes.Staged, new Keys(grids.Keys, micro.Keys, assignments.Keys, codes.Keys), leadsNext);
    }

    /// <summary>Stands in for both territories while the other fields are compared: a record compares
    /// geometries with <see cref="NetTopologySuite.Geometries.Geometry.Equals(object)"/>, coordinate for
    /// coordinate even for the same object (most of comparing a large township's units).</summary>
    private static readonly NetTopologySuite.Geometries.Geometry Placeholder = NetTopologySuite.Geometries.Polygon.Empty;

    /// <summary>Coordinate for coordinate; a territory carried over is the same object.</summary>
    private static bool SameTerritory(NetTopologySuite.Geometries.Geometry open, NetTopologySuite.Geometries.Geometry next) =>
        ReferenceEquals(open, next) || open.EqualsExact(next);

    /// <summary>The keys whose open rows may close (changed or gone) per table; null: every key.</summary>
    public sealed record Keys(string[] Grids, string[] MicroGrids, string[] Households, string[] Codes);

    private static (List<T> Staged, string[] Keys) Changed<T>(IReadOnlyList<T> open, IReadOnlyList<T> next, Func<T, string> key, Func<T, T, bool> same)
    {
        var before = new Dictionary<string, T>(open.Count, StringComparer.Ordinal);
        foreach (var o in open) before[key(o)] = o;
        var staged = new List<T>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in next)
        {
            var k = key(n);
            if (before.Remove(k, out var o) && same(o, n)) continue;
            staged.Add(n);
            keys.Add(k);
        }
        keys.UnionWith(before.Keys);
        return (staged, [.. keys.Order(StringComparer.Ordinal)]);
    }
}
