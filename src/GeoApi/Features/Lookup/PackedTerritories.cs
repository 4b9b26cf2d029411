using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>The territories of one township in three flat arrays: every distinct vertex once, as
/// the exact doubles stored (neighbouring territories share their border's vertices), and each
/// territory's rings as indices into them. <see cref="Locate"/> counts ray crossings as NTS's
/// <see cref="NetTopologySuite.Algorithm.Locate.IndexedPointInAreaLocator"/> does — the same
/// segments, the same exact orientation test — so it answers every point as NTS would, boundary
/// included, at about a fifth of the memory of a polygon with its locator. A lookup asks the rounded
/// copy (<see cref="Quick"/>) first, which comes here only for a point within a step of an edge.</summary>
internal sealed class PackedTerritories
{
    //-- A ring ends at Break (all bits set: ushort.MaxValue in the ushort form).
    private const int Break = -1;
    private readonly double[] _xy;
    //-- ushort indices while a township has fewer than 65,535 distinct vertices (all generated ones do): half the bytes.
    private readonly ushort[]? _small;
    private readonly int[]? _large;
    private readonly int[] _start;

    private PackedTerritories(double[] xy, List<int> indices, int[] start)
    {
        _xy = xy;
        _start = start;
        if (xy.Length / 2 < ushort.MaxValue) _small = indices.Select(i => (ushort)i).ToArray();
        else _large = indices.ToArray();
        Quick = new QuantizedRings(this, xy, At, start);
    }

    /// <summary>The same territories with their vertices inline and rounded: what a lookup reads first.</summary>
    public QuantizedRings Quick { get; }

    public int Count => _start.Length - 1;

    /// <summary>Whether the rings index the vertices with ints (65,535 distinct vertices or more) rather than ushorts.</summary>
    public bool WideIndices => _large is not null;

    /// <summary>Bytes held by the arrays (what the territories cost, without object headers).</summary>
    public long Bytes => _xy.Length * 8L + (_small?.Length * 2L ?? 0) + (_large?.Length * 4L ?? 0) + _start.Length * 4L + Quick.Bytes;

    private int At(int j)
    {
        if (_small is { } s) { int v = s[j]; return v == ushort.MaxValue ? Break : v; }
        return _large![j];
    }

    /// <summary>Where the point lies relative to territory <paramref name="t"/>: NTS's ray crossing
    /// count over every segment of its rings (a segment (p1, p2) from each vertex to the next, as
    /// NTS indexes them), stopping at the first segment the point lies on.</summary>
    public Location Locate(int t, double x, double y) => _small is { } small
        ? Locate<ushort>(small, _start[t], _start[t + 1], x, y)
        : Locate<int>(_large, _start[t], _start[t + 1], x, y);

    //-- Generic over the index width so the JIT compiles each loop without a branch on it; a ring ends at AllBitsSet.
    private Location Locate<TIndex>(ReadOnlySpan<TIndex> rings, int start, int end, double x, double y) where TIndex : unmanaged, System.Numerics.IBinaryInteger<TIndex>
    {
        var xy = _xy.AsSpan();
        int crossings = 0;
        //-- The segment ending at position p runs from the vertex at p - 1 to the one at p, both in one ring.
        for (int p = start + 1; p < end; p++)
        {
            if (rings[p] == TIndex.AllBitsSet || rings[p - 1] == TIndex.AllBitsSet) continue;
            int a = int.CreateTruncating(rings[p - 1]), b = int.CreateTruncating(rings[p]);
            double x1 = xy[2 * a], y1 = xy[2 * a + 1], x2 = xy[2 * b], y2 = xy[2 * b + 1];
            if (x1 < x && x2 < x) continue;
            if (x == x2 && y == y2) return Location.Boundary;
            if (y1 == y && y2 == y)
            {
                if (x >= Math.Min(x1, x2) && x <= Math.Max(x1, x2)) return Location.Boundary;
                continue;
            }
            if ((y1 > y && y2 <= y) || (y2 > y && y1 <= y))
            {
                int orient = CGAlgorithmsDD.OrientationIndex(x1, y1, x2, y2, x, y);
                if (orient == 0) return Location.Boundary;
                if (y2 < y1) orient = -orient;
                if (orient == 1) crossings++;
            }
        }
        return (crossings & 1) == 1 ? Location.Interior : Location.Exterior;
    }

