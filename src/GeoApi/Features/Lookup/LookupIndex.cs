using GridSpatial.GeoApi.Infrastructure;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>Point → codes from an in-memory index of the published micro-grid territories: a
/// uniform grid of cells over every township's extent finds the townships a point may be in,
/// then each township's own <see cref="CellGrid"/> of micro-grid territories answers the point.
/// Snapshots are immutable and swapped atomically, so a reader never sees a half-loaded
/// township; a township is reloaded when a version is published.</summary>
public sealed class LookupIndex(NpgsqlDataSource db, ILogger<LookupIndex> logger) : Infrastructure.ITownshipObserver
{
    private volatile Snapshot? _snapshot;
    private readonly Lock _swap = new();

    public bool Loaded => _snapshot is not null;

    public int MicroGridCount => _snapshot?.Townships.Values.Sum(t => t.MicroGrids) ?? 0;

    public Task PublishedAsync(string townshipCode, CancellationToken ct) => ReloadAsync(townshipCode, ct);

    //-- Household or boundary changes do not move published territories.
    public Task DataChangedAsync(string townshipCode, CancellationToken ct) => Task.CompletedTask;

    public async Task LoadAllAsync(CancellationToken ct)
    {
        var codes = new List<string>();
        await using (var cmd = db.CreateCommand("SELECT township_code FROM township_state WHERE current_version IS NOT NULL ORDER BY 1"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) codes.Add(r.GetString(0));
        var townships = new Dictionary<string, TownshipIndex>(StringComparer.Ordinal);
        foreach (var code in codes)
            if (await LoadTownshipAsync(code, ct) is { } t) townships[code] = t;
        _snapshot = new Snapshot(townships);
        logger.LogInformation("Lookup index loaded: {Townships} townships, {MicroGrids} micro-grids", townships.Count, MicroGridCount);
    }

    /// <summary>Loads the township's current version, unless that version is already loaded: the
    /// publishing process refreshes at once and then hears its own notification.</summary>
    public async Task ReloadAsync(string townshipCode, CancellationToken ct)
    {
        TownshipIndex? loaded = null;
        _snapshot?.Townships.TryGetValue(townshipCode, out loaded);
        var t = await LoadTownshipAsync(townshipCode, ct, loaded);
        if (t is not null && ReferenceEquals(t, loaded)) return;
        lock (_swap)
        {
            var current = _snapshot?.Townships ?? new Dictionary<string, TownshipIndex>(StringComparer.Ordinal);
            var next = new Dictionary<string, TownshipIndex>(current, StringComparer.Ordinal);
            if (t is null) next.Remove(townshipCode); else next[townshipCode] = t;
            _snapshot = new Snapshot(next);
        }
    }

    /// <summary>Everything that contains the point, or null outside every township. Micro-grids
    /// tile their township, so the micro-grid found is the township's answer too. On a shared
    /// edge the unit whose code sorts first wins; floor runs share one territory (the stack).</summary>
    internal LookupHit? Find(double lon, double lat)
    {
        var s = _snapshot ?? throw new InvalidOperationException("The lookup index is not loaded.");
        var c = new Coordinate(lon, lat);
        if (s.Single is { } only) return Search(only, c);
        foreach (var t in s.At(c))
            if (t.Extent.Contains(c) && Search(t, c) is { } hit) return hit;
        return null;
    }

    private static LookupHit? Search(TownshipIndex t, Coordinate c) =>
        t.Grid.Find(c) is { } stack ? new LookupHit(t, stack.Members[0], stack.Members) : null;

    private async Task<TownshipIndex?> LoadTownshipAsync(string code, CancellationToken ct, TownshipIndex? loaded = null)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        int version;
        string name;
        Geometry boundary;
        await using (var cmd = new NpgsqlCommand("""
            SELECT t.name, t.geom, s.current_version FROM township t JOIN township_state s ON s.township_code = t.code
            WHERE t.code = $1 AND s.current_version IS NOT NULL
            """, conn, tx))
        {
            cmd.Parameters.AddTownship(code);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            (name, boundary, version) = (r.GetString(0), r.GetFieldValue<Geometry>(1), r.GetInt32(2));
        }
        if (loaded?.Version == version) return loaded;
        var villages = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT code, name FROM village WHERE township_code = $1", conn, tx))
        {
            cmd.Parameters.AddTownship(code);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) villages[r.GetString(0)] = r.GetString(1);
        }
        var grids = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT code, household_count FROM current_grid WHERE township_code = $1", conn, tx))
        {
            cmd.Parameters.AddTownship(code);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) grids[r.GetString(0)] = r.GetInt32(1);
        }
        //-- Versions are row lifetimes (migration 0011): after an older version of this township, only
        //-- the micro-grids whose rows closed or opened since are read; the others keep their entry,
        //-- territory and locator.
        var entries = new List<MicroGridEntry>();
        var byWkb = new Dictionary<string, (Geometry Geom, IndexedPointInAreaLocator Locator)>(StringComparer.Ordinal);
        bool incremental = loaded is not null && loaded.Version < version;
        if (incremental)
        {
            var changed = new HashSet<string>(StringComparer.Ordinal);
            await using (var cmd = new NpgsqlCommand("SELECT code FROM micro_grid WHERE township_code = $1 AND valid_to > $2 AND valid_to <= $3", conn, tx))
            {
                cmd.Parameters.AddTownship(code);
                cmd.Parameters.AddWithValue(loaded!.Version);
                cmd.Parameters.AddWithValue(version);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) changed.Add(r.GetString(0));
            }
            foreach (var e in loaded.Entries)
                if (!changed.Contains(e.Code))
                {
                    entries.Add(e);
                    byWkb.TryAdd(e.TerritoryKey, (e.Territory, e.Locator));
                }
        }
        await using (var cmd = new NpgsqlCommand($"""
            SELECT code, grid_code, village_code, kind, household_count, floor_from, floor_to, geom, md5(ST_AsBinary(geom)), unit
            FROM micro_grid WHERE township_code = $1 AND valid_to IS NULL {(incremental ? "AND valid_from > $2" : "")} ORDER BY code
            """, conn, tx))
        {
            cmd.Parameters.AddTownship(code);
            if (incremental) cmd.Parameters.AddWithValue(loaded!.Version);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                //-- Floor runs of one building share one territory object (and one locator).
                var key = r.GetString(8);
                if (!byWkb.TryGetValue(key, out var shared))
                {
                    var g = r.GetFieldValue<Geometry>(7);
                    byWkb[key] = shared = (g, new IndexedPointInAreaLocator(g));
                }
                var entry = new MicroGridEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
                    r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetInt32(6), shared.Geom, shared.Locator)
                    { Unit = r.IsDBNull(9) ? null : r.GetString(9), TerritoryKey = key };
                entries.Add(entry);
            }
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        int count = entries.Count;
        await tx.CommitAsync(ct);
        //-- Building the cell grid is CPU work: off the request threads.
        return await Infrastructure.Background.Run(() => new TownshipIndex(code, name, version, boundary.EnvelopeInternal, villages, grids, new CellGrid(entries), count) { Entries = entries }, ct);
    }

    /// <summary>The townships of one published state, found by a coarse uniform grid over their
    /// extents (no allocation per lookup): a point's cell lists the few townships whose extent
    /// reaches into it.</summary>
    private sealed class Snapshot
    {
        private static readonly TownshipIndex[] None = [];
        private readonly TownshipIndex[][] _cells = [];
        private readonly double _x0, _y0, _size;
        private readonly int _nx, _ny;

        public Snapshot(Dictionary<string, TownshipIndex> townships)
        {
            Townships = townships;
            _single = townships.Count == 1 ? townships.Values.First() : null;
            if (townships.Count < 2) return;
            var all = new Envelope();
            foreach (var t in townships.Values) all.ExpandToInclude(t.Extent);
            //-- Cells about half a township wide, at most ~4 million of them.
            var widths = townships.Values.Select(t => Math.Max(t.Extent.Width, t.Extent.Height)).Order().ToList();
            _size = Math.Max(widths[widths.Count / 2] / 2, Math.Sqrt(all.Width * all.Height / 4e6));
            if (_size <= 0) _size = 1e-6;
            (_x0, _y0) = (all.MinX, all.MinY);
            _nx = Math.Max(1, (int)Math.Ceiling(all.Width / _size) + 1);
            _ny = Math.Max(1, (int)Math.Ceiling(all.Height / _size) + 1);
            var lists = new List<TownshipIndex>?[_nx * _ny];
            foreach (var t in townships.Values.OrderBy(t => t.Code, StringComparer.Ordinal))
                for (int iy = Cell(t.Extent.MinY, _y0, _ny); iy <= Cell(t.Extent.MaxY, _y0, _ny); iy++)
                    for (int ix = Cell(t.Extent.MinX, _x0, _nx); ix <= Cell(t.Extent.MaxX, _x0, _nx); ix++)
                        (lists[iy * _nx + ix] ??= []).Add(t);
            _cells = lists.Select(l => l?.ToArray() ?? None).ToArray();
        }

        private int Cell(double v, double origin, int n) => Math.Clamp((int)Math.Floor((v - origin) / _size), 0, n - 1);

        public IReadOnlyDictionary<string, TownshipIndex> Townships { get; }

        /// <summary>The only township, when there is just one (no grid to walk).</summary>
        public TownshipIndex? Single => _single;

        private readonly TownshipIndex? _single;

        /// <summary>Townships whose extent may contain the point.</summary>
        public TownshipIndex[] At(Coordinate c)
        {
            if (_cells.Length == 0) return None;
            double fx = (c.X - _x0) / _size, fy = (c.Y - _y0) / _size;
            if (fx < 0 || fy < 0 || fx >= _nx || fy >= _ny) return None;
            return _cells[(int)fy * _nx + (int)fx];
        }
    }
}

