using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Incremental;

/// <summary>Puts a region's fresh partition back into the published one: the units the region
/// replaces go, the region's come in, the vertices the region's new borders put on its edge go into
/// the units across it and back (a valid coverage shares vertices), and the code history takes the
/// region's records for its own codes and the published records for every other.</summary>
internal static class RegionMerge
{
    /// <summary>What a region replaces: whole grids (with their micro-grids), or some micro-grids of
    /// grids that stay (the region's own grid is then dropped and the grids keep their codes and land).</summary>
    public sealed record Scope(IReadOnlySet<string> Grids, IReadOnlySet<string> MicroGrids)
    {
        public static Scope OfGrids(IReadOnlySet<string> grids) => new(grids, new HashSet<string>(StringComparer.Ordinal));

        public static Scope OfMicroGrids(IReadOnlySet<string> microGrids) => new(new HashSet<string>(StringComparer.Ordinal), microGrids);

        public bool Replaces(MicroGrid m) => Grids.Contains(m.GridCode) || MicroGrids.Contains(m.Code);

        public bool Replaces(Assignment a) => Grids.Contains(a.GridCode) || MicroGrids.Contains(a.MicroGridCode);

        /// <summary>Whether a published code's record is the region's to write.</summary>
        public bool Owns(string code) => MicroGrids.Contains(code) || Grids.Contains(code.Length > 15 ? code[..15] : code);
    }

