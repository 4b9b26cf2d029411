using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>The territories of <see cref="PackedTerritories"/> in a second, quick form for point lookups: each
/// territory's box beside where its rings start, and its rings' vertices inline as 12-bit integers (steps of
/// 1/4,000 of the box's larger side, a few centimetres for a micro-grid), so a test reads two or three
/// neighbouring cache lines instead of a vertex scattered over the township's shared vertex array per segment.
/// Rounding moves a vertex by at most 0.71 of a step, and every point of the rings with it, so a point farther than
/// one step from every rounded segment lies on the same side of the true rings: <see cref="Locate"/> answers a point
/// unless it lies within a step of the line of a rounded segment near it (at most about three steps from an edge;
/// 0.28 % of the territories tested over the province of <c>bench province</c>), and leaves those to the exact rings.</summary>
internal sealed class QuantizedRings
{
    /// <summary>Steps across a territory's box (its larger side): coordinates 0 to 4,000 in 12 bits.</summary>
    public const double Steps = 4_000;
    //-- A ring ends at a position whose x is Break (above any rounded coordinate).
    private const int Break = 0xFFF;

    /// <summary>A territory's envelope (its corner as floats rounded down, width and height as halves rounded up: 16
    /// bytes, so four share a cache line) and where its positions in <see cref="_xy"/> start (they end where the next
    /// territory's start).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Head
    {
        public float MinX, MinY;
        public Half Width, Height;
        public int Start;

        public readonly double MaxX => (double)MinX + (double)Width;
        public readonly double MaxY => (double)MinY + (double)Height;
    }

    private readonly Head[] _heads;
    //-- The exact rings, for a point within a step of a rounded edge.
    private readonly PackedTerritories _exact;
    //-- Each position of the rings in 3 bytes, x in the low 12 bits and y in the high 12 (one byte more at the end,
    //-- so every position can be read as 4 bytes).
    private readonly byte[] _xy;

    /// <param name="exact">The territories these round.</param>
    /// <param name="xy">The distinct vertices, x and y in turn.</param>
    /// <param name="at">Vertex of each ring position (-1: the ring ends).</param>
    /// <param name="start">Territory t's positions are <paramref name="at"/>(start[t]) up to <paramref name="at"/>(start[t + 1]).</param>
    public QuantizedRings(PackedTerritories exact, double[] xy, Func<int, int> at, int[] start)
    {
        _exact = exact;
        int n = start.Length - 1;
        _heads = new Head[n + 1];
        _heads[n].Start = start[n];
        _xy = new byte[3 * start[n] + 1];
        for (int t = 0; t < n; t++)
        {
            var e = new Envelope();
            for (int j = start[t]; j < start[t + 1]; j++)
                if (at(j) is var v and >= 0) e.ExpandToInclude(xy[2 * v], xy[2 * v + 1]);
            _heads[t] = e.IsNull
                ? new Head { MinX = float.PositiveInfinity, MinY = float.PositiveInfinity, Width = Half.NegativeInfinity, Height = Half.NegativeInfinity, Start = start[t] }
                : new Head
                {
                    MinX = MathF.BitDecrement((float)e.MinX), MinY = MathF.BitDecrement((float)e.MinY), Start = start[t],
                    Width = Above(e.MaxX - MathF.BitDecrement((float)e.MinX)), Height = Above(e.MaxY - MathF.BitDecrement((float)e.MinY)),
                };
            double scale = Scale(_heads[t]);
            for (int j = start[t]; j < start[t + 1]; j++)
            {
                int v = at(j);
                //-- Within the box, (x - MinX) * scale lies in [0, Steps / 1.001]: the rounded value fits 12 bits below Break.
                int packed = v < 0
                    ? Break
                    : (int)Math.Round((xy[2 * v] - _heads[t].MinX) * scale) | (int)Math.Round((xy[2 * v + 1] - _heads[t].MinY) * scale) << 12;
                (_xy[3 * j], _xy[3 * j + 1], _xy[3 * j + 2]) = ((byte)packed, (byte)(packed >> 8), (byte)(packed >> 16));
            }
        }
    }

    public int Count => _heads.Length - 1;

    //-- A half at least a thousandth above the length (the corner plus it, in doubles, stays beyond the envelope's far side).
    private static Half Above(double length)
    {
        var h = (Half)(length * 1.001);
        return (double)h < length * 1.001 ? Half.BitIncrement(h) : h;
    }

    /// <summary>Bytes of this object's fields, as <see cref="Prefetch.Object"/> warms it.</summary>
    public const int FieldBytes = 24;

    public long Bytes => _heads.Length * (long)Unsafe.SizeOf<Head>() + _xy.Length;