public sealed record MicroGridEntry(string Code, string GridCode, string VillageCode, string Kind, int HouseholdCount, int? FloorFrom, int? FloorTo,
    Geometry Territory, IndexedPointInAreaLocator Locator)
{
    /// <summary>The unit (单元) of a floor run split by units.</summary>
    public string? Unit { get; init; }

    /// <summary>MD5 of the territory's WKB: floor runs with equal keys share one territory object.</summary>
    public string TerritoryKey { get; init; } = "";
}

internal sealed record TownshipIndex(string Code, string Name, int Version, Envelope Extent,
    IReadOnlyDictionary<string, string> Villages, IReadOnlyDictionary<string, int> Grids, CellGrid Grid, int MicroGrids)
{
    /// <summary>The micro-grids indexed, by code: what the next version's reload carries over.</summary>
    public IReadOnlyList<MicroGridEntry> Entries { get; init; } = [];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IReadOnlyList<MicroGridEntry>, byte[]> _json = new(ReferenceEqualityComparer.Instance);

    /// <summary>The batch-lookup answer for a point in this territory (without the point), serialized once.</summary>
    public byte[] Json(IReadOnlyList<MicroGridEntry> stack) => _json.GetOrAdd(stack, s =>
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer, LookupAnswer.WriterOptions))
            LookupAnswer.Write(w, LookupAnswer.Dto(0, 0, new LookupHit(this, s[0], s)));
        return buffer.WrittenSpan.ToArray();
    });
}

internal sealed record LookupHit(TownshipIndex Township, MicroGridEntry? MicroGrid, IReadOnlyList<MicroGridEntry> Stack);
