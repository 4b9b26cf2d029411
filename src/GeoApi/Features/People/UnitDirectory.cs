using System.Collections.Concurrent;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>Each township's <see cref="TownshipUnits"/>, read once and kept in memory so lookups
/// answer names and people without a database round trip: refreshed when the township publishes a
/// version or its data changes (people and attribute writes notify <c>gridspatial_data</c>), in this
/// process at once and in the others through the <see cref="Infrastructure.TownshipListener"/>.</summary>
public sealed class UnitDirectory(NpgsqlDataSource db, ILogger<UnitDirectory> logger) : Infrastructure.ITownshipObserver
{
    /// <summary>One township's snapshot: the one answering now, and the load that will replace it.</summary>
    private sealed class Entry
    {
        public TownshipUnits? Current;
        public bool Stale;
        public Task<TownshipUnits>? Loading;
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    //-- The `responsible` JSON of batch answers: bounded, not kept per snapshot (a province's million units would pile up).
    private readonly BoundedCache<(long Generation, string? Grid, string? MicroGrid, bool Personal), byte[]> _json = new(100_000);

    /// <summary>The answer's <c>responsible</c> JSON for a grid and micro-grid of <paramref name="units"/>, serialized once while cached.</summary>
    public byte[] ResponsibleJson(TownshipUnits units, string? grid, string? microGrid, bool personal) =>
        _json.GetOrAdd((units.Generation, grid, microGrid, personal), static (k, units) => units.ResponsibleJson(k.Grid, k.MicroGrid, k.Personal), units);

    /// <summary>A background load gives up after this (its statements are cancelled, the entry stays
    /// stale): one stalled by a database fault must not hold every later answer of the township.</summary>
    private static readonly TimeSpan LoadDeadline = TimeSpan.FromSeconds(30);

    /// <summary>How long an answer waits for a load before it is answered 503 (a <see cref="TimeoutException"/>, transient).</summary>
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(20);

    /// <summary>The township's snapshot, from memory. A publish or data change elsewhere only marks it
    /// stale: it keeps answering while a fresh one loads in the background, so lookups never wait on
    /// the database after a township's first answer (nor fail while a restart breaks that load). It waits
    /// for a load only when there is none yet, when this process wrote people or attributes
    /// (<see cref="Invalidate"/>), or when the snapshot is older than <paramref name="version"/>, the
    /// partition version being answered (so a new unit's name and inherited people are never missing).</summary>
    public async ValueTask<TownshipUnits> ForAsync(string township, CancellationToken ct, int? version = null)
    {
        var entry = _entries.GetOrAdd(township, _ => new Entry());
        for (int attempt = 0; ; attempt++)
        {
            Task<TownshipUnits> loading;
            lock (entry)
            {
                var current = entry.Current;
                if (current is not null && (version is null || current.Version >= version))
                {
                    if (entry.Stale && entry.Loading is null) _ = Load(entry, township);
                    return current;
                }
                loading = Load(entry, township);
            }
            var loaded = await loading.WaitAsync(AnswerWait, ct);
            //-- A load that began before the publish answers an older version: the one after it is the one to wait for.
            if (version is null || loaded.Version >= version || attempt == 1) return loaded;
        }
    }

    /// <summary>The version of the township's snapshot answering now, without waiting for one (null when none is held).</summary>
    internal int? HeldVersion(string township) => _entries.TryGetValue(township, out var entry) ? entry.Current?.Version : null;

    /// <summary>After this process wrote people or attributes: the next answer waits for a snapshot that holds the write.</summary>
    public void Invalidate(string township)
    {
        if (!_entries.TryGetValue(township, out var entry)) return;
        lock (entry)
        {
            entry.Current = null;
            entry.Loading = null;
        }
    }

    public Task LoadAllAsync(CancellationToken ct)
    {
        //-- Notifications may have been missed: every snapshot is refreshed when next used.
        foreach (var entry in _entries.Values)
            lock (entry) entry.Stale = true;
        return Task.CompletedTask;
    }

    /// <summary>The snapshot that knows <paramref name="code"/> when any does: a unit born in a version the
    /// snapshot has not caught up with waits for the next.</summary>
    public async ValueTask<TownshipUnits> ForUnitAsync(string code, CancellationToken ct)
    {
        var units = await ForAsync(code[..9], ct);
        return units.Knows(code) ? units : await ForAsync(code[..9], ct, (units.Version ?? 0) + 1);
    }

