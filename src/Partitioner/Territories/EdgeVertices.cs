using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Territories;

/// <summary>Keeps the pieces an exact coverage across block edges: where noding inside one block
/// put a vertex on the block's edge (a Voronoi edge meeting a street), every piece with that edge
/// takes the vertex too, so shared edges have identical vertices on both sides.</summary>
internal sealed class EdgeVertices
{
    /// <summary>Metres: a vertex this close to a segment lies on it (noding moves a vertex by
    /// at most the precision grid's step, a micrometre).</summary>
    private const double OnSegment = 1e-5;

    private readonly STRtree<Coordinate> _added = new();
    private int _count;

    /// <summary>Remembers the candidates that lie on an edge of <paramref name="block"/>.</summary>
    public void Add(Polygon block, IEnumerable<Coordinate> candidates)
    {
        var own = new HashSet<Coordinate>(block.Coordinates);
        var fresh = new STRtree<Coordinate>();
        int n = 0;
        foreach (var c in candidates.Distinct())
            if (!own.Contains(c)) { fresh.Insert(new Envelope(c), c); n++; }
        if (n == 0) return;
        //-- One pass over the block's edge, each segment asking only for the candidates beside it.
        var onEdge = new HashSet<Coordinate>();
        foreach (var ring in SharedEdges.Rings(block))
        {
            var cs = ring.Coordinates;
            for (int k = 0; k + 1 < cs.Length; k++)
            {
                var seg = new LineSegment(cs[k], cs[k + 1]);
                var env = new Envelope(cs[k], cs[k + 1]);
                env.ExpandBy(OnSegment);
                foreach (var c in fresh.Query(env))
                    if (seg.Distance(c) <= OnSegment) onEdge.Add(c);
            }
        }
        foreach (var c in onEdge)
        {
            _added.Insert(new Envelope(c), c);
            _count++;
        }
    }

    /// <param name="blockOf">The block piece i was cut from: only the piece's stretches along that
    /// block's edge take vertices, never a border inside the block that ends beside one.</param>
    public IReadOnlyList<Polygon> Apply(IReadOnlyList<Polygon> pieces, Func<int, Polygon> blockOf)
    {
        if (_count == 0) return pieces;
        //-- A block's edge is built once for all its pieces (they come block by block), and only when a
        //-- segment of one has a vertex to take (most pieces near a candidate have none).
        Polygon? lastBlock = null;
        Geometry? lastEdge = null;
        Geometry EdgeOf(Polygon block)
        {
            if (!ReferenceEquals(block, lastBlock)) (lastBlock, lastEdge) = (block, block.Boundary);
            return lastEdge!;
        }
        return pieces.Select((p, i) =>
        {
            var block = blockOf(i);
            return Apply(p, new Lazy<Geometry>(() => EdgeOf(block), LazyThreadSafetyMode.None));
        }).ToList();
    }

    private Polygon Apply(Polygon piece, Lazy<Geometry> edge)
    {
        var near = new Envelope(piece.EnvelopeInternal);
        near.ExpandBy(OnSegment);
        var candidates = _added.Query(near);
        if (candidates.Count == 0) return piece;
        var shell = Apply(piece.Shell, candidates, edge, out bool changed);
        var holes = piece.Holes.Select(h =>
        {
            var r = Apply(h, candidates, edge, out bool c);
            changed |= c;
            return r;
        }).ToArray();
        return changed ? piece.Factory.CreatePolygon(shell, holes) : piece;
    }

    private static LinearRing Apply(LinearRing ring, IList<Coordinate> candidates, Lazy<Geometry> blockEdge, out bool changed)
    {
        changed = false;
        var cs = ring.Coordinates;
        var result = new List<Coordinate>(cs.Length);
        for (int k = 0; k + 1 < cs.Length; k++)
        {
            var a = cs[k];
            var b = cs[k + 1];
            result.Add(a);
            var seg = new LineSegment(a, b);
            var env = new Envelope(a, b);
            env.ExpandBy(OnSegment);
            //-- Only between the segment's ends, and only on a stretch along the block's edge: a vertex a
            //-- micrometre from a corner of the ring is within reach of both segments there, and taken by
            //-- both (or by the border inside the block that ends at the corner) it folds the ring or puts
            //-- one vertex on it twice (a piece that no union takes; seen with rows of buildings).
            var inner = candidates.Where(p => env.Contains(p) && !p.Equals2D(a) && !p.Equals2D(b) && seg.Distance(p) <= OnSegment
                    && seg.ProjectionFactor(p) is > 0 and < 1)
                .Distinct().OrderBy(p => p.Distance(a)).ToList();
            if (inner.Count == 0 || !blockEdge.Value.IsWithinDistance(blockEdge.Value.Factory.CreatePoint(seg.MidPoint), OnSegment)) continue;
            result.AddRange(inner);
            changed = true;
        }
        result.Add(cs[^1]);
        return changed ? ring.Factory.CreateLinearRing(result.ToArray()) : ring;
    }
}
