using GridSpatial.GeoApi.Infrastructure;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>Point → codes from an in-memory index of the published micro-grid territories: a
/// uniform grid of cells over every township's extent finds the townships a point may be in,
/// then each township's own <see cref="CellGrid"/> over its packed territories
/// (<see cref="PackedTerritories"/>, read first in their rounded form, <see cref="QuantizedRings"/>; about 560 bytes
/// per micro-grid in all) answers the point.
/// Snapshots are immutable and swapped atomically, so a reader never sees a half-loaded
/// township; a township is reloaded when a version is published.</summary>
public sealed class LookupIndex(NpgsqlDataSource db, ILogger<LookupIndex> logger) : Infrastructure.ITownshipObserver
{
    private volatile Snapshot? _snapshot;
    private readonly Lock _swap = new();
    //-- A batch's answers by territory (about 300 bytes each): bounded, not kept per snapshot, where a
    //-- province's million territories would pile up as they are asked about.
    private readonly BoundedCache<(long Generation, int Stack), byte[]> _json = new(100_000);

    public bool Loaded => _snapshot is not null;

    public int MicroGridCount => _snapshot?.Townships.Values.Sum(t => t.MicroGrids) ?? 0;

    /// <summary>Bytes of the flat arrays: packed territories and cell grids (a check on the heap measured around a load).</summary>
    public (long Territories, long Cells) ArrayBytes => _snapshot?.ArrayBytes ?? (0, 0);

    /// <summary>Whether <see cref="FindAll"/> interleaves its points' walks on the index as loaded now.</summary>
    public bool WarmsBatches => _snapshot is { } s && Warms(s);