    /// <summary>A publish: the snapshot is reloaded before this returns (so the publishing process answers
    /// with it, and the listener of every other process follows), off the request path; a load the
    /// database refuses leaves it stale, to be loaded when next used.</summary>
    public async Task PublishedAsync(string townshipCode, CancellationToken ct)
    {
        if (!_entries.TryGetValue(townshipCode, out var entry)) return;
        Task<TownshipUnits>? running;
        lock (entry)
        {
            entry.Stale = true;
            running = entry.Loading ?? Load(entry, townshipCode);
        }
        //-- One wait in all, for both loads: the publisher (a recompute holding its township's lock) is held no longer than an answer would be.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await running.WaitAsync(AnswerWait, ct);
            //-- A load that began before the publish is followed by one that reads it.
            lock (entry) running = entry.Loading;
            if (running is not null) await running.WaitAsync(TimeSpan.FromTicks(Math.Max(0, (AnswerWait - waited.Elapsed).Ticks)), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            //-- Logged by the load; the entry stays stale.
        }
    }

    /// <summary>Nothing: the snapshot holds no households (their counts are the published version's) and no nesting.</summary>
    public Task HouseholdsChangedAsync(string townshipCode, CancellationToken ct) => Task.CompletedTask;

    public Task DataChangedAsync(string townshipCode, CancellationToken ct)
    {
        if (!_entries.TryGetValue(townshipCode, out var entry)) return Task.CompletedTask;
        lock (entry)
        {
            entry.Stale = true;
            //-- A load under way began before this change: the one after it (below) reads it.
            if (entry.Loading is null) _ = Load(entry, townshipCode);
        }
        return Task.CompletedTask;
    }

    /// <summary>The load under way, or a new one; called under the entry's lock. Its snapshot replaces the
    /// entry's when it completes (unless this process wrote meanwhile), and a change that came while it ran
    /// starts the next.</summary>
    private Task<TownshipUnits> Load(Entry entry, string township)
    {
        if (entry.Loading is { } running) return running;
        entry.Stale = false;
        Task<TownshipUnits> task = null!;
        task = Task.Run(async () =>
        {
            using var deadline = new CancellationTokenSource(LoadDeadline);
            try
            {
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                var loaded = await LoadAsync(township, deadline.Token);
                logger.LogDebug("People snapshot of {Township} version {Version} loaded in {Ms:F1} ms", township, loaded.Version,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                lock (entry)
                    if (entry.Loading == task)
                    {
                        entry.Current = loaded;
                        entry.Loading = null;
                        if (entry.Stale) _ = Load(entry, township);
                    }
                return loaded;
            }
            catch (Exception e)
            {
                lock (entry)
                    if (entry.Loading == task)
                    {
                        entry.Loading = null;
                        entry.Stale = true;
                    }
                if (!deadline.IsCancellationRequested)
                {
                    logger.LogWarning("People snapshot of {Township} not loaded: {Message}", township, e.Message);
                    throw;
                }
                //-- Where it stalled is in the stack; those waiting are told the database is slow (503), not cancelled.
                logger.LogWarning(e, "People snapshot of {Township} not loaded within {Seconds} s", township, LoadDeadline.TotalSeconds);
                throw new TimeoutException($"The people snapshot of township {township} did not load within {LoadDeadline.TotalSeconds} s.", e);
            }
        });
        entry.Loading = task;
        return task;
    }

    /// <summary>A fresh snapshot read in one repeatable-read transaction (writes resolve against it).</summary>
    public async Task<TownshipUnits> LoadAsync(string township, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        string townshipName = township;
        int? version = null;
        bool exists = false;
        await using (var cmd = Command(conn, tx, "SELECT t.name, s.current_version FROM township t LEFT JOIN township_state s ON s.township_code = t.code WHERE t.code = $1", township))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) (townshipName, version, exists) = (r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), true);

        var villages = await Pairs(conn, tx, "SELECT code, name FROM village WHERE township_code = $1", township, ct);
        //-- A building's readable label: its name, else its address, when the building layer has one.
        var buildings = await Pairs(conn, tx, """
            SELECT id, coalesce(properties->>'name', properties->>'名称', properties->>'address', properties->>'地址') FROM building
            WHERE township_code = $1 AND coalesce(properties->>'name', properties->>'名称', properties->>'address', properties->>'地址') IS NOT NULL
            """, township, ct);

