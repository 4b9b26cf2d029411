using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>A regular grid over a township for point lookups in constant time: a cell lying
/// wholly inside one territory answers at once; other cells list the few territories whose
/// envelope meets them, tested in code order with <see cref="QuantizedRings.Holds"/>. About
/// <see cref="CellsPerTerritory"/> cells per territory, one int each plus one per entry (an owned
/// cell holds just its owner), so the grid costs tens of bytes per territory.</summary>
internal sealed class CellGrid
{
    private const int CellsPerTerritory = 6;
    private const int Owned = int.MinValue;
    private readonly double _x0, _y0, _d;
    private readonly int _nx, _ny;
    //-- Cell c's entries are _items[_start[c] .. _start[c + 1]): territory numbers, or one owner with the Owned bit.
    private readonly int[] _start;
    private readonly int[] _items;
    //-- Each territory's box and rounded rings: a candidate's box is read first, and most fail there.
    private readonly QuantizedRings _quick;

    /// <param name="territories">Numbered in code order (a stack's lowest code): the first hit is the lowest code.</param>
    /// <param name="previous">The grid of the township's version before, and for each territory here the number
    /// it had there when it is the same territory carried over (else -1). The grid keeps the previous layout
    /// while the township's extent is the same, and a cell no changed territory reaches keeps its owner
    /// without testing it again: a publish that changes one grid re-tests only the cells around it.</param>
    public CellGrid(PackedTerritories territories, (CellGrid Grid, int[] PreviousOf)? previous = null)
    {
        _quick = territories.Quick;
        int n = territories.Count;
        var envelopes = new Envelope[n];
        var extent = new Envelope();
        for (int t = 0; t < n; t++) extent.ExpandToInclude(envelopes[t] = territories.Envelope(t));
        if (extent.IsNull) extent = new Envelope(0, 0, 0, 0);
        _extent = extent;
        var before = previous is { } p && SameLayout(p.Grid, extent, n) ? p : default((CellGrid Grid, int[] PreviousOf)?);
        if (before is { } b)
            (_d, _x0, _y0, _nx, _ny, _sizedFor) = (b.Grid._d, b.Grid._x0, b.Grid._y0, b.Grid._nx, b.Grid._ny, b.Grid._sizedFor);
        else
        {
            _sizedFor = n;
            long target = Math.Clamp((long)CellsPerTerritory * n, 1, 1 << 22);
            _d = Math.Max(Math.Sqrt(Math.Max(extent.Area, 1e-18) / target), 1e-9);
            (_x0, _y0) = (extent.MinX, extent.MinY);
            _nx = Math.Max(1, (int)Math.Ceiling(extent.Width / _d));
            _ny = Math.Max(1, (int)Math.Ceiling(extent.Height / _d));
        }
        int cells = _nx * _ny;

        // Candidates per cell (CSR): territories whose envelope meets the cell, in number order.
        var count = new int[cells + 1];
        for (int t = 0; t < n; t++) ForCells(envelopes[t], c => count[c]++);
        var candidateStart = new int[cells + 1];
        for (int c = 0; c < cells; c++) candidateStart[c + 1] = candidateStart[c] + count[c];
        var candidates = new int[candidateStart[cells]];
        var fill = (int[])candidateStart.Clone();
        for (int t = 0; t < n; t++)
        {
            int territory = t;
            ForCells(envelopes[t], c => candidates[fill[c]++] = territory);
        }

        // The cells a changed territory reaches, before or now; every other cell has the same candidates as before.
        int[]? nowOf = null;
        bool[]? changed = null;
        if (before is { } kept)
        {
            nowOf = new int[kept.Grid.Count];
            Array.Fill(nowOf, -1);
            changed = new bool[cells];
            for (int t = 0; t < n; t++)
                if (kept.PreviousOf[t] is var o and >= 0) nowOf[o] = t;
                else ForCells(envelopes[t], c => changed[c] = true);
            for (int o = 0; o < nowOf.Length; o++)
                if (nowOf[o] < 0) ForCells(kept.Grid.Box(o), c => changed[c] = true);
        }

        // A cell wholly inside one territory keeps only that one.
        _start = new int[cells + 1];
        var items = new List<int>(candidates.Length / 2);
        for (int c = 0; c < cells; c++)
        {
            int from = candidateStart[c], to = candidateStart[c + 1], owner = -1;
            if (changed is not null && !changed[c])
            {
                var was = before!.Value.Grid;
                int at = was._start[c];
                owner = was._start[c + 1] - at == 1 && was._items[at] < 0 ? nowOf![was._items[at] & ~Owned] : -1;
            }
            else if (to - from <= 4)
            {
                CellsTested++;
                for (int k = from; k < to && owner < 0; k++)
                    if (territories.ContainsProperly(candidates[k], CellEnvelope(c))) owner = candidates[k];
            }
            if (owner >= 0) items.Add(owner | Owned);
            else for (int k = from; k < to; k++) items.Add(candidates[k]);
            _start[c + 1] = items.Count;
        }
        _items = items.ToArray();
    }

    private readonly Envelope _extent;

    //-- The territory count the layout was made for, kept by every grid that reuses it (so reloads cannot drift from it).
    private readonly int _sizedFor;

