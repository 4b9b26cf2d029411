using NetTopologySuite.Geometries;
using NetTopologySuite.Index;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Quality;

/// <summary>Which part of a segment lies within <see cref="Reach"/> of a set of lines, exactly
/// (no buffers, no sampling): the points within a distance r of a line segment form a capsule,
/// a convex set, so a segment meets it in one parameter interval, found in closed form; the part
/// near the lines is the union of those intervals. One query at a time (it reuses its buffers).</summary>
internal sealed class SegmentReach
{
    /// <summary>Segments per index entry: runs of consecutive segments keep the index small.</summary>
    private const int Run = 8;

    private readonly STRtree<Chunk> _index = new();
    private readonly Envelope _search = new();
    private readonly Collector _visitor;

    public SegmentReach(IEnumerable<Geometry> lines, double reach)
    {
        Reach = reach;
        _visitor = new Collector(reach);
        foreach (var line in lines)
            for (int i = 0; i < line.NumGeometries; i++)
            {
                var part = line.GetGeometryN(i);
                if (part is Polygon p) AddRings(p);
                else AddCoordinates(part.Coordinates);
            }
        _index.Build();
    }

    public double Reach { get; }

    public bool IsEmpty => Count == 0;

    /// <summary>Segments of the lines.</summary>
    public int Count { get; private set; }

    /// <summary>The parameter intervals of a→b (0 at a, 1 at b) within reach, merged and sorted,
    /// into <paramref name="into"/> (cleared first).</summary>
    public List<(double From, double To)> Near(Coordinate a, Coordinate b, List<(double From, double To)> into)
    {
        into.Clear();
        _search.Init(Math.Min(a.X, b.X) - Reach, Math.Max(a.X, b.X) + Reach, Math.Min(a.Y, b.Y) - Reach, Math.Max(a.Y, b.Y) + Reach);
        _visitor.Reset(a, b, into);
        _index.Query(_search, _visitor);
        return Intervals.Merge(into);
    }

    /// <summary>Collects the intervals of one query, reused from query to query.</summary>
    private sealed class Collector(double reach) : IItemVisitor<Chunk>
    {
        private Coordinate _a = new(), _b = new();
        private List<(double From, double To)> _into = [];

        public void Reset(Coordinate a, Coordinate b, List<(double From, double To)> into) => (_a, _b, _into) = (a, b, into);

        public void VisitItem(Chunk item)
        {
            for (int i = item.From; i < item.To; i++)
                if (Within(_a, _b, item.Line[i], item.Line[i + 1], reach) is { } t) _into.Add(t);
        }
    }

    /// <summary>The interval of t in [0, 1] where a + t·(b − a) lies within r of segment pq; null
    /// when none does. The capsule is two discs and a rectangle: its chord is the hull of theirs.</summary>
    internal static (double From, double To)? Within(Coordinate a, Coordinate b, Coordinate p, Coordinate q, double r)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        void Take((double, double)? t)
        {
            if (t is not { } v) return;
            lo = Math.Min(lo, v.Item1);
            hi = Math.Max(hi, v.Item2);
        }
        Take(Disc(a, b, p, r));
        Take(Disc(a, b, q, r));
        Take(Band(a, b, p, q, r));
        return lo <= hi ? (lo, hi) : null;
    }

    private static (double, double)? Disc(Coordinate a, Coordinate b, Coordinate c, double r)
    {
        double dx = b.X - a.X, dy = b.Y - a.Y, ex = a.X - c.X, ey = a.Y - c.Y;
        double A = dx * dx + dy * dy, B = dx * ex + dy * ey, C = ex * ex + ey * ey - r * r;
        if (A == 0) return C <= 0 ? (0, 1) : null;
        double disc = B * B - A * C;
        if (disc < 0) return null;
        double root = Math.Sqrt(disc);
        return Clip((-B - root) / A, (-B + root) / A);
    }

    /// <summary>Where the segment is beside pq (projection inside it) and within r of its line.</summary>
    private static (double, double)? Band(Coordinate a, Coordinate b, Coordinate p, Coordinate q, double r)
    {
        double ux = q.X - p.X, uy = q.Y - p.Y, len = Math.Sqrt(ux * ux + uy * uy);
        if (len == 0) return null;
        ux /= len;
        uy /= len;
        double dx = b.X - a.X, dy = b.Y - a.Y, ax = a.X - p.X, ay = a.Y - p.Y;
        //-- Along pq: 0 ≤ along ≤ len; across it: −r ≤ across ≤ r; both linear in t.
        var t = Linear(ax * ux + ay * uy, dx * ux + dy * uy, 0, len);
        if (t is null) return null;
        var s = Linear(ux * ay - uy * ax, ux * dy - uy * dx, -r, r);
        if (s is null) return null;
        return Clip(Math.Max(t.Value.Item1, s.Value.Item1), Math.Min(t.Value.Item2, s.Value.Item2));
    }

    /// <summary>The t with lo ≤ f0 + t·df ≤ hi.</summary>
    private static (double, double)? Linear(double f0, double df, double lo, double hi)
    {
        if (df == 0) return f0 >= lo && f0 <= hi ? (double.NegativeInfinity, double.PositiveInfinity) : null;
        double t1 = (lo - f0) / df, t2 = (hi - f0) / df;
        return t1 <= t2 ? (t1, t2) : (t2, t1);
    }

    private static (double, double)? Clip(double from, double to)
    {
        from = Math.Max(0, from);
        to = Math.Min(1, to);
        return from <= to ? (from, to) : null;
    }

    private void AddRings(Polygon p)
    {
        AddCoordinates(p.ExteriorRing.Coordinates);
        foreach (var hole in p.InteriorRings) AddCoordinates(hole.Coordinates);
    }

    private void AddCoordinates(Coordinate[] cs)
    {
        for (int from = 0; from < cs.Length - 1; from += Run)
        {
            int to = Math.Min(cs.Length - 1, from + Run);
            var e = new Envelope();
            for (int i = from; i <= to; i++) e.ExpandToInclude(cs[i]);
            _index.Insert(e, new Chunk(cs, from, to));
            Count += to - from;
        }
    }

    /// <summary>Segments From..To−1 of a line: Line[i] to Line[i + 1].</summary>
    private sealed record Chunk(Coordinate[] Line, int From, int To);
}
