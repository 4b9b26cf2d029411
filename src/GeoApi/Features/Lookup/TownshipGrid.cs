using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>The townships of one published state, found by a coarse uniform grid over their extents
/// (no allocation per lookup): a point's cell lists the few townships whose extent reaches into it,
/// each beside its extent, so a township whose extent misses the point is ruled out without reading it.</summary>
internal sealed class TownshipGrid
{
    /// <summary>A township whose extent reaches into a cell, beside that extent.</summary>
    internal readonly record struct Candidate(double MinX, double MinY, double MaxX, double MaxY, TownshipIndex Township)
    {
        //-- As Envelope.Contains(x, y): the closed extent.
        public bool Covers(double x, double y) => x >= MinX && x <= MaxX && y >= MinY && y <= MaxY;
    }

    private static readonly Candidate[] None = [];
    private readonly Candidate[][] _cells = [];
    private readonly double _x0, _y0, _size;
    private readonly int _nx, _ny;

    /// <param name="townships">In code order: where extents overlap, the first township that answers wins.</param>
    public TownshipGrid(IReadOnlyList<TownshipIndex> townships)
    {
        if (townships.Count == 0) return;
        var all = new Envelope();
        foreach (var t in townships) all.ExpandToInclude(t.Extent);
        //-- Cells about half a township wide, at most ~4 million of them.
        var widths = townships.Select(t => Math.Max(t.Extent.Width, t.Extent.Height)).Order().ToList();
        _size = Math.Max(widths[widths.Count / 2] / 2, Math.Sqrt(all.Width * all.Height / 4e6));
        if (_size <= 0) _size = 1e-6;
        (_x0, _y0) = (all.MinX, all.MinY);
        _nx = Math.Max(1, (int)Math.Ceiling(all.Width / _size) + 1);
        _ny = Math.Max(1, (int)Math.Ceiling(all.Height / _size) + 1);
        var lists = new List<Candidate>?[_nx * _ny];
        foreach (var t in townships)
        {
            var e = t.Extent;
            if (e.IsNull) continue;
            for (int iy = Cell(e.MinY, _y0, _ny); iy <= Cell(e.MaxY, _y0, _ny); iy++)
                for (int ix = Cell(e.MinX, _x0, _nx); ix <= Cell(e.MaxX, _x0, _nx); ix++)
                    (lists[iy * _nx + ix] ??= []).Add(new Candidate(e.MinX, e.MinY, e.MaxX, e.MaxY, t));
        }
        _cells = lists.Select(l => l?.ToArray() ?? None).ToArray();
    }

    private int Cell(double v, double origin, int n) => Math.Clamp((int)Math.Floor((v - origin) / _size), 0, n - 1);

    //-- The cell holding the point, or -1 outside the grid.
    public int CellAt(double x, double y)
    {
        if (_cells.Length == 0) return -1;
        double fx = (x - _x0) / _size, fy = (y - _y0) / _size;
        if (!(fx >= 0 && fy >= 0 && fx < _nx && fy < _ny)) return -1;
        return (int)fy * _nx + (int)fx;
    }

    /// <summary>What the first township whose extent holds the point and that has a territory there answers, or null.</summary>
    public LookupHit? Find(double x, double y)
    {
        int cell = CellAt(x, y);
        if (cell < 0) return null;
        foreach (ref readonly var c in _cells[cell].AsSpan())
            if (c.Covers(x, y) && c.Township.Find(x, y) is { } hit) return hit;
        return null;
    }

    //-- Find's steps, one at a time for a walk interleaved with others' (InterleavedLookups).

    public void WarmCell(int cell) => Prefetch.Line(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cells), cell));

    public Candidate[] Candidates(int cell) => _cells[cell];

    //-- The length and the first three candidates (most cells have one or two): reading the length would wait for it.
    public static void WarmCandidates(Candidate[] candidates) => Prefetch.Object(candidates, 8 + 3 * Unsafe.SizeOf<Candidate>());
}