    /// <summary>Whether the closed rectangle lies wholly in the territory's interior: no segment of its
    /// rings comes near the rectangle (a margin a million times finer than the rectangle, so doubt
    /// answers no) and the rectangle's centre is inside.</summary>
    public bool ContainsProperly(int t, Envelope rect)
    {
        double margin = Math.Max(rect.Width, rect.Height) * 1e-6;
        double minX = rect.MinX - margin, maxX = rect.MaxX + margin, minY = rect.MinY - margin, maxY = rect.MaxY + margin;
        int j = _start[t], end = _start[t + 1];
        while (j < end)
        {
            int a = At(j++);
            for (int b; j < end && (b = At(j)) != Break; j++, a = b)
            {
                double x1 = _xy[2 * a], y1 = _xy[2 * a + 1], x2 = _xy[2 * b], y2 = _xy[2 * b + 1];
                if (Math.Max(x1, x2) < minX || Math.Min(x1, x2) > maxX || Math.Max(y1, y2) < minY || Math.Min(y1, y2) > maxY) continue;
                //-- The segment's line leaves every corner on one side, well clear: it misses the rectangle.
                double dx = x2 - x1, dy = y2 - y1, tolerance = margin * Math.Sqrt(dx * dx + dy * dy);
                double c1 = dx * (minY - y1) - dy * (minX - x1), c2 = dx * (minY - y1) - dy * (maxX - x1);
                double c3 = dx * (maxY - y1) - dy * (minX - x1), c4 = dx * (maxY - y1) - dy * (maxX - x1);
                if (Math.Min(Math.Min(c1, c2), Math.Min(c3, c4)) > tolerance || Math.Max(Math.Max(c1, c2), Math.Max(c3, c4)) < -tolerance) continue;
                return false;
            }
            j++;
        }
        return Locate(t, rect.Centre.X, rect.Centre.Y) == Location.Interior;
    }

    /// <summary>The same territories moved by (<paramref name="dx"/>, <paramref name="dy"/>): what
    /// <c>bench lookup --copies</c> lays out to stand in for a province.</summary>
    public PackedTerritories Shifted(double dx, double dy)
    {
        var xy = new double[_xy.Length];
        for (int i = 0; i < xy.Length; i += 2) (xy[i], xy[i + 1]) = (_xy[i] + dx, _xy[i + 1] + dy);
        int count = _small?.Length ?? _large!.Length;
        var indices = new List<int>(count);
        for (int j = 0; j < count; j++) indices.Add(At(j));
        return new PackedTerritories(xy, indices, _start);
    }

    public Envelope Envelope(int t)
    {
        var e = new Envelope();
        for (int j = _start[t]; j < _start[t + 1]; j++)
            if (At(j) is var v && v != Break) e.ExpandToInclude(_xy[2 * v], _xy[2 * v + 1]);
        return e;
    }

    /// <summary>Collects territories, each distinct vertex once; a territory equal to one added
    /// before (a building's floor runs) is stored once and gets that one's number.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<(double, double), int> _vertex = [];
        private readonly List<double> _xy = [];
        private readonly List<int[]> _territories = [];
        private readonly Dictionary<int[], int> _same = new(new SequenceComparer());
        private readonly List<int> _current = [];

        public int Count => _territories.Count;

        /// <summary>A polygonal territory (shells and holes as stored, any orientation); its number.</summary>
        public int Add(Geometry polygonal)
        {
            _current.Clear();
            for (int i = 0; i < polygonal.NumGeometries; i++)
                if (polygonal.GetGeometryN(i) is Polygon p && !p.IsEmpty)
                {
                    Ring(p.ExteriorRing.CoordinateSequence);
                    foreach (var hole in p.InteriorRings) Ring(hole.CoordinateSequence);
                }
            return Finish();
        }

        /// <summary>Territory <paramref name="t"/> of an earlier packing (a reload keeps what did not change).</summary>
        public int Add(PackedTerritories from, int t)
        {
            _current.Clear();
            for (int j = from._start[t]; j < from._start[t + 1]; j++)
                _current.Add(from.At(j) is var v && v != Break ? Vertex(from._xy[2 * v], from._xy[2 * v + 1]) : Break);
            return Finish();
        }

        private void Ring(CoordinateSequence ring)
        {
            for (int i = 0; i < ring.Count; i++) _current.Add(Vertex(ring.GetX(i), ring.GetY(i)));
            _current.Add(Break);
        }

        private int Vertex(double x, double y)
        {
            if (_vertex.TryGetValue((x, y), out var v)) return v;
            _vertex[(x, y)] = v = _xy.Count / 2;
            _xy.Add(x);
            _xy.Add(y);
            return v;
        }

        private int Finish()
        {
            var indices = _current.ToArray();
            if (_same.TryGetValue(indices, out var t)) return t;
            _same[indices] = t = _territories.Count;
            _territories.Add(indices);
            return t;
        }

        /// <summary>The packing, territories renumbered: new number i is the territory added as <c>order[i]</c>.</summary>
        public PackedTerritories Build(IReadOnlyList<int> order)
        {
            var indices = new List<int>(order.Sum(t => _territories[t].Length));
            var start = new int[order.Count + 1];
            for (int i = 0; i < order.Count; i++)
            {
                indices.AddRange(_territories[order[i]]);
                start[i + 1] = indices.Count;
            }
            return new PackedTerritories(_xy.ToArray(), indices, start);
        }

        private sealed class SequenceComparer : IEqualityComparer<int[]>
        {
            public bool Equals(int[]? a, int[]? b) => a.AsSpan().SequenceEqual(b);

            public int GetHashCode(int[] a)
            {
                var h = new HashCode();
                h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()));
                return h.ToHashCode();
            }
        }
    }
}
