using GridSpatial.GeoApi.Infrastructure;
using System.Text.Json;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Editing;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>Reads a township's partition inputs (and its current partition, the base for stable
/// codes) and publishes a new partition version atomically: one transaction writes the version,
/// its grids, micro-grids, assignments and code history and switches the township's current
/// version, only if the data version it was computed from is still current.</summary>
/// <remarks>Version numbers are the store's: what it loads carries the <c>NextVersion</c> the
/// result is to be written as (<see cref="NextAfter"/>), the partitioner and the editor write
/// that number, and publishing refuses as stale a partition whose number is no longer next.</remarks>
public sealed class PartitionStore(NpgsqlDataSource db, IEnumerable<Infrastructure.ITownshipObserver> observers, PublishedPartitions kept, KeptInputs inputs)
{
    public PartitionStore(NpgsqlDataSource db) : this(db, [], new PublishedPartitions(), new KeptInputs()) { }

    /// <summary>A township's inputs, with the units staff pinned in the current version (grids and micro-grids, lon/lat).</summary>
    public sealed record Loaded(PartitionInput Input, long DataVersion, int? CurrentVersion, long? CurrentDataVersion,
        IReadOnlyList<(string Code, Geometry Territory)> Pinned, Partition? Published)
    {
        /// <summary>The version a partition computed from these inputs is published as.</summary>
        public int NextVersion => NextAfter(CurrentVersion);
    }

    /// <summary>The version published after <paramref name="current"/> (1 for a township never partitioned).</summary>
    public static int NextAfter(int? current) => (current ?? 0) + 1;

    public enum Outcome { Published, Unchanged, Stale }

    public async Task<Loaded> LoadAsync(string townshipCode, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        //-- One snapshot for everything read: the data version matches the rows.
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var state = await ReadState(conn, tx, townshipCode, ct);
        var (township, dataVersion, current, currentData) = (state.Township, state.DataVersion, state.CurrentVersion, state.PartitionDataVersion);
        var villages = await ReadList(conn, tx, "SELECT code, name, geom FROM village WHERE township_code = $1 ORDER BY code", townshipCode, null,
            r => new VillageInput(r.GetString(0), r.GetString(1), r.GetFieldValue<Geometry>(2)), ct);
        var stamp = new KeptInputs.Stamp(state.Incarnation, state.LayersVersion, dataVersion);
        var households = await inputs.HouseholdsAsync(conn, tx, townshipCode, stamp, ct);
        var layers = await inputs.LayersAsync(conn, tx, townshipCode, stamp, ct);
        var nest = await ReadNestAsync(conn, tx, townshipCode, ct);

        //-- The published partition: the base for stable codes and for recomputing only what changed;
        //-- kept from this process's own last publish or read when that is still the current version.
        Partition? published = null;
        if (current is { } currentVersion && (published = kept.Get(townshipCode, currentVersion, state.Created!.Value, state.Fingerprint)) is null)
            kept.Put(published = await ReadPublished(conn, tx, state, ct), state.Created!.Value);
        var pinned = published is null ? [] : published.Grids.Where(g => g.Pinned).Select(g => (g.Code, g.Territory))
            .Concat(published.MicroGrids.Where(m => m.Pinned).Select(m => (m.Code, m.Territory))).ToList();
        await tx.CommitAsync(ct);
        var previous = published is null ? null : PreviousPartition.Of(published);
        return new Loaded(new PartitionInput(township, households, layers.Buildings, layers.Barriers, villages, previous) { Streets = layers.Streets, Nest = nest },
            dataVersion, current, currentData, pinned, published);
    }

    /// <summary>The township's published partition, whole (territories in lon/lat), with the
    /// township, its current households and its data version: what an edit starts from.</summary>
    public sealed record Current(Partition Partition, TownshipInput Township, IReadOnlyList<HouseholdInput> Households, long DataVersion, long PartitionDataVersion)
    {
        /// <summary>The departmental layer the township nests in (its current version), or null: edits are held to it.</summary>
        public NestInput? Nest { get; init; }

        /// <summary>What an edit of this partition is applied with: the version it is published as.</summary>
        public EditContext EditContext => new(Township, Households, NextAfter(Partition.Version));
    }