    //-- Steps per unit of coordinate: the same double from the same floats at build and at lookup.
    private static double Scale(in Head h) => Steps / Math.Max((double)h.Width, (double)h.Height);

    //-- Unchecked: t is a territory number of this township (a cell's entry), and a bounds check would read the array's length, a cache miss of its own on a province's index.
    private ref readonly Head HeadOf(int t) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_heads), t);

    private int End(int t) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_heads), t + 1).Start;

    /// <summary>Territory <paramref name="t"/>'s envelope as kept (rounded outwards).</summary>
    public Envelope Box(int t) => _heads[t] is var h && float.IsPositiveInfinity(h.MinX) ? new Envelope() : new Envelope(h.MinX, h.MaxX, h.MinY, h.MaxY);

    /// <summary>Whether territory <paramref name="t"/>'s box (rounded outwards) holds the point: most candidates fail here, before their rings are read.</summary>
    public bool BoxHolds(int t, double x, double y)
    {
        ref readonly var h = ref HeadOf(t);
        return !(x < h.MinX || y < h.MinY || x > h.MaxX || y > h.MaxY);
    }

    /// <summary>Warms territory <paramref name="t"/>'s head (box and where its rings lie).</summary>
    public void WarmHead(int t)
    {
        ref byte h = ref Unsafe.As<Head, byte>(ref Unsafe.AsRef(in HeadOf(t)));
        Prefetch.Line(ref h);
        //-- The next territory's start, where this one's positions end.
        Prefetch.Line(ref Unsafe.Add(ref h, Unsafe.SizeOf<Head>() + sizeof(int) * 3));
    }

    /// <summary>Warms territory <paramref name="t"/>'s rings (its head was warmed).</summary>
    public void WarmRings(int t)
    {
        ref readonly var h = ref HeadOf(t);
        //-- And the byte after them: the last position is read as 4 bytes.
        Prefetch.Span<byte>(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_xy), 3 * h.Start), 3 * (End(t) - h.Start) + 1));
    }

    /// <summary>Whether the point lies in territory <paramref name="t"/> or on its boundary: by the rounded rings, and by
    /// the exact ones when the point lies too near a rounded edge for them to tell (reading nothing of them otherwise).</summary>
    public bool Holds(int t, double x, double y) => (Locate(t, x, y) ?? _exact.Locate(t, x, y)) != Location.Exterior;

    /// <summary>Interior or exterior of territory <paramref name="t"/> by a ray-crossing count over its rounded
    /// rings, or null when the point lies within a step of one of them (where rounding may have moved the border across it).</summary>
    public Location? Locate(int t, double x, double y)
    {
        ref readonly var h = ref HeadOf(t);
        double scale = Scale(h), u = (x - h.MinX) * scale, v = (y - h.MinY) * scale;
        if (!(u >= -1 && u <= Steps + 1 && v >= -1 && v <= Steps + 1)) return Location.Exterior;
        ref byte at = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_xy), 3 * h.Start);
        int count = End(t) - h.Start;
        //-- Whole steps at or below the point: a segment wholly two steps above or below it, or two steps left of it, is
        //-- more than a step away and not crossed by its ray (integer tests that skip most segments; the rest are decided on doubles).
        int vi = (int)Math.Floor(v), ui = (int)Math.Floor(u), crossings = 0;
        int next = count > 0 ? (int)Unsafe.ReadUnaligned<uint>(ref at) : 0;
        for (int i = 1; i < count; i++)
        {
            int previous = next;
            next = (int)Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref at, 3 * i));
            int y1 = (previous >> 12) & 0xFFF, y2 = (next >> 12) & 0xFFF;
            if ((y1 >= vi + 2 && y2 >= vi + 2) || (y1 <= vi - 2 && y2 <= vi - 2)) continue;
            int x1 = previous & 0xFFF, x2 = next & 0xFFF;
            if ((x1 <= ui - 2 && x2 <= ui - 2) || x1 == Break || x2 == Break) continue;
            bool straddles = (y1 > v) != (y2 > v);
            //-- Wholly more than a step right of the point: counted when it straddles the ray's line.
            if (u < Math.Min(x1, x2) - 1)
            {
                if (straddles) crossings++;
                continue;
            }
            //-- c is the segment's length times the point's distance from its line (signed: left of (x1,y1)→(x2,y2) positive).
            double dx = x2 - x1, dy = y2 - y1, c = dx * (v - y1) - dy * (u - x1);
            if (c * c <= dx * dx + dy * dy) return null;
            //-- The ray meets the segment's line at x = u + c / dy: right of the point when c and dy have one sign.
            if (straddles && c > 0 == dy > 0) crossings++;
        }
        return (crossings & 1) == 1 ? Location.Interior : Location.Exterior;
    }
}
