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

    /// <summary>Bumps the data version and marks the township dirty for recompute; tells every
    /// process (on commit) that the township's data changed, so household tiles are re-cut.</summary>
    /// <remarks>The notification is a statement of its own: on Citus a statement on one township
    /// runs on its shard's worker, and a NOTIFY there is heard by no API (and a worker cannot
    /// prepare a transaction that sent one).</remarks>
    public static async Task MarkDirtyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string townshipCode, CancellationToken ct)
    {
        long dataVersion;
        await using (var cmd = new NpgsqlCommand(MarkDirtySql, conn, tx))
        {
            cmd.Parameters.AddTownship(townshipCode);
            if (await cmd.ExecuteScalarAsync(ct) is not long v) return;
            dataVersion = v;
        }
        await using var notify = new NpgsqlCommand($"SELECT pg_notify('{TownshipListener.DataChannel}', $1 || ':' || $2::text)", conn, tx);
        notify.Parameters.AddWithValue(townshipCode);
        notify.Parameters.AddWithValue(dataVersion);
        await notify.ExecuteNonQueryAsync(ct);
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
