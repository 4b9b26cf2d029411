using System.Collections.Concurrent;
using Npgsql;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>Each township's <see cref="TownshipUnits"/>, read once and kept in memory so lookups
/// answer names and people without a database round trip: dropped when the township publishes a
/// version or its data changes (people and attribute writes notify <c>gridspatial_data</c>), in this
/// process at once and in the others through the <see cref="Infrastructure.TownshipListener"/>.</summary>
public sealed class UnitDirectory(NpgsqlDataSource db) : Infrastructure.ITownshipObserver
{
    private static readonly TimeSpan LoadWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Lazy<Task<TownshipUnits>>> _cache = new(StringComparer.Ordinal);

    /// <summary>The township's snapshot, from memory when it is there.</summary>
    public async ValueTask<TownshipUnits> ForAsync(string township, CancellationToken ct)
    {
        var entry = _cache.GetOrAdd(township, t => new Lazy<Task<TownshipUnits>>(() => LoadAsync(t, CancellationToken.None)));
        try
        {
            //-- Lookups answer from memory: one never waits long behind a snapshot load that a database
            //-- restart has stalled (a TimeoutException is answered 503 with Retry-After, and the next try loads again).
            return await entry.Value.WaitAsync(LoadWait, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            _cache.TryRemove(new KeyValuePair<string, Lazy<Task<TownshipUnits>>>(township, entry));
            throw;
        }
    }

    public void Invalidate(string township) => _cache.TryRemove(township, out _);

    public Task LoadAllAsync(CancellationToken ct)
    {
        _cache.Clear();
        return Task.CompletedTask;
    }

    public Task PublishedAsync(string townshipCode, CancellationToken ct)
    {
        Invalidate(townshipCode);
        return Task.CompletedTask;
    }

    public Task DataChangedAsync(string townshipCode, CancellationToken ct)
    {
        Invalidate(townshipCode);
        return Task.CompletedTask;
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

        var units = new Dictionary<string, UnitRow>(StringComparer.Ordinal);
        await using (var cmd = Command(conn, tx, """
            SELECT code, 'grid', village_code, NULL, NULL, NULL, NULL::int, NULL::int, NULL, household_count, ST_Area(geom::geography) FROM current_grid WHERE township_code = $1
            UNION ALL
            SELECT code, 'micro_grid', village_code, grid_code, kind, building_id, floor_from, floor_to, unit, household_count, ST_Area(geom::geography) FROM current_micro_grid WHERE township_code = $1
            """, township))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                units[r.GetString(0)] = new UnitRow(r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), Text(r, 4), Text(r, 5),
                    r.IsDBNull(6) ? null : r.GetInt32(6), r.IsDBNull(7) ? null : r.GetInt32(7), Text(r, 8), r.GetInt32(9), r.GetDouble(10));

        var history = new List<UnitLineage.Record>();
        await using (var cmd = Command(conn, tx, "SELECT code, valid_from, valid_to, predecessors, successors FROM code_registry WHERE township_code = $1", township))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                history.Add(new UnitLineage.Record(r.GetString(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetFieldValue<string[]>(3), r.GetFieldValue<string[]>(4)));

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
        cmd.Parameters.AddWithValue(township);
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
}
