using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>A township's state as every feature needs it: whether it exists, and its data
/// changes — bumping the data version and marking it dirty for recompute, and telling every
/// process (on commit) that its data changed — written in the caller's transaction.</summary>
public sealed class TownshipState(NpgsqlDataSource db)
{
    /// <summary>404 (problem details) when there is no such township.</summary>
    public async Task RequireAsync(string code, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT 1 FROM township WHERE code = $1");
        cmd.Parameters.AddTownship(code);
        if (await cmd.ExecuteScalarAsync(ct) is null) throw ApiException.NotFound($"There is no township '{code}'.");
    }

    /// <summary>$1 = township (char(9)); returns the new data version. <c>least</c> keeps the first
    /// mark (it skips a NULL); Citus refuses <c>now()</c> inside <c>coalesce</c> of an UPDATE.</summary>
    internal const string MarkDirtySql = """
        UPDATE township_state SET data_version = data_version + 1, dirty_since = least(dirty_since, now()),
            last_change_at = now(), updated_at = now()
        WHERE township_code = $1
        RETURNING data_version
        """;

    /// <summary>Bumps the data version and marks the township dirty for recompute; records in the
    /// change log (<c>household_change</c>) which household the new data version changed
    /// (<paramref name="household"/>, or null: any number may have, or none); tells every process
    /// (on commit) that the township's data changed, so household tiles are re-cut.</summary>
    /// <remarks>The notification is a statement of its own: on Citus a statement on one township
    /// runs on its shard's worker, and a NOTIFY there is heard by no API (and a worker cannot
    /// prepare a transaction that sent one).</remarks>
    public static async Task MarkDirtyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string townshipCode, CancellationToken ct, string? household = null)
    {
        long dataVersion;
        await using (var cmd = new NpgsqlCommand(MarkDirtySql, conn, tx))
        {
            cmd.Parameters.AddTownship(townshipCode);
            if (await cmd.ExecuteScalarAsync(ct) is not long v) return;
            dataVersion = v;
        }
        await using var batch = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                //-- A process holding households older than the log reads them all again.
                Command("DELETE FROM household_change WHERE township_code = $1 AND data_version <= $2 - $3", townshipCode, dataVersion, ChangeLogLength),
                //-- An upsert: on Citus (no foreign key) a township deleted and imported again finds its earlier life's rows.
                Command("""
                    INSERT INTO household_change (township_code, data_version, household_id) VALUES ($1, $2, $3)
                    ON CONFLICT (township_code, data_version) DO UPDATE SET household_id = EXCLUDED.household_id
                    """, townshipCode, dataVersion,
                    new NpgsqlParameter<string?> { TypedValue = household, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }),
                Command($"SELECT pg_notify('{TownshipListener.DataChannel}', $1 || ':' || $2::text)", townshipCode, dataVersion),
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Data versions the change log keeps per township.</summary>
    public const long ChangeLogLength = 256;

    /// <summary>Bumps the township's layers version (its buildings, barriers, streets or villages
    /// changed) and tells every process (on commit) that its stored layers changed.</summary>
    public static async Task MarkLayersChangedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string townshipCode, CancellationToken ct)
    {
        await using (var cmd = new NpgsqlCommand("UPDATE township_state SET layers_version = layers_version + 1, updated_at = now() WHERE township_code = $1", conn, tx))
        {
            cmd.Parameters.AddTownship(townshipCode);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await NotifyChangedAsync(conn, tx, townshipCode, ct);
    }

    private static NpgsqlBatchCommand Command(string sql, string townshipCode, params object[] values)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        cmd.Parameters.AddTownship(townshipCode);
        foreach (var v in values) cmd.Parameters.Add(v as NpgsqlParameter ?? new NpgsqlParameter { Value = v });
        return cmd;
    }

    /// <summary>The township's boundary, locked (<c>FOR SHARE</c>) until the transaction ends, so an
    /// import checks its features against the boundary it commits with; 404 when there is no such township.</summary>
    public static async Task<NetTopologySuite.Geometries.Geometry> LockBoundaryAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string townshipCode, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT geom FROM township WHERE code = $1 FOR SHARE", conn, tx);
        cmd.Parameters.AddTownship(townshipCode);
        return await cmd.ExecuteScalarAsync(ct) as NetTopologySuite.Geometries.Geometry
            ?? throw ApiException.NotFound($"Township '{townshipCode}' does not exist; import it first with POST /api/townships.");
    }

    /// <summary>Tells every process (on commit) that a township's stored layers changed.</summary>
    public static async Task NotifyChangedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string townshipCode, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT pg_notify('{TownshipListener.DataChannel}', $1)", conn, tx);
        cmd.Parameters.AddWithValue(townshipCode);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
