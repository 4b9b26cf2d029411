using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Distance;

namespace GridSpatial.Partitioner.Incremental;

/// <summary>The vertices a region's fresh partition put on the region's edge where none of its own
/// borders meets that edge, taken out again. The partitioner draws a territory from site cells, and
/// where a cell's edge met the land's outline the dissolved territory keeps a vertex a fraction of a
/// micrometre off it. Merged back (<see cref="RegionMerge"/>), each such vertex went into the unit
/// across as well, so one household moving rewrote its micro-grid's neighbours — the same land with
/// a vertex or two more (#21: half the rows of an edit). A vertex on the edge that two of the
/// region's territories share is a border meeting the edge: it stays, and the land across takes it.
/// Tested in metres, where edges are straight.</summary>
/// <remarks>A vertex <see cref="RegionMerge"/>'s snap put on an edge vertex that the ring held already
/// goes too: the same land, drawn with a vertex twice, is another row as well.</remarks>
internal sealed class LooseEdgeVertices
{
    /// <summary>Metres: a vertex this close to the edge lies on it (as <see cref="RegionMerge"/>'s snap).</summary>
    private const double OnEdgeM = 1e-5;

    private readonly HashSet<Coordinate> _loose = [];
    private readonly Dictionary<Geometry, Geometry?> _done = new(ReferenceEqualityComparer.Instance);

    /// <param name="territories">The region's micro-grid territories (floor runs share theirs: counted once).</param>
    /// <param name="edge">The region's outline's vertices, which always stay.</param>
    public LooseEdgeVertices(IEnumerable<Geometry> territories, Geometry regionBoundary, HashSet<Coordinate> edge, MetricProjection projection)
    {
        var owners = new Dictionary<Coordinate, int>();
        foreach (var t in territories.Distinct(ReferenceEqualityComparer.Instance).Cast<Geometry>())
            foreach (var c in new HashSet<Coordinate>(t.Coordinates))
                if (!edge.Contains(c)) owners[c] = owners.GetValueOrDefault(c) + 1;
        var outline = new IndexedFacetDistance(projection.Forward(regionBoundary.Boundary));
        var metric = projection.MetricFactory;
        foreach (var (c, n) in owners)
            if (n == 1 && outline.IsWithinDistance(metric.CreatePoint(projection.Forward(c)), OnEdgeM)) _loose.Add(c);
    }

    /// <summary><paramref name="territory"/> without the loose vertices, nor a vertex repeated where the
    /// snap to the edge moved two onto one; null when taking them out
    /// would leave it invalid (then the region's territories are merged as drawn).</summary>
    public Geometry? Apply(Geometry territory)
    {
        if (_done.TryGetValue(territory, out var known)) return known;
        bool changed = false, broken = false;
        var factory = territory.Factory;
        LinearRing Ring(LinearRing ring)
        {
            var open = new List<Coordinate>(ring.NumPoints);
            foreach (var c in ring.Coordinates.Take(ring.NumPoints - 1))
                if (!_loose.Contains(c) && (open.Count == 0 || !open[^1].Equals2D(c))) open.Add(c);
            while (open.Count > 1 && open[^1].Equals2D(open[0])) open.RemoveAt(open.Count - 1);
            if (open.Count == ring.NumPoints - 1) return ring;
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
        return _done[territory] = !changed ? territory : broken || !result.IsValid ? null : result;
    }
}
