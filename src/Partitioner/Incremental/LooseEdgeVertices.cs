using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Distance;

namespace GridSpatial.Partitioner.Incremental;

/// <summary>What a region's fresh partition puts on the region's edge, made to leave the land across
/// as it was before <see cref="RegionMerge"/> takes it back. Every vertex the region's territories
/// have on the edge beyond the edge's own goes into the unit across too (a valid coverage shares
/// vertices), and that unit is then a new row though its land did not move: with a tower's floor
/// runs, thirty rows for one vertex (#21: most of what an edit wrote). So:
/// <list type="bullet">
/// <item>a vertex on the edge that only one of the region's territories has, between two points of the
/// edge on its ring (the partitioner draws a
/// territory from site cells, and where a cell's edge met the outline the dissolved territory keeps
/// a vertex a fraction of a micrometre off it) goes, as does a vertex repeated where the merge's snap
/// put two onto one;</item>
/// <item>a vertex where one of the region's new borders meets the edge moves to an end of the edge
/// segment it lies on, within <see cref="JunctionShiftM"/> and with no other vertex of the region
/// between, when the territories that share it stay valid, cover the same land together and every
/// household of theirs stays where it stood (inside, or on the border): the new border then ends at
/// a corner the land across has, as a person redrawing it would end it.</item>
/// </list>
/// Tested in metres, where edges are straight.</summary>
internal sealed class LooseEdgeVertices
{
    /// <summary>Metres: a vertex this close to the edge lies on it (as <see cref="RegionMerge"/>'s snap).</summary>
    private const double OnEdgeM = 1e-5;

    /// <summary>Metres a new border's end may move along the edge to a corner the edge has.</summary>
    private const double JunctionShiftM = 20;

    private readonly Dictionary<Coordinate, Coordinate?> _moved = [];
    private readonly Dictionary<Geometry, Geometry?> _done = new(ReferenceEqualityComparer.Instance);

    /// <param name="territories">The region's micro-grid territories (floor runs share theirs: counted once).</param>
    /// <param name="edge">The region's outline's vertices, which always stay.</param>
    /// <param name="households">Each territory's households, in lon/lat: a moved junction must leave every one where it stood.</param>
    public LooseEdgeVertices(IReadOnlyList<Geometry> territories, Geometry regionBoundary, HashSet<Coordinate> edge, MetricProjection projection,
        Func<Geometry, IReadOnlyList<Coordinate>> households)
    {
        var distinct = territories.Distinct(ReferenceEqualityComparer.Instance).Cast<Geometry>().ToList();
        var owners = new Dictionary<Coordinate, List<Geometry>>();
        foreach (var t in distinct)
            foreach (var c in new HashSet<Coordinate>(t.Coordinates))
                if (!edge.Contains(c))
                {
                    if (!owners.TryGetValue(c, out var list)) owners[c] = list = [];
                    list.Add(t);
                }
        var outline = new IndexedFacetDistance(projection.Forward(regionBoundary.Boundary));
        var metric = projection.MetricFactory;
        var onEdge = new Dictionary<Coordinate, bool>();
        bool OnEdge(Coordinate c) => edge.Contains(c)
            || (onEdge.TryGetValue(c, out var known) ? known : onEdge[c] = outline.IsWithinDistance(metric.CreatePoint(projection.Forward(c)), OnEdgeM));
        //-- Loose: one territory's alone, and between two points of the edge on its ring (a vertex two copies
        //-- of a junction a hair apart would each be one territory's, with a border running inside from it).
        foreach (var t in distinct)
            foreach (var ring in SharedEdges.Rings(t))
            {
                var c = ring.Coordinates;
                int n = c.Length - 1;
                for (int i = 0; i < n; i++)
                    if (!edge.Contains(c[i]) && owners[c[i]].Count == 1 && OnEdge(c[i]) && OnEdge(c[(i + n - 1) % n]) && OnEdge(c[(i + 1) % n]))
                        _moved[c[i]] = null;
            }
        var junctions = owners.Where(o => o.Value.Count > 1 && OnEdge(o.Key)).OrderBy(o => o.Key).ToList();
        if (junctions.Count == 0) return;
        //-- The edge's segments, and every other vertex of the region's territories, in metres.
        var segments = new STRtree<(Coordinate A, Coordinate B, Coordinate Am, Coordinate Bm)>();
        foreach (var ring in SharedEdges.Rings(regionBoundary))
        {
            var c = ring.Coordinates;
            for (int i = 0; i + 1 < c.Length; i++)
            {
                var (am, bm) = (projection.Forward(c[i]), projection.Forward(c[i + 1]));
                segments.Insert(new Envelope(am, bm), (c[i], c[i + 1], am, bm));
            }
        }
        var others = new STRtree<Coordinate>();
        foreach (var c in owners.Keys)
        {
            var m = projection.Forward(c);
            others.Insert(new Envelope(m), c);
        }
        //-- One junction at a time, in a fixed order, each tried on the territories as the ones before left them.
        var current = new Dictionary<Geometry, Geometry>(ReferenceEqualityComparer.Instance);
        foreach (var t in distinct) current[t] = Rewrite(t) ?? t;
        foreach (var (at, list) in junctions)
        {
            var m = projection.Forward(at);
            var near = new Envelope(m);
            near.ExpandBy(OnEdgeM);
            //-- Only along the edge segment it lies on, to an end of it with nothing of the region between.
            var segment = segments.Query(near).Select(x => (x, Distance: DistanceComputer.PointToSegment(m, x.Am, x.Bm)))
                .Where(x => x.Distance <= OnEdgeM).OrderBy(x => x.Distance).Select(x => x.x).FirstOrDefault();
            if (segment.A is null) continue;
            foreach (var (corner, cornerM) in new[] { (segment.A, segment.Am), (segment.B, segment.Bm) }
                .Where(x => x.Item2.Distance(m) <= JunctionShiftM).OrderBy(x => x.Item2.Distance(m)).ThenBy(x => x.Item1))
            {
                var between = new Envelope(m, cornerM);
                between.ExpandBy(OnEdgeM);
                //-- (Vertices that go, or moved already to a corner, are not in the way.)
                if (others.Query(between).Any(o => !o.Equals2D(at) && !_moved.ContainsKey(o)
                    && DistanceComputer.PointToSegment(projection.Forward(o), m, cornerM) <= OnEdgeM)) continue;
                _moved[at] = corner;
                var tried = list.Select(t => (Own: t, Now: current[t], Next: Map(current[t], at, corner))).ToList();
                if (tried.All(x => x.Next is not null && SameSides(x.Now, x.Next, households(x.Own)))
                    && SameLand([.. tried.Select(x => x.Now)], [.. tried.Select(x => x.Next!)], projection))
                {
                    foreach (var x in tried) current[x.Own] = x.Next!;
                    break;
                }
                _moved.Remove(at);
            }
        }
    }

