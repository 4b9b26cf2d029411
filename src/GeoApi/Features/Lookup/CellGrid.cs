using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>A regular grid over a township for point lookups in constant time: a cell lying
/// wholly inside one territory answers at once; other cells list the few territories whose
/// envelope meets them, tested with their indexed point-in-area locators. About sixteen cells
/// per territory, so most lookups never test a polygon.</summary>
internal sealed class CellGrid
{
    private readonly double _x0, _y0, _dx, _dy;
    private readonly int _nx, _ny;
    private readonly int[] _owner;
    private readonly int[] _start;
    private readonly int[] _items;
    private readonly Stack[] _stacks;

    /// <summary>Micro-grids sharing one territory (a building's floor runs), lowest code first.</summary>
    internal sealed record Stack(Geometry Territory, NetTopologySuite.Algorithm.Locate.IndexedPointInAreaLocator Locator, IReadOnlyList<MicroGridEntry> Members);

    public CellGrid(IReadOnlyList<MicroGridEntry> entries)
    {
        _stacks = entries.GroupBy(e => e.Territory, ReferenceEqualityComparer.Instance)
            .Select(g => g.OrderBy(e => e.Code, StringComparer.Ordinal).ToList())
            .Select(m => new Stack(m[0].Territory, m[0].Locator, m))
            .OrderBy(s => s.Members[0].Code, StringComparer.Ordinal)
            .ToArray();
        var extent = new Envelope();
        foreach (var s in _stacks) extent.ExpandToInclude(s.Territory.EnvelopeInternal);
        if (extent.IsNull) extent = new Envelope(0, 0, 0, 0);
        long target = Math.Clamp(16L * _stacks.Length, 1, 1 << 22);
        double cell = Math.Max(Math.Sqrt(Math.Max(extent.Area, 1e-18) / target), 1e-9);
        (_x0, _y0, _dx, _dy) = (extent.MinX, extent.MinY, cell, cell);
        _nx = Math.Max(1, (int)Math.Ceiling(extent.Width / cell));
        _ny = Math.Max(1, (int)Math.Ceiling(extent.Height / cell));
        int cells = _nx * _ny;

        // Candidates per cell (CSR): stacks whose envelope meets the cell.
        var count = new int[cells + 1];
        foreach (var s in _stacks) ForCells(s.Territory.EnvelopeInternal, c => count[c]++);
        _start = new int[cells + 1];
        for (int c = 0; c < cells; c++) _start[c + 1] = _start[c] + count[c];
        _items = new int[_start[cells]];
        var fill = (int[])_start.Clone();
        for (int i = 0; i < _stacks.Length; i++)
        {
            int stack = i;
            ForCells(_stacks[i].Territory.EnvelopeInternal, c => _items[fill[c]++] = stack);
        }

        // Cells wholly inside one territory.
        _owner = new int[cells];
        Array.Fill(_owner, -1);
        var prepared = new IPreparedGeometry?[_stacks.Length];
        var factory = _stacks.Length > 0 ? _stacks[0].Territory.Factory : new GeometryFactory();
        for (int c = 0; c < cells; c++)
        {
            int n = _start[c + 1] - _start[c];
            if (n == 0 || n > 4) continue;
            var rect = factory.ToGeometry(CellEnvelope(c));
            for (int k = _start[c]; k < _start[c + 1]; k++)
            {
                int s = _items[k];
                prepared[s] ??= PreparedGeometryFactory.Prepare(_stacks[s].Territory);
                if (prepared[s]!.ContainsProperly(rect)) { _owner[c] = s; break; }
            }
        }
    }

    /// <summary>The territory containing the point (lowest code on a shared edge), or null.</summary>
    public Stack? Find(Coordinate c)
    {
        int ix = (int)Math.Floor((c.X - _x0) / _dx), iy = (int)Math.Floor((c.Y - _y0) / _dy);
        if (ix < 0 || iy < 0 || ix >= _nx || iy >= _ny)
        {
            //-- On the extent's far edge the point still belongs to the last cell.
            if (ix == _nx && c.X <= _x0 + _nx * _dx) ix--;
            if (iy == _ny && c.Y <= _y0 + _ny * _dy) iy--;
            if (ix < 0 || iy < 0 || ix >= _nx || iy >= _ny) return null;
        }
        int cell = iy * _nx + ix;
        if (_owner[cell] >= 0) return _stacks[_owner[cell]];
        for (int k = _start[cell]; k < _start[cell + 1]; k++)
        {
            //-- Stacks are in code order, so the first hit is the lowest code.
            var s = _stacks[_items[k]];
            if (s.Locator.Locate(c) != Location.Exterior) return s;
        }
        return null;
    }

    private Envelope CellEnvelope(int c)
    {
        int ix = c % _nx, iy = c / _nx;
        return new Envelope(_x0 + ix * _dx, _x0 + (ix + 1) * _dx, _y0 + iy * _dy, _y0 + (iy + 1) * _dy);
    }

    private void ForCells(Envelope e, Action<int> visit)
    {
        int x0 = Math.Clamp((int)Math.Floor((e.MinX - _x0) / _dx), 0, _nx - 1), x1 = Math.Clamp((int)Math.Floor((e.MaxX - _x0) / _dx), 0, _nx - 1);
        int y0 = Math.Clamp((int)Math.Floor((e.MinY - _y0) / _dy), 0, _ny - 1), y1 = Math.Clamp((int)Math.Floor((e.MaxY - _y0) / _dy), 0, _ny - 1);
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) visit(y * _nx + x);
    }
}