    /// <summary>Cells whose owner was tested in the build (the others kept the previous grid's answer or had too many candidates).</summary>
    public int CellsTested { get; }

    /// <summary>The number of territories the grid was built on.</summary>
    private int Count => _quick.Count;

    //-- The same cells while the extent is the same and the territories about as many as the layout was made
    //-- for (a finer or coarser grid is due when their number has moved by a quarter from it).
    private static bool SameLayout(CellGrid grid, Envelope extent, int n) =>
        grid._extent.Equals(extent) && n * 4L >= grid._sizedFor * 3L && n * 3L <= grid._sizedFor * 4L;

    /// <summary>Territory <paramref name="t"/>'s envelope as kept (rounded outwards).</summary>
    private Envelope Box(int t) => _quick.Box(t);

    /// <summary>Bytes held by the grid's arrays (the territories' boxes are <see cref="PackedTerritories.Bytes"/>).</summary>
    public long Bytes => (_start.Length + _items.Length) * 4L;

    /// <summary>The number of the territory containing the point (lowest code on a shared edge), or -1.</summary>
    public int Find(double x, double y)
    {
        int cell = CellAt(x, y);
        if (cell < 0) return -1;
        var (from, to) = Entries(cell);
        for (int k = from; k < to; k++)
        {
            int t = Entry(k, out bool owns);
            if (owns) return t;
            if (!BoxHolds(t, x, y)) continue;
            //-- Numbered in code order, so the first hit is the lowest code.
            if (Holds(t, x, y)) return t;
        }
        return -1;
    }

    //-- Find's steps, one at a time for a walk interleaved with others' (InterleavedLookups): each warm asks the
    //-- memory for what the step after it reads, without reading anything not warmed before.

    /// <summary>Bytes of this object's fields, as <see cref="Prefetch.Object"/> warms it.</summary>
    public const int FieldBytes = 72;

    /// <summary>Warms the cell's entry range, the lengths of the arrays Find reads (its bounds checks) and the rounded territories' object.</summary>
    public void WarmCell(int cell)
    {
        Prefetch.Line(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_start), cell));
        Prefetch.Object(_start, 8);
        Prefetch.Object(_items, 8);
        Prefetch.Object(_quick, QuantizedRings.FieldBytes);
    }

    /// <summary>The cell's entries: positions <c>From</c> up to <c>To</c>.</summary>
    public (int From, int To) Entries(int cell) => (_start[cell], _start[cell + 1]);

    public void WarmEntry(int k) => Prefetch.Line(ref _items[k]);

    /// <summary>Entry <paramref name="k"/>'s territory, and whether it owns the cell (lies around all of it).</summary>
    public int Entry(int k, out bool owns)
    {
        int t = _items[k];
        owns = t < 0;
        return t & ~Owned;
    }

    public void WarmBox(int t) => _quick.WarmHead(t);

    /// <summary>Whether territory <paramref name="t"/>'s box (rounded outwards) holds the point: most candidates fail here, before their rings are read.</summary>
    public bool BoxHolds(int t, double x, double y) => _quick.BoxHolds(t, x, y);

    /// <summary>Warms territory <paramref name="t"/>'s rounded rings (its box was read).</summary>
    public void WarmRings(int t) => _quick.WarmRings(t);

    /// <summary>Whether territory <paramref name="t"/> holds the point, its border included.</summary>
    public bool Holds(int t, double x, double y) => _quick.Holds(t, x, y);

    //-- The cell holding the point (on the extent's far edge still the last one), or -1 outside the extent.
    public int CellAt(double x, double y)
    {
        //-- (int) of NaN is 0: a point without coordinates would land in the first cell.
        if (double.IsNaN(x) || double.IsNaN(y)) return -1;
        int ix = (int)Math.Floor((x - _x0) / _d), iy = (int)Math.Floor((y - _y0) / _d);
        if (ix < 0 || iy < 0 || ix >= _nx || iy >= _ny)
        {
            if (ix == _nx && x <= _x0 + _nx * _d) ix--;
            if (iy == _ny && y <= _y0 + _ny * _d) iy--;
            if (ix < 0 || iy < 0 || ix >= _nx || iy >= _ny) return -1;
        }
        return iy * _nx + ix;
    }

    private Envelope CellEnvelope(int c)
    {
        int ix = c % _nx, iy = c / _nx;
        return new Envelope(_x0 + ix * _d, _x0 + (ix + 1) * _d, _y0 + iy * _d, _y0 + (iy + 1) * _d);
    }

    private void ForCells(Envelope e, Action<int> visit)
    {
        if (e.IsNull) return;
        int x0 = Math.Clamp((int)Math.Floor((e.MinX - _x0) / _d), 0, _nx - 1), x1 = Math.Clamp((int)Math.Floor((e.MaxX - _x0) / _d), 0, _nx - 1);
        int y0 = Math.Clamp((int)Math.Floor((e.MinY - _y0) / _d), 0, _ny - 1), y1 = Math.Clamp((int)Math.Floor((e.MaxY - _y0) / _d), 0, _ny - 1);
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) visit(y * _nx + x);
    }
}
