using System.Globalization;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace GridSpatial.GeoApi.Features.Retention;

/// <summary>Retention: drops the territories of versions older than an age, keeping everything
/// else readable. Versions are row lifetimes (migration 0011), so a territory belongs to a row
/// valid over a range of versions; a row's territory is dropped when every version it served is
/// older than the age, none of them is current, and the row is neither pinned by staff nor its
/// code's last row (the territory <c>/api/codes/{code}</c> shows for a retired code).</summary>
/// <remarks>What stays: every version's codes, household counts, pins, assignments, reports, code
/// history and diffs. A dropped territory leaves the MD5 of its exact EWKB (<c>geom_digest</c>),
/// so a diff still tells a changed territory from an unchanged one (<see cref="Reshaped.StoredSql"/>);
/// exports of a compacted version's territories answer 410 Gone. The rows shrink at once; the
/// table's pages are reused by later rows (or returned by VACUUM FULL).</remarks>
public sealed class VersionCompactor(NpgsqlDataSource db)
{
    /// <summary>One township's compaction: the versions newly compacted (up to <see cref="Through"/>), the
    /// territories dropped and their stored size.</summary>
    public sealed record Result(string Township, int Through, int Versions, int Territories, long Bytes);

    public async Task<IReadOnlyList<Result>> CompactAsync(TimeSpan olderThan, string? township, CancellationToken ct)
    {
        var horizons = new List<(string Township, int Through)>();
        await using (var cmd = db.CreateCommand("""
            SELECT v.township_code, max(v.version) FROM partition_version v JOIN township_state s ON s.township_code = v.township_code
            WHERE v.created_at < now() - $1 AND v.version < s.current_version AND ($2::text IS NULL OR v.township_code = $2)
            GROUP BY 1 ORDER BY 1
            """))
        {
            cmd.Parameters.AddWithValue(olderThan);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)township ?? DBNull.Value);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) horizons.Add((r.GetString(0), r.GetInt32(1)));
        }
        var results = new List<Result>();
        foreach (var (code, through) in horizons)
            results.Add(await CompactTownshipAsync(code, through, ct));
        return results;
    }

    /// <summary>One transaction per township: its territories and its versions' marks change together.</summary>
    private async Task<Result> CompactTownshipAsync(string township, int through, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        int territories = 0;
        long bytes = 0;
        foreach (var table in new[] { "grid", "micro_grid" })
        {
            await using var cmd = new NpgsqlCommand($"""
                WITH dropped AS (
                    UPDATE {table} o SET geom_digest = {Reshaped.DigestOf("o.geom")}, geom = NULL
                    FROM (SELECT c.code, c.valid_from, ST_MemSize(c.geom) AS size FROM {table} c
                          WHERE c.township_code = $1 AND c.valid_to <= $2 + 1 AND c.geom IS NOT NULL AND NOT c.pinned
                            AND EXISTS (SELECT 1 FROM {table} n WHERE n.township_code = c.township_code AND n.code = c.code AND n.valid_from > c.valid_from)
                            -- A holder keeps the territory while a later row of its code that reads it there is kept (migration 0023).
                            AND NOT EXISTS (SELECT 1 FROM {table} r WHERE r.township_code = c.township_code AND r.code = c.code AND r.geom_from = c.valid_from
                                              AND (r.valid_to IS NULL OR r.valid_to > $2 + 1))) x
                    WHERE o.township_code = $1 AND o.code = x.code AND o.valid_from = x.valid_from
                    RETURNING x.size)
                SELECT count(*)::int, coalesce(sum(size), 0)::bigint FROM dropped
                """, conn, tx);
            cmd.Parameters.AddTownship(township);
            cmd.Parameters.AddWithValue(through);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            territories += r.GetInt32(0);
            bytes += r.GetInt64(1);
        }
        int versions;
        await using (var mark = new NpgsqlCommand("""
            UPDATE partition_version SET compacted_at = now() WHERE township_code = $1 AND version <= $2 AND compacted_at IS NULL
            """, conn, tx))
        {
            mark.Parameters.AddTownship(township);
            mark.Parameters.AddWithValue(through);
            versions = await mark.ExecuteNonQueryAsync(ct);
        }
        await using (var audit = new NpgsqlCommand("""
            INSERT INTO audit_log (township_code, actor, action, entity, entity_id, detail)
            VALUES ($1, 'retention', 'compact', 'partition', $1, jsonb_build_object('through', $2::int, 'territories', $3::int, 'bytes', $4::bigint))
            """, conn, tx))
        {
            audit.Parameters.AddWithValue(township);
            audit.Parameters.AddWithValue(through);
            audit.Parameters.AddWithValue(territories);
            audit.Parameters.AddWithValue(bytes);
            await audit.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return new Result(township, through, versions, territories, bytes);
    }

    /// <summary>An age as the command line and configuration write it: <c>90d</c>, <c>12h</c>,
    /// <c>30m</c>, or a number of days.</summary>
    public static bool TryParseAge(string? text, out TimeSpan age)
    {
        age = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        var unit = char.IsAsciiDigit(text[^1]) ? 'd' : char.ToLowerInvariant(text[^1]);
        var number = char.IsAsciiDigit(text[^1]) ? text : text[..^1];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0 || !double.IsFinite(n)) return false;
        age = unit switch { 'd' => TimeSpan.FromDays(n), 'h' => TimeSpan.FromHours(n), 'm' => TimeSpan.FromMinutes(n), 's' => TimeSpan.FromSeconds(n), _ => TimeSpan.MinValue };
        return age != TimeSpan.MinValue;
    }
}