    /// <summary>The published partition with the region's in place of what <paramref name="scope"/>
    /// replaces; null when the region's territories cannot take its edge's vertices back and stay
    /// valid (the caller recomputes more widely rather than publish borders that miss by micrometres).</summary>
    public static Partition? Merge(Partition current, Partition part, Geometry regionBoundary, Scope scope, MetricProjection projection, int version,
        IReadOnlyDictionary<string, Coordinate> householdAt)
    {
        var edge = new HashSet<Coordinate>(regionBoundary.Coordinates);
        var extent = regionBoundary.EnvelopeInternal;
        var keptMicro = current.MicroGrids.Where(m => !scope.Replaces(m)).ToList();
        var keptGrids = current.Grids.Where(g => !scope.Grids.Contains(g.Code)).ToList();
        var partGrids = scope.Grids.Count > 0 ? part.Grids : [];
        //-- The region's partition nodes its edge on the micrometre grid, which can move an edge vertex
        //-- by a fraction of a micrometre: such a vertex takes the edge's own lon/lat back.
        var snap = EdgeSnap(edge, projection);
        var partMicro = part.MicroGrids.Select(m => m with { Territory = snap(m.Territory) }).ToList();
        partGrids = partGrids.Select(g => g with { Territory = snap(g.Territory) }).ToList();
        if (partMicro.Any(m => m.Territory.IsEmpty) || partGrids.Any(g => g.Territory.IsEmpty)) return null;
        //-- Vertices it left on the edge where none of its borders meets it go again, and its borders end at the edge's
        //-- own corners where they can: else the land across takes those vertices too, and is a new row.
        var loose = new LooseEdgeVertices([.. partMicro.Select(m => m.Territory)], regionBoundary, edge, projection, HouseholdsOf(part, partMicro, householdAt));
        var cleanMicro = partMicro.Select(m => (Unit: m, Territory: loose.Apply(m.Territory))).ToList();
        var cleanGrids = partGrids.Select(g => (Unit: g, Territory: loose.Apply(g.Territory))).ToList();
        if (cleanMicro.All(x => x.Territory is not null) && cleanGrids.All(x => x.Territory is not null))
        {
            partMicro = [.. cleanMicro.Select(x => x.Unit with { Territory = x.Territory! })];
            partGrids = [.. cleanGrids.Select(x => x.Unit with { Territory = x.Territory! })];
        }
        //-- Both ways: the region's new edge vertices into the land across, and the vertices the land
        //-- across has on the edge (that the region's partition may have dropped) into the region's.
        var across = new VertexInserter(projection, Vertices(partMicro.Select(m => m.Territory), edge, extent, projection));
        var within = new VertexInserter(projection, Vertices(keptMicro.Select(m => m.Territory), edge, extent, projection));
        var micro = InOrder(keptMicro.Select(m => m with { Territory = across.Apply(m.Territory) }).ToList(),
            partMicro.Select(m => m with { Territory = within.Apply(m.Territory) }), m => m.Code);
        var assignments = InOrder(current.Assignments.Where(a => !scope.Replaces(a)).ToList(), part.Assignments, a => a.HouseholdId);
        var households = assignments.CountBy(a => a.GridCode, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        //-- Grids that keep their land and lost or gained households in some micro-grids count them again.
        var gridsOut = keptGrids.Select(g => g with { Territory = across.Apply(g.Territory), HouseholdCount = scope.MicroGrids.Count > 0 ? households.GetValueOrDefault(g.Code) : g.HouseholdCount })
            .Concat(partGrids.Select(g => g with { Territory = within.Apply(g.Territory) })).OrderBy(g => g.Code, StringComparer.Ordinal).ToList();

        //-- Straight points left of junctions whose borders were redrawn go from the land that changes anyway.
        var straight = StraightVertices.Drop(micro.Select(m => m.Territory), gridsOut.Select(g => g.Territory), Changing(current, micro, gridsOut), projection);
        if (straight.Count > 0)
        {
            micro = [.. micro.Select(m => straight.TryGetValue(m.Territory, out var t) ? m with { Territory = t } : m)];
            gridsOut = [.. gridsOut.Select(g => straight.TryGetValue(g.Territory, out var t) ? g with { Territory = t } : g)];
        }

        var published = current.Codes.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        bool Region(string code) => !published.Contains(code) || scope.Owns(code);
        var codes = current.Codes.Where(r => !Region(r.Code)).Concat(part.Codes.Where(r => Region(r.Code)))
            .OrderBy(r => r.Code, StringComparer.Ordinal).ToList();
        return current with { Version = version, Grids = gridsOut, MicroGrids = micro, Assignments = assignments, Codes = codes };
    }

    /// <summary>The households of each of the region's territories (floor runs share one), in lon/lat, found
    /// by id in <paramref name="at"/> (the township's, built once per recompute: a merge reads the region's few).</summary>
    private static Func<Geometry, IReadOnlyList<Coordinate>> HouseholdsOf(Partition part, List<MicroGrid> micro, IReadOnlyDictionary<string, Coordinate> at)
    {
        var territoryOf = micro.ToDictionary(m => m.Code, m => m.Territory, StringComparer.Ordinal);
        var of = new Dictionary<Geometry, List<Coordinate>>(ReferenceEqualityComparer.Instance);
        foreach (var a in part.Assignments)
            if (territoryOf.TryGetValue(a.MicroGridCode, out var t) && at.TryGetValue(a.HouseholdId, out var c))
            {
                if (!of.TryGetValue(t, out var list)) of[t] = list = [];
                list.Add(c);
            }
        return t => of.TryGetValue(t, out var list) ? list : [];
    }

    /// <summary>The territories (by object) that every unit holding them gets anew: a unit the partition merged
    /// into did not have, or had with other land (or other vertices). A territory that partition has as it is
    /// (kept, or drawn again the same) is not among them.</summary>
    private static HashSet<Geometry> Changing(Partition current, List<MicroGrid> micro, List<Grid> grids)
    {
        var was = current.MicroGrids.Select(m => (m.Code, m.Territory)).Concat(current.Grids.Select(g => (g.Code, g.Territory)))
            .ToDictionary(x => x.Code, x => x.Territory, StringComparer.Ordinal);
        var changing = new Dictionary<Geometry, bool>(ReferenceEqualityComparer.Instance);
        foreach (var (code, territory) in micro.Select(m => (m.Code, m.Territory)).Concat(grids.Select(g => (g.Code, g.Territory))))
        {
            bool anew = !was.TryGetValue(code, out var old) || !SamePolygon.Of(old, territory);
            changing[territory] = changing.GetValueOrDefault(territory, true) && anew;
        }
        return new HashSet<Geometry>(changing.Where(kv => kv.Value).Select(kv => kv.Key), ReferenceEqualityComparer.Instance);
    }

    /// <summary><paramref name="kept"/> and <paramref name="added"/> in ordinal order of their (unique) keys. The
    /// kept are the published partition's, already in order: only the region's few are sorted and merged in
    /// (sorting a township's 50,000 assignments again was a tenth of a local recompute).</summary>
    private static List<T> InOrder<T>(List<T> kept, IEnumerable<T> added, Func<T, string> key)
    {
        var extra = added.OrderBy(key, StringComparer.Ordinal).ToList();
        for (int i = 1; i < kept.Count; i++)
            if (string.CompareOrdinal(key(kept[i - 1]), key(kept[i])) > 0) return kept.Concat(extra).OrderBy(key, StringComparer.Ordinal).ToList();
        var result = new List<T>(kept.Count + extra.Count);
        int k = 0;
        foreach (var e in extra)
        {
            var at = key(e);
            while (k < kept.Count && string.CompareOrdinal(key(kept[k]), at) < 0) result.Add(kept[k++]);
            result.Add(e);
        }
        while (k < kept.Count) result.Add(kept[k++]);
        return result;
    }

    /// <summary>Moves a vertex within <see cref="SnapM"/> of a vertex of the region's edge onto it
    /// (each territory once, floor runs keep sharing theirs). A territory that this makes invalid (two
    /// of its vertices a few micrometres apart taking the same edge vertex: the ring touches itself)
    /// comes out empty: the merge fails rather than keep borders that miss their neighbours' vertices.</summary>
    internal static Func<Geometry, Geometry> EdgeSnap(HashSet<Coordinate> edge, MetricProjection projection)
    {
        var index = new STRtree<Coordinate>();
        foreach (var e in edge) index.Insert(new Envelope(e), e);
        var done = new Dictionary<Geometry, Geometry>(ReferenceEqualityComparer.Instance);
        Coordinate Snap(Coordinate c)
        {
            if (edge.Contains(c)) return c.Copy();
            var near = new Envelope(c);
            near.ExpandBy(1e-9);
            var metric = projection.Forward(c);
            //-- The nearest: the edge itself may hold two vertices a micrometre apart (an earlier merge's).
            var hit = index.Query(near).Select(e => (Vertex: e, Distance: projection.Forward(e).Distance(metric)))
                .Where(x => x.Distance < SnapM).OrderBy(x => x.Distance).ThenBy(x => x.Vertex).FirstOrDefault().Vertex;
            return (hit ?? c).Copy();
        }
        return g =>
        {
            if (done.TryGetValue(g, out var known)) return known;
            var snapped = CoordinateMapper.Map(g, Snap, g.Factory);
            return done[g] = snapped.IsValid ? snapped : g.Factory.CreatePolygon();
        };
    }

    /// <summary>Metres within which a partitioned vertex is taken for the region's edge vertex.</summary>
    private const double SnapM = 1e-5;

    /// <summary>The vertices of <paramref name="territories"/> within <paramref name="extent"/> that are
    /// not vertices of the region's edge, with their metric positions.</summary>
    private static IEnumerable<(Coordinate Metric, Coordinate LonLat)> Vertices(IEnumerable<Geometry> territories, HashSet<Coordinate> edge, Envelope extent, MetricProjection projection) =>
        territories.Distinct().Where(t => t.EnvelopeInternal.Intersects(extent)).SelectMany(t => t.Coordinates)
            .Where(c => extent.Intersects(c) && !edge.Contains(c)).Distinct().Select(c => (projection.Forward(c), c));
}