    /// <summary>Whether the territories cover the same land together after the move as before, none
    /// over another (in square metres, to a square millimetre): a border's end moved along its own edge
    /// segment only hands the triangle between from one to the other, and a triangle that reached into a
    /// third territory would change the land they cover.</summary>
    private static bool SameLand(IReadOnlyList<Geometry> before, IReadOnlyList<Geometry> after, MetricProjection projection)
    {
        double was = before.Sum(t => projection.Forward(t).Area), now = after.Sum(t => projection.Forward(t).Area);
        double tolerance = 1e-9 * was + 1e-6;
        if (Math.Abs(now - was) > tolerance) return false;
        try
        {
            var moved = NetTopologySuite.Operation.Union.UnaryUnionOp.Union(before).SymmetricDifference(NetTopologySuite.Operation.Union.UnaryUnionOp.Union(after));
            return projection.Forward(moved).Area <= tolerance;
        }
        catch (TopologyException)
        {
            return false;
        }
    }

    /// <summary>Whether every household stands on the same side of <paramref name="after"/> as of <paramref name="before"/>.</summary>
    private static bool SameSides(Geometry before, Geometry after, IReadOnlyList<Coordinate> households)
    {
        if (households.Count == 0) return true;
        var was = new IndexedPointInAreaLocator(before);
        var now = new IndexedPointInAreaLocator(after);
        return households.All(h => was.Locate(h) == now.Locate(h));
    }

    /// <summary><paramref name="territory"/> with the loose vertices gone and the junctions moved so far,
    /// no vertex repeated; null when that leaves it invalid (then the region's territories are merged as drawn).</summary>
    public Geometry? Apply(Geometry territory)
    {
        if (_done.TryGetValue(territory, out var known)) return known;
        return _done[territory] = Rewrite(territory);
    }

    private Geometry? Rewrite(Geometry territory) => VertexMap.Apply(territory, c => _moved.TryGetValue(c, out var to) ? to : c);

    private static Geometry? Map(Geometry territory, Coordinate from, Coordinate to) => VertexMap.Apply(territory, c => c.Equals2D(from) ? to : c);
}
