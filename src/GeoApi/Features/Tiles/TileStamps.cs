using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Tiles;

/// <summary>What a tile's content depends on, per township: its published version, its data
/// version and when its boundaries last changed, read from the database and refreshed when a
/// township publishes or its data changes (LISTEN/NOTIFY). A tile's stamp mixes the states of
/// the townships its envelope touches, so ETags agree across API processes and change exactly
/// when the tile can. Every answer is for one jurisdiction (a code prefix, '' for everywhere) and
/// depends on the townships within it only, so a stamp, an extent or a bound never tells a caller
/// where other townships lie or when they republish.</summary>
public sealed class TileStamps(NpgsqlDataSource db) : Infrastructure.ITownshipObserver
{
    private sealed record State(string Code, Envelope Extent, int? Version, long DataVersion, long BoundaryTicks);

    private sealed class Snapshot(Dictionary<string, State> states)
    {
        private readonly STRtree<State> _tree = Build(states.Values);
        //-- Per jurisdiction, computed once per snapshot (a snapshot never changes).
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ulong All, Envelope? Bounds)> _summaries = new(StringComparer.Ordinal);
        public Dictionary<string, State> States { get; } = states;
        public IList<State> Query(Envelope e) => _tree.Query(e);

        public (ulong All, Envelope? Bounds) Summary(string jurisdiction) => _summaries.GetOrAdd(jurisdiction, j =>
        {
            var within = States.Values.Where(s => Within(s, j)).OrderBy(s => s.Code, StringComparer.Ordinal).ToList();
            Envelope? bounds = null;
            foreach (var s in within)
                if (bounds is null) bounds = new Envelope(s.Extent); else bounds.ExpandToInclude(s.Extent);
            return (within.Aggregate(Fnv.Offset, (h, s) => Mix(h, s, true, true)), bounds);
        });