        //-- A snapshot per township, a province of them in one process: a village's, grid's, kind's or
        //-- unit's string is held once per township, a code once (its row and its history share it).
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Shared(NpgsqlDataReader r, int i)
        {
            if (Text(r, i) is not { } v) return null;
            if (shared.TryGetValue(v, out var same)) return same;
            return shared[v] = v;
        }
        var units = new Dictionary<string, UnitRow>(StringComparer.Ordinal);
        await using (var cmd = Command(conn, tx, """
            SELECT code, true, village_code, NULL, NULL, NULL, NULL::int, NULL::int, NULL, household_count FROM current_grid WHERE township_code = $1
            UNION ALL
            SELECT code, false, village_code, grid_code, kind, building_id, floor_from, floor_to, unit, household_count FROM current_micro_grid WHERE township_code = $1
            """, township))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var code = Shared(r, 0)!;
                units[code] = new UnitRow(code, r.GetBoolean(1) ? "grid" : "micro_grid", Shared(r, 2)!, Shared(r, 3), Shared(r, 4), Text(r, 5),
                    r.IsDBNull(6) ? null : r.GetInt32(6), r.IsDBNull(7) ? null : r.GetInt32(7), Shared(r, 8), r.GetInt32(9));
            }

        var history = new List<UnitLineage.Record>();
        await using (var cmd = Command(conn, tx, "SELECT code, valid_from, valid_to, predecessors, successors FROM code_registry WHERE township_code = $1", township))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                history.Add(new UnitLineage.Record(Shared(r, 0)!, r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2), Codes(r, 3), Codes(r, 4)));

        var attributes = new Dictionary<string, OwnAttributes>(StringComparer.Ordinal);
        await using (var cmd = Command(conn, tx, "SELECT code, name, unit_type, subtype, organisation, remarks, reviewed_version FROM unit_attributes WHERE township_code = $1", township))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                attributes[r.GetString(0)] = new OwnAttributes(Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4), Text(r, 5), r.GetInt32(6));

        var assignments = new List<AssignmentRow>();
        await using (var cmd = Command(conn, tx, """
            SELECT a.id, a.code, p.id, p.role, p.name, p.phone, p.organisation, a.valid_from, a.valid_to
            FROM unit_assignment a JOIN person p ON p.id = a.person_id
            WHERE a.township_code = $1 AND (a.valid_to IS NULL OR a.valid_to >= current_date) ORDER BY a.code, a.valid_from, a.id
            """, township))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                assignments.Add(new AssignmentRow(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), Text(r, 5), Text(r, 6),
                    r.GetFieldValue<DateOnly>(7), r.IsDBNull(8) ? null : r.GetFieldValue<DateOnly>(8)));
        await tx.CommitAsync(ct);
        return new TownshipUnits(township, version, units, new UnitLineage(history), new UnitNames(townshipName, villages, units, buildings), attributes, assignments)
            { Exists = exists };
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, string township)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddTownship(township);
        return cmd;
    }

    private static async Task<Dictionary<string, string>> Pairs(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, string township, CancellationToken ct)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = Command(conn, tx, sql, township);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) pairs[r.GetString(0).Trim()] = r.GetString(1);
        return pairs;
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i).Trim();

    /// <summary>A history's list of codes; most are empty, and share one empty list.</summary>
    private static string[] Codes(NpgsqlDataReader r, int i) => r.GetFieldValue<string[]>(i) is { Length: > 0 } codes ? codes : [];

    /// <summary>A unit's attributes (<see cref="TownshipUnits.Attributes"/>) with its area when current; a retired
    /// code has no land today, so nothing is read for it.</summary>
    public async Task<UnitAttributes> AttributesAsync(TownshipUnits units, string code, CancellationToken ct) =>
        units.Attributes(code, units.Current.ContainsKey(code) ? await AreaAsync(code, ct) : null);

    /// <summary>The area of a current grid or micro-grid in square metres (on the ellipsoid), or null
    /// for a code not current. Read when asked: measuring every unit of a township made its snapshot's
    /// load ten times slower.</summary>
    private async Task<double?> AreaAsync(string code, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(code.Length == 15
            ? "SELECT ST_Area(geom::geography) FROM current_grid WHERE township_code = $1 AND code = $2"
            : "SELECT ST_Area(geom::geography) FROM current_micro_grid WHERE township_code = $1 AND code = $2");
        cmd.Parameters.AddTownship(code[..9]);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Char, code);
        return await cmd.ExecuteScalarAsync(ct) is double area ? area : null;
    }
}
