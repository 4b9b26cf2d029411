using GridSpatial.Partitioner.Projection;
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
/// <item>a vertex on the edge that only one of the region's territories has (the partitioner draws a
/// territory from site cells, and where a cell's edge met the outline the dissolved territory keeps
/// a vertex a fraction of a micrometre off it) goes, as does a vertex repeated where the merge's snap
/// put two onto one;</item>
/// <item>a vertex where one of the region's new borders meets the edge moves to the nearest vertex the
/// edge has already, within <see cref="JunctionShiftM"/>, when the two territories stay valid and
/// every household of theirs stays where it stood (inside, or on the border): the new border then
/// ends at a corner the land across has, as a person redrawing it would end it.</item>
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
        var junctions = new List<(Coordinate At, List<Geometry> Owners)>();
        foreach (var (c, list) in owners)
        {
            if (!outline.IsWithinDistance(metric.CreatePoint(projection.Forward(c)), OnEdgeM)) continue;
            if (list.Count == 1) _moved[c] = null;
            else junctions.Add((c, list));
        }
        if (junctions.Count == 0) return;
        var corners = new STRtree<(Coordinate LonLat, Coordinate Metric)>();
        foreach (var e in edge)
        {
            var m = projection.Forward(e);
            corners.Insert(new Envelope(m), (e, m));
        }
        //-- One junction at a time, in a fixed order, each tried on the territories as the ones before left them.
        var current = new Dictionary<Geometry, Geometry>(ReferenceEqualityComparer.Instance);
        foreach (var t in distinct) current[t] = Rewrite(t) ?? t;
        foreach (var (at, list) in junctions.OrderBy(j => j.At))
        {
            var m = projection.Forward(at);
            var near = new Envelope(m);
            near.ExpandBy(JunctionShiftM);
            foreach (var corner in corners.Query(near).Select(x => (x.LonLat, Distance: x.Metric.Distance(m)))
                .Where(x => x.Distance <= JunctionShiftM).OrderBy(x => x.Distance).ThenBy(x => x.LonLat).Take(2))
            {
                _moved[at] = corner.LonLat;
                var tried = list.Select(t => (Own: t, Now: current[t], Next: Map(current[t], at, corner.LonLat))).ToList();
                if (tried.All(x => x.Next is not null && SameSides(x.Now, x.Next, households(x.Own))))
                {
                    foreach (var x in tried) current[x.Own] = x.Next!;
                    break;
                }
                _moved.Remove(at);
            }
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

    private Geometry? Rewrite(Geometry territory) => Rewrite(territory, c => _moved.TryGetValue(c, out var to) ? to : c);

    private static Geometry? Map(Geometry territory, Coordinate from, Coordinate to) => Rewrite(territory, c => c.Equals2D(from) ? to : c);

    /// <summary><paramref name="territory"/> with each vertex mapped (null: dropped) and repeats taken out;
    /// the same object when nothing changed, null when the result is invalid.</summary>
    private static Geometry? Rewrite(Geometry territory, Func<Coordinate, Coordinate?> map)
    {
        bool changed = false, broken = false;
        var factory = territory.Factory;
        LinearRing Ring(LinearRing ring)
        {
            var open = new List<Coordinate>(ring.NumPoints);
            bool moved = false;
            foreach (var c in ring.Coordinates.Take(ring.NumPoints - 1))
            {
                var to = map(c);
                if (to is null || !ReferenceEquals(to, c) && !to.Equals2D(c)) moved = true;
                if (to is not null && (open.Count == 0 || !open[^1].Equals2D(to))) open.Add(to);
            }
            while (open.Count > 1 && open[^1].Equals2D(open[0])) open.RemoveAt(open.Count - 1);
            if (!moved && open.Count == ring.NumPoints - 1) return ring;
            changed = true;
            if (open.Count < 3)
            {
                broken = true;
                return ring;
            }
            return factory.CreateLinearRing([.. open.Select(c => c.Copy()), open[0].Copy()]);
        }
        Polygon Polygon(Polygon p) => factory.CreatePolygon(Ring((LinearRing)p.ExteriorRing), [.. p.InteriorRings.Cast<LinearRing>().Select(Ring)]);
        var result = territory switch
        {
            Polygon p => Polygon(p),
            MultiPolygon m => factory.CreateMultiPolygon([.. Enumerable.Range(0, m.NumGeometries).Select(i => Polygon((Polygon)m.GetGeometryN(i)))]),
            _ => territory,
        };
        return !changed ? territory : broken || !result.IsValid ? null : result;
    }
}