        private static STRtree<State> Build(IEnumerable<State> states)
        {
            var tree = new STRtree<State>();
            foreach (var s in states) tree.Insert(s.Extent, s);
            tree.Build();
            return tree;
        }
    }

    private volatile Snapshot _snapshot = new([]);
    private readonly Lock _gate = new();

    /// <summary>Raised after a township's state changed, with its extent (lon/lat), so caches can drop its tiles.</summary>
    public event Action<Envelope>? Changed;

    //-- Joined per township rather than correlated subqueries: on Citus the township boundaries are a
    //-- reference table, and a correlated subquery from it into a distributed table is refused.
    private const string Select = """
        SELECT t.code, ST_XMin(t.geom), ST_YMin(t.geom), ST_XMax(t.geom), ST_YMax(t.geom), s.current_version, coalesce(s.data_version, 0),
               (extract(epoch FROM greatest(t.updated_at, v.at, b.at, r.at, d.at)) * 1e6)::bigint
        FROM township t LEFT JOIN township_state s ON s.township_code = t.code
        LEFT JOIN (SELECT township_code, max(updated_at) AS at FROM village GROUP BY 1) v ON v.township_code = t.code
        LEFT JOIN (SELECT township_code, max(updated_at) AS at FROM barrier GROUP BY 1) b ON b.township_code = t.code
        LEFT JOIN (SELECT township_code, max(updated_at) AS at FROM street GROUP BY 1) r ON r.township_code = t.code
        LEFT JOIN (SELECT township_code, max(updated_at) AS at FROM dept_layer GROUP BY 1) d ON d.township_code = t.code
        """;

    public async Task LoadAllAsync(CancellationToken ct)
    {
        var states = new Dictionary<string, State>();
        await foreach (var s in Read(Select, null, ct)) states[s.Code] = s;
        lock (_gate) _snapshot = new Snapshot(states);
        Changed?.Invoke(new Envelope(-180, 180, -90, 90));
    }

    public Task PublishedAsync(string townshipCode, CancellationToken ct) => RefreshAsync(townshipCode, ct);

    public Task DataChangedAsync(string townshipCode, CancellationToken ct) => RefreshAsync(townshipCode, ct);

    public async Task RefreshAsync(string townshipCode, CancellationToken ct)
    {
        State? fresh = null;
        await foreach (var s in Read(SelectOne, townshipCode, ct)) fresh = s;
        Envelope? touched;
        lock (_gate)
        {
            //-- Told twice of one change (the publisher in-process, then its NOTIFY): the second finds
            //-- nothing new and neither rebuilds the snapshot nor drops the township's cached tiles.
            if (_snapshot.States.TryGetValue(townshipCode, out var same) && same == fresh) return;
            var states = new Dictionary<string, State>(_snapshot.States);
            touched = states.TryGetValue(townshipCode, out var old) ? new Envelope(old.Extent) : null;
            if (fresh is null) states.Remove(townshipCode);
            else
            {
                states[townshipCode] = fresh;
                if (touched is null) touched = new Envelope(fresh.Extent); else touched.ExpandToInclude(fresh.Extent);
            }
            _snapshot = new Snapshot(states);
        }
        if (touched is not null) Changed?.Invoke(touched);
    }

    /// <summary>The stamp of one tile of a layer as a jurisdiction sees it: changes whenever
    /// anything the tile shows it can, and with nothing outside it.</summary>
    public ulong For(TileLayer layer, Envelope lonLat, string jurisdiction)
    {
        var hits = _snapshot.Query(lonLat).Where(s => Within(s, jurisdiction)).OrderBy(s => s.Code, StringComparer.Ordinal);
        var h = Fnv.Offset;
        foreach (var s in hits) h = Mix(h, s, layer.DependsOnVersion, layer.DependsOnData);
        return h;
    }

    /// <summary>The townships whose extent meets <paramref name="lonLat"/> as a jurisdiction sees them, in
    /// code order: those a tile of a layer drawn through townships reads (from the snapshot its stamp
    /// comes from, so a tile never shows a township its stamp does not follow).</summary>
    public string[] Under(Envelope lonLat, string jurisdiction) =>
        [.. _snapshot.Query(lonLat).Where(s => Within(s, jurisdiction)).Select(s => s.Code).Order(StringComparer.Ordinal)];

    /// <summary>The extent of the jurisdiction's townships, or null when it has none.</summary>
    public Envelope? Bounds(string jurisdiction) => _snapshot.Summary(jurisdiction).Bounds is { } e ? new Envelope(e) : null;

    /// <summary>The stamp of everything in the jurisdiction (for versioned tile URLs in TileJSON).</summary>
    public ulong All(string jurisdiction) => _snapshot.Summary(jurisdiction).All;

    //-- The tiles' own rule (TileLayer: township code LIKE jurisdiction || '%').
    private static bool Within(State s, string jurisdiction) => s.Code.StartsWith(jurisdiction, StringComparison.Ordinal);

    private static ulong Mix(ulong h, State s, bool version, bool data)
    {
        h = Fnv.Add(h, s.Code);
        h = Fnv.Add(h, s.BoundaryTicks);
        if (version) h = Fnv.Add(h, s.Version ?? -1);
        if (data) h = Fnv.Add(h, s.DataVersion);
        return h;
    }

    /// <summary>The statement reading the states: of every township, or of <paramref name="code"/>'s.</summary>
    internal static NpgsqlCommand Command(NpgsqlDataSource db, string sql, string? code)
    {
        var cmd = db.CreateCommand(sql);
        //-- As char(9): a text parameter compares t.code::text, and the grouped layers' times are then
        //-- read for every township (1.3 s per publish with a province of 1,200 townships), not pushed down to one.
        if (code is not null) cmd.Parameters.AddTownship(code);
        return cmd;
    }

    /// <summary>One township's state, as a refresh reads it.</summary>
    internal const string SelectOne = Select + " WHERE t.code = $1";

    private async IAsyncEnumerable<State> Read(string sql, string? code, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = Command(db, sql, code);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            yield return new State(r.GetString(0), new Envelope(r.GetDouble(1), r.GetDouble(3), r.GetDouble(2), r.GetDouble(4)),
                r.IsDBNull(5) ? null : r.GetInt32(5), r.GetInt64(6), r.IsDBNull(7) ? 0 : r.GetInt64(7));
    }

    /// <summary>64-bit FNV-1a: stable across processes (unlike string.GetHashCode).</summary>
    private static class Fnv
    {
        public const ulong Offset = 14695981039346656037UL;
        private const ulong Prime = 1099511628211UL;

        public static ulong Add(ulong h, string s)
        {
            foreach (var c in s) h = (h ^ c) * Prime;
            return h * Prime;
        }

        public static ulong Add(ulong h, long v)
        {
            for (int i = 0; i < 8; i++, v >>= 8) h = (h ^ (byte)v) * Prime;
            return h;
        }
    }
}