    private static bool Warms(Snapshot s) => s.ArrayBytes.Territories + s.ArrayBytes.Cells > WarmAbove && Prefetch.Works;

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
        //-- A province is a thousand townships: read and build them on every core.
        await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, async (code, token) =>
        {
            if (await LoadTownshipAsync(code, token) is { } t)
                lock (townships) townships[code] = t;
        });
        _snapshot = new Snapshot(townships);
        //-- bench province times an API process's start by this line.
        logger.LogInformation("Lookup index loaded: {Townships} townships, {MicroGrids} micro-grids", townships.Count, MicroGridCount);
    }

    /// <summary>Loads the township's current version, unless that version is already loaded: the
    /// publishing process refreshes at once and then hears its own notification.</summary>
    public async Task ReloadAsync(string townshipCode, CancellationToken ct)
    {
        TownshipIndex? loaded = null;
        _snapshot?.Townships.TryGetValue(townshipCode, out loaded);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var t = await LoadTownshipAsync(townshipCode, ct, loaded);
        if (t is not null && ReferenceEquals(t, loaded)) return;
        logger.LogDebug("Lookup index: {Township} version {Version} in {Ms:F1} ms, {Tested} cells tested (reloaded from version {Previous}, none when fresh)",
            townshipCode, t?.Version, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, t?.Grid.CellsTested, loaded?.Version);
        lock (_swap)
        {
            var current = _snapshot?.Townships ?? new Dictionary<string, TownshipIndex>(StringComparer.Ordinal);
            var next = new Dictionary<string, TownshipIndex>(current, StringComparer.Ordinal);
            if (t is null) next.Remove(townshipCode); else next[townshipCode] = t;
            _snapshot = new Snapshot(next);
        }
    }

    /// <summary>An index of <paramref name="copies"/> copies of every township loaded here, laid out in rows
    /// side by side (each copy moved by whole multiples of the loaded townships' extent, its code numbered
    /// apart), for measuring lookups at a province's size without building one (<c>bench lookup --copies</c>).
    /// Returns the index and the shift of each copy.</summary>
    internal (LookupIndex Index, (double Dx, double Dy)[] Shifts) Copies(int copies)
    {
        var s = _snapshot ?? throw new InvalidOperationException("The lookup index is not loaded.");
        var all = new Envelope();
        foreach (var t in s.Townships.Values) all.ExpandToInclude(t.Extent);
        int perRow = (int)Math.Ceiling(Math.Sqrt(copies));
        var shifts = Enumerable.Range(0, copies).Select(k => ((k % perRow) * all.Width * 1.001, (k / perRow) * all.Height * 1.001)).ToArray();
        var townships = new Dictionary<string, TownshipIndex>(StringComparer.Ordinal);
        for (int k = 0; k < copies; k++)
            foreach (var t in s.Townships.Values)
            {
                var code = FormattableString.Invariant($"{t.Code}#{k}");
                townships[code] = t.Shifted(code, shifts[k].Item1, shifts[k].Item2);
            }
        var copy = new LookupIndex(db, logger) { _snapshot = new Snapshot(townships) };
        return (copy, shifts);
    }

    /// <summary>An index of the townships given, read from no database (it cannot reload them).</summary>
    internal static LookupIndex Of(IEnumerable<TownshipIndex> townships) =>
        new(null!, Microsoft.Extensions.Logging.Abstractions.NullLogger<LookupIndex>.Instance) { _snapshot = new Snapshot(townships.ToDictionary(t => t.Code, StringComparer.Ordinal)) };

    /// <summary>The batch-lookup answer for a point in the hit's territory (without the point), serialized once while cached.</summary>
    internal byte[] Json(LookupHit hit) => _json.GetOrAdd((hit.Township.Generation, hit.StackNumber), static (k, t) => t.Json(k.Stack), hit.Township);

    /// <summary>Everything that contains the point, or null outside every township. Micro-grids
    /// tile their township, so the micro-grid found is the township's answer too. On a shared
    /// edge the unit whose code sorts first wins; floor runs share one territory (the stack).</summary>
    internal LookupHit? Find(double lon, double lat) =>
        Find(_snapshot ?? throw new InvalidOperationException("The lookup index is not loaded."), lon, lat);

    private static LookupHit? Find(Snapshot s, double lon, double lat) => s.Single is { } only ? only.Find(lon, lat) : s.Grid.Find(lon, lat);

    //-- Arrays larger than a processor's last-level cache: below it the index stays in the cache, and interleaving
    //-- costs more than it saves (measured on the sample's two townships: 2.5–2.7 M lookups/s one at a time, 1.03 M interleaved).
    private const long WarmAbove = 64L << 20;

    /// <summary><see cref="Find"/> for every point, <paramref name="hits"/>[i] the answer for
    /// <paramref name="points"/>[i]: the same answers, more of them a second on a province's index, where the
    /// points' walks through the index are interleaved so that their cache misses overlap instead of following
    /// one another (<see cref="InterleavedLookups"/>); an index the cache holds is asked one point at a time.
    /// One snapshot answers the whole batch.</summary>
    /// <param name="warm">Whether to interleave the walks (null: when the index is larger than <see cref="WarmAbove"/> and the processor prefetches).</param>
    internal void FindAll(ReadOnlySpan<(double X, double Y)> points, Span<LookupHit?> hits, bool? warm = null)
    {
        if (hits.Length < points.Length) throw new ArgumentException("One hit per point.", nameof(hits));
        var s = _snapshot ?? throw new InvalidOperationException("The lookup index is not loaded.");
        if (warm ?? Warms(s)) InterleavedLookups.FindAll(s.Grid, s.Single, points, hits);
        else
            for (int i = 0; i < points.Length; i++) hits[i] = Find(s, points[i].X, points[i].Y);
    }

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
        //-- Codes of grids and villages, kinds and units: one string each per township.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string s) => strings.TryAdd(s, s) ? s : strings[s];
        var villages = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT code, name FROM village WHERE township_code = $1", conn, tx))
        {
            cmd.Parameters.AddTownship(code);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) villages[Shared(r.GetString(0))] = r.GetString(1);
        }
        var grids = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT code, household_count FROM current_grid WHERE township_code = $1", conn, tx))
        {
            cmd.Parameters.AddTownship(code);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) grids[Shared(r.GetString(0))] = r.GetInt32(1);
        }
        //-- Versions are row lifetimes (migration 0011): after an older version of this township, only
        //-- the micro-grids whose rows closed or opened since are read; the others keep their entry and
        //-- territory (copied from the loaded packing).
        var territories = new PackedTerritories.Builder();
        var rows = new List<(MicroGridEntry Entry, int Territory)>();
        Dictionary<int, int>? carried = null;
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
            (rows, carried) = loaded.Carry(territories, changed);
        }
        await using (var cmd = new NpgsqlCommand($"""
            SELECT code, grid_code, village_code, kind, household_count, floor_from, floor_to, geom, unit
            FROM micro_grid WHERE township_code = $1 AND valid_to IS NULL {(incremental ? "AND valid_from > $2" : "")}
            """, conn, tx))
        {
            cmd.Parameters.AddTownship(code);
            if (incremental) cmd.Parameters.AddWithValue(loaded!.Version);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                //-- Floor runs of one building share one territory: the builder stores it once.
                var entry = new MicroGridEntry(r.GetString(0), Shared(r.GetString(1)), Shared(r.GetString(2)), Shared(r.GetString(3)), r.GetInt32(4),
                    r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetInt32(6))
                    { Unit = r.IsDBNull(8) ? null : Shared(r.GetString(8)) };
                rows.Add((entry, territories.Add(r.GetFieldValue<Geometry>(7))));
            }
        }
        await tx.CommitAsync(ct);
        //-- Packing and building the cell grid is CPU work: off the request threads.
        return await Infrastructure.Background.Run(() => TownshipIndex.Build(code, name, version, boundary.EnvelopeInternal, villages, grids, territories, rows,
            incremental ? loaded : null, carried), ct);
    }

    /// <summary>The townships of one published state and the grid that finds them.</summary>
    private sealed class Snapshot
    {
        public Snapshot(Dictionary<string, TownshipIndex> townships)
        {
            Townships = townships;
            ArrayBytes = (townships.Values.Sum(t => t.Territories.Bytes), townships.Values.Sum(t => t.Grid.Bytes));
            Single = townships.Count == 1 ? townships.Values.First() : null;
            Grid = new TownshipGrid(townships.Count < 2 ? [] : [.. townships.Values.OrderBy(t => t.Code, StringComparer.Ordinal)]);
        }

        public IReadOnlyDictionary<string, TownshipIndex> Townships { get; }

        /// <summary>Bytes of the townships' flat arrays: packed territories and cell grids.</summary>
        public (long Territories, long Cells) ArrayBytes { get; }

        /// <summary>The only township, when there is just one (no grid to walk).</summary>
        public TownshipIndex? Single { get; }

        /// <summary>The townships by extent (none when there is just one).</summary>
        public TownshipGrid Grid { get; }
    }
}