    public async Task<Current> LoadCurrentAsync(string townshipCode, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var state = await ReadState(conn, tx, townshipCode, ct);
        if (state.CurrentVersion is not { } version)
            throw new Infrastructure.ApiException(409, "Not partitioned", $"Township {townshipCode} has no published partition to edit yet.", new() { ["field"] = "code" });
        var (township, dataVersion, partitionData) = (state.Township, state.DataVersion, state.PartitionDataVersion!.Value);
        var partition = await ReadPublished(conn, tx, state, ct);
        var households = await KeptInputs.ReadHouseholds(conn, tx, townshipCode, null, ct);
        var nest = await ReadNestAsync(conn, tx, townshipCode, ct);
        await tx.CommitAsync(ct);
        return new Current(partition, township, households, dataVersion, partitionData) { Nest = nest };
    }

    /// <summary>The departmental layer the township nests in (<c>township_nesting</c>), at its current version; null when none.</summary>
    private static async Task<NestInput?> ReadNestAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string townshipCode, CancellationToken ct)
    {
        var rows = await ReadList(conn, tx, """
            SELECT n.layer, n.level, u.version, u.code, u.geom FROM township_nesting n
            JOIN current_dept_unit u ON u.township_code = n.township_code AND u.layer = n.layer
            WHERE n.township_code = $1 ORDER BY u.code
            """, townshipCode, null,
            r => (Layer: r.GetString(0), Level: r.GetString(1), Version: r.GetInt32(2), Unit: new NestUnit(r.GetString(3), r.GetFieldValue<Geometry>(4))), ct);
        return rows.Count == 0 ? null
            : new NestInput(rows[0].Layer, rows[0].Version, NestInput.ParseLevel(rows[0].Level)!.Value, rows.Select(n => n.Unit).ToList());
    }

    /// <summary>The township's published partition, whole: grids, micro-grids (floor runs sharing one
    /// territory object, as the partitioner made them), assignments, code history and report.</summary>
    private static async Task<Partition> ReadPublished(NpgsqlConnection conn, NpgsqlTransaction tx, State state, CancellationToken ct)
    {
        var townshipCode = state.Township.Code;
        var version = state.CurrentVersion!.Value;
        var report = JsonSerializer.Deserialize<QualityReport>(state.Report!, PartitionJson.Options)!;
        var villages = await ReadList(conn, tx, "SELECT code, name, geom FROM village WHERE township_code = $1 ORDER BY code", townshipCode, null,
            r => new VillageUnit(r.GetString(0), r.GetString(1), r.GetFieldValue<Geometry>(2)), ct);
        var (grids, micro, assignments) = await ReadUnits(conn, tx, townshipCode, null, ct);
        var codes = await ReadList(conn, tx, "SELECT code, level, parent, valid_from, valid_to, predecessors, successors FROM code_registry WHERE township_code = $1 ORDER BY code", townshipCode, null,
            r => new CodeRecord(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetInt32(4),
                r.GetFieldValue<string[]>(5), r.GetFieldValue<string[]>(6)), ct);
        return new Partition(townshipCode, state.Township.Name, version, villages, grids, micro, assignments, codes, report) { InputsDigest = state.InputsDigest };
    }

    /// <summary>The grids, micro-grids (floor runs sharing one territory object, as the partitioner made
    /// them) and assignments of <paramref name="version"/>, or of the current version when null.</summary>
    private static async Task<(List<Grid>, List<MicroGrid>, List<Assignment>)> ReadUnits(NpgsqlConnection conn, NpgsqlTransaction tx, string townshipCode,
        int? version, CancellationToken ct)
    {
        string From(string table) => version is null ? $"current_{table} WHERE township_code = $1" : $"{PublishedLayer.RowsAt(table, "$1", "$2")} x";
        var grids = await ReadList(conn, tx, $"SELECT code, village_code, household_count, geom, pinned FROM {From("grid")} ORDER BY code", townshipCode, version,
            r => new Grid(r.GetString(0), r.GetString(1), r.GetInt32(2), Single(r.GetFieldValue<Geometry>(3)), r.GetBoolean(4)), ct);
        var territories = new Dictionary<string, Geometry>(StringComparer.Ordinal);
        var micro = await ReadList(conn, tx, $"""
            SELECT code, grid_code, village_code, kind, household_count, building_id, floor_from, floor_to, geom, pinned, unit, md5(ST_AsEWKB(geom))
            FROM {From("micro_grid")} ORDER BY code
            """, townshipCode, version,
            r =>
            {
                //-- Floor runs share one territory object, as the partitioner made them (same bytes, same object).
                var key = r.GetString(11);
                if (!territories.TryGetValue(key, out var shared)) territories[key] = shared = Single(r.GetFieldValue<Geometry>(8));
                return new MicroGrid(r.GetString(0), r.GetString(1), r.GetString(2), Enum.Parse<MicroGridKind>(r.GetString(3), ignoreCase: true), r.GetInt32(4),
                    r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetInt32(6), r.IsDBNull(7) ? null : r.GetInt32(7), shared, r.GetBoolean(9))
                { Unit = r.IsDBNull(10) ? null : r.GetString(10) };
            }, ct);
        var assignments = await ReadList(conn, tx, $"SELECT household_id, micro_grid_code, grid_code FROM {From("assignment")} ORDER BY household_id", townshipCode, version,
            r => new Assignment(r.GetString(0), r.GetString(1), r.GetString(2)), ct);
        return (grids, micro, assignments);
    }

    /// <summary>A past version's units and assignments, to restore it (<see cref="VersionRestorer"/>).</summary>
    /// <exception cref="Infrastructure.ApiException">404: no such version; 410: retention dropped its territories.</exception>
    public async Task<VersionRestorer.PastVersion> LoadVersionAsync(string townshipCode, int version, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var compacted = await ReadList(conn, tx, $"""
            SELECT EXISTS (SELECT 1 FROM {PublishedLayer.Grids.AtVersion("$1", "$2")} g WHERE geom IS NULL)
                OR EXISTS (SELECT 1 FROM {PublishedLayer.MicroGrids.AtVersion("$1", "$2")} m WHERE geom IS NULL)
            FROM partition_version WHERE township_code = $1 AND version = $2
            """, townshipCode, version, r => r.GetBoolean(0), ct);
        if (compacted.Count == 0)
            throw new Infrastructure.ApiException(404, "Version not found", $"Township {townshipCode} has no version {version}.", new() { ["field"] = "version" });
        if (compacted[0])
            throw new Infrastructure.ApiException(410, "Version compacted", $"Retention dropped the territories of version {version} of township {townshipCode}; it cannot be restored.",
                new() { ["field"] = "version" });
        var (grids, micro, assignments) = await ReadUnits(conn, tx, townshipCode, version, ct);
        await tx.CommitAsync(ct);
        return new VersionRestorer.PastVersion(version, grids, micro, assignments);
    }

    private sealed record State(TownshipInput Township, long DataVersion, int? CurrentVersion, long? PartitionDataVersion, string? Report, string? InputsDigest,
        byte[]? Fingerprint, DateTime? Created, Guid Incarnation, long LayersVersion);

    /// <summary>The township, its data version, and its current version with the data version and report it was made from.</summary>
    private static async Task<State> ReadState(NpgsqlConnection conn, NpgsqlTransaction tx, string townshipCode, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT t.name, t.geom, s.data_version, s.current_version, v.data_version, v.report::text, v.inputs_digest, v.fingerprint, v.created_at,
                s.incarnation, s.layers_version
            FROM township t JOIN township_state s ON s.township_code = t.code
            LEFT JOIN partition_version v ON v.township_code = t.code AND v.version = s.current_version
            WHERE t.code = $1
            """, conn, tx);
        cmd.Parameters.AddTownship(townshipCode);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw Infrastructure.ApiException.NotFound($"There is no township '{townshipCode}'.");
        return new State(new TownshipInput(townshipCode, r.GetString(0), r.GetFieldValue<Geometry>(1)), r.GetInt64(2),
            r.IsDBNull(3) ? null : r.GetInt32(3), r.IsDBNull(4) ? null : r.GetInt64(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
            r.IsDBNull(7) ? null : r.GetFieldValue<byte[]>(7), r.IsDBNull(8) ? null : r.GetDateTime(8), r.GetGuid(9), r.GetInt64(10));
    }

    /// <summary>A stored MultiPolygon of one part back as the Polygon the partitioner made, in the stored SRID
    /// (the reader leaves a part's unset).</summary>
    private static Geometry Single(Geometry g)
    {
        if (g is not MultiPolygon { NumGeometries: 1 } m) return g;
        var part = m.GetGeometryN(0);
        part.SRID = m.SRID;
        return part;
    }

    /// <summary>The first statement of a publish: the township's state, locked ($1 = township, char(9)).</summary>
    internal const string PublishLockSql = """
        SELECT s.data_version, s.current_version, v.fingerprint FROM township_state s
        LEFT JOIN partition_version v ON v.township_code = s.township_code AND v.version = s.current_version
        WHERE s.township_code = $1 FOR UPDATE OF s
        """;

    /// <summary>Publishes a partition computed from <paramref name="dataVersion"/>; with
    /// <paramref name="recordedDataVersion"/> (an edit of a partition older than the data), the
    /// version records that older data version, so the township stays due for a recompute.
    /// With <paramref name="onlyIfDifferent"/> (a forced recompute of unchanged data), a partition
    /// whose <see cref="PartitionFingerprint"/> equals the current version's publishes nothing.
    /// <paramref name="open"/>: the published partition the caller started from; while it is still
    /// the current version, only the rows that differ from it are staged and compared.
    /// <paramref name="restoredFrom"/>: the past version a restore brings back, recorded in the audit.
    /// <paramref name="outsideNesting"/>: a JSON object recorded in the audit as <c>outside_nesting</c>
    /// (an edit that crosses the nesting layer's borders on purpose).
    /// <paramref name="ofOlderData"/>: the partition was made from <paramref name="dataVersion"/> alone (a
    /// recompute), so it is published even when the households changed since, recording that data version:
    /// the township stays due for the next recompute. Without it (an edit made on today's households), a
    /// change of data since is <see cref="Outcome.Stale"/>. Another version published since is stale either way.</summary>
    public async Task<(Outcome Outcome, int? Version)> PublishAsync(Partition partition, long dataVersion, string author, string reason, CancellationToken ct,
        long? recordedDataVersion = null, string? jobId = null, bool onlyIfDifferent = false, Partition? open = null, int? restoredFrom = null,
        string? outsideNesting = null, bool ofOlderData = false)
    {
        //-- A unit's polygon drawn again with its rings started elsewhere is the open territory, not a new row.
        if (open is not null) partition = VersionDelta.KeepOpenTerritories(open, partition);
        var fingerprint = PartitionFingerprint.Of(partition);
        var code = partition.TownshipCode;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        int? current;
        long holds;
        await using (var cmd = new NpgsqlCommand(PublishLockSql, conn, tx))
        {
            cmd.Parameters.AddTownship(code);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) throw Infrastructure.ApiException.NotFound($"There is no township '{code}'.");
            holds = r.GetInt64(0);
            //-- Under edits once a second, a recompute slower than that would never publish if any change
            //-- since its load made it stale: its consistent result of older data is shown meanwhile.
            if (holds != dataVersion && !(ofOlderData && holds > dataVersion)) return (Outcome.Stale, null);
            current = r.IsDBNull(1) ? null : r.GetInt32(1);
            if (onlyIfDifferent && current is not null && !r.IsDBNull(2) && r.GetFieldValue<byte[]>(2).AsSpan().SequenceEqual(fingerprint))
                return (Outcome.Unchanged, current);
        }
        //-- Another version was published since the load that decided this one's number.
        if (partition.Version != NextAfter(current)) return (Outcome.Stale, null);
        int version = partition.Version;
        long recorded = recordedDataVersion ?? dataVersion;
        DateTime created;

        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO partition_version (township_code, version, data_version, author, reason, report, fingerprint, inputs_digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING created_at", conn, tx))
        {
            cmd.Parameters.AddWithValue(code);
            cmd.Parameters.AddWithValue(version);
            cmd.Parameters.AddWithValue(recorded);
            cmd.Parameters.AddWithValue(author);
            cmd.Parameters.AddWithValue(reason);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(partition.Report, PartitionJson.Options));
            cmd.Parameters.AddWithValue(fingerprint);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)partition.InputsDigest ?? DBNull.Value);
            created = (DateTime)(await cmd.ExecuteScalarAsync(ct))!;
        }

        //-- The partition the caller started from, when it is still the open one: only what differs is staged.
        var delta = open is not null && open.Version == current ? VersionDelta.Between(open, partition) : VersionDelta.All(partition);
        await VersionRows.WriteAsync(conn, tx, code, version, delta, ct);
        await VersionRows.WriteCodesAsync(conn, tx, code, delta, ct);
        await WebhookOutbox.PartitionPublishedAsync(conn, tx, code, version, current, ct);
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            //-- Still dirty when the version records older data than the township holds.
            var switchVersion = new NpgsqlBatchCommand("""
                UPDATE township_state SET current_version = $2, dirty_since = CASE WHEN $3 THEN dirty_since END, updated_at = now() WHERE township_code = $1
                """);
            switchVersion.Parameters.AddTownship(code);
            switchVersion.Parameters.AddWithValue(version);
            switchVersion.Parameters.AddWithValue(recorded != holds);
            var audit = new NpgsqlBatchCommand("""
                INSERT INTO audit_log (township_code, actor, action, entity, entity_id, before_version, after_version, detail)
                VALUES ($1, $2, 'publish', 'partition', $1, $3, $4, jsonb_strip_nulls(jsonb_build_object('reason', $5::text, 'data_version', $6::bigint, 'job', $7::text, 'restored_from', $8::int, 'outside_nesting', $9::jsonb)))
                """);
            audit.Parameters.AddWithValue(code);
            audit.Parameters.AddWithValue(author);
            audit.Parameters.AddWithValue(current is null ? DBNull.Value : current.Value);
            audit.Parameters.AddWithValue(version);
            audit.Parameters.AddWithValue(reason);
            audit.Parameters.AddWithValue(dataVersion);
            audit.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)jobId ?? DBNull.Value);
            audit.Parameters.AddWithValue(NpgsqlDbType.Integer, (object?)restoredFrom ?? DBNull.Value);
            audit.Parameters.AddWithValue(NpgsqlDbType.Jsonb, (object?)outsideNesting ?? DBNull.Value);
            var notify = new NpgsqlBatchCommand("SELECT pg_notify('gridspatial_publish', $1 || ':' || $2::text)");
            notify.Parameters.AddWithValue(code);
            notify.Parameters.AddWithValue(version);
            batch.BatchCommands.Add(switchVersion);
            batch.BatchCommands.Add(audit);
            batch.BatchCommands.Add(notify);
            await batch.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        try { kept.PutPublished(partition, created); }
        catch (Exception) { kept.Forget(code); } // published all the same: the next load reads it
        //-- This process follows at once, observers in their order (ApiHost: the people snapshot before the lookup
        //-- index that answers with it); the others on the NOTIFY sent in the transaction. A database error is no
        //-- failure of the publish: it committed all the same, and the notification reloads the township.
        await observers.TellAsync(o => o.PublishedAsync(code, ct), tolerated: e => e is NpgsqlException);
        return (Outcome.Published, version);
    }

    /// <summary>Clears the dirty mark of a township whose current version was made from
    /// <paramref name="dataVersion"/> and whose data has not changed since: nothing is due.</summary>
    public async Task MarkCleanAsync(string townshipCode, long dataVersion, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE township_state s SET dirty_since = NULL, updated_at = now()
            FROM partition_version v
            WHERE s.township_code = $1 AND s.dirty_since IS NOT NULL AND s.data_version = $2
              AND v.township_code = s.township_code AND v.version = s.current_version AND v.data_version = $2
            """);
        cmd.Parameters.AddTownship(townshipCode);
        cmd.Parameters.AddWithValue(dataVersion);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The rows of <paramref name="sql"/> (parameters: the township and <paramref name="second"/> when given) read in <paramref name="tx"/>.</summary>
    internal static async Task<List<T>> ReadList<T>(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, string townshipCode, object? second,
        Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddTownship(townshipCode);
        if (second is not null) cmd.Parameters.AddWithValue(second);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await r.ReadAsync(ct)) list.Add(map(r));
        return list;
    }
}
