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
        cmd.Parameters.AddWithValue(code);
        if (await cmd.ExecuteScalarAsync(ct) is null) throw ApiException.NotFound($"There is no township '{code}'.");
    }

    /// <summary>Bumps the data version and marks the township dirty for recompute; tells every
    /// process (on commit) that the township's data changed, so household tiles are re-cut.</summary>
    public static async Task MarkDirtyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string townshipCode, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            WITH s AS (
                UPDATE township_state SET data_version = data_version + 1, dirty_since = coalesce(dirty_since, now()),
                    last_change_at = now(), updated_at = now()
                WHERE township_code = $1
                RETURNING township_code, data_version)
            SELECT pg_notify('{TownshipListener.DataChannel}', township_code || ':' || data_version) FROM s
            """, conn, tx);
        cmd.Parameters.AddWithValue(townshipCode);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The township's boundary, locked (<c>FOR SHARE</c>) until the transaction ends, so an
    /// import checks its features against the boundary it commits with; 404 when there is no such township.</summary>
    public static async Task<NetTopologySuite.Geometries.Geometry> LockBoundaryAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string townshipCode, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT geom FROM township WHERE code = $1 FOR SHARE", conn, tx);
        cmd.Parameters.AddWithValue(townshipCode);
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
