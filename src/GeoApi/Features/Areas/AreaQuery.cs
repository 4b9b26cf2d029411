using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Areas;

/// <summary>What an area touches, read from PostGIS in one repeatable-read transaction (one moment of
/// every township): the townships, villages and current grids and micro-grids whose land meets the
/// area, with the share of it inside (1 for a unit the area covers, else planar overlap ÷ unit, a ratio
/// of lon/lat areas that equals the metric one to well under 0.1 % at a unit's size), and the
/// households whose point lies in the area (<c>ST_Intersects</c>) with their current micro-grid. Only
/// townships whose code starts with <c>jurisdiction</c>.</summary>
public static class AreaQuery
{
    private const string Share = "CASE WHEN ST_CoveredBy(x.geom, q.g) THEN 1.0 ELSE ST_Area(ST_Intersection(x.geom, q.g)) / NULLIF(ST_Area(x.geom), 0) END";

    private static readonly string UnitsSql = $"""
        WITH q AS (SELECT $1::geometry AS g),
        --  The townships the area meets, found once: their rows, and the township codes their household counts sum over.
        met AS MATERIALIZED (SELECT x.code, x.name, x.geom FROM township x, q WHERE x.geom && q.g AND ST_Intersects(x.geom, q.g) AND x.code LIKE $2 || '%')
        SELECT 't', x.code::text, x.name, coalesce(n.households, 0)::int, NULL::text, NULL::int, {Share}
          FROM met x CROSS JOIN q LEFT JOIN (
            --  Joined, not a subquery correlated with the township row: Citus runs none with a reference table.
            SELECT g.township_code, sum(g.household_count) AS households FROM current_grid g
            WHERE g.township_code IN (SELECT code FROM met) GROUP BY g.township_code) n ON n.township_code = x.code
        UNION ALL
        SELECT 'v', x.code::text, x.name,
            (SELECT coalesce(sum(g.household_count), 0) FROM current_grid g WHERE g.township_code = x.township_code AND g.village_code = x.code)::int,
            NULL, NULL, {Share} FROM village x, q
          WHERE x.geom && q.g AND ST_Intersects(x.geom, q.g) AND x.township_code LIKE $2 || '%'
        UNION ALL
        SELECT 'g', x.code::text, NULL, x.household_count, NULL, x.version, {Share} FROM current_grid x, q
          WHERE x.geom && q.g AND ST_Intersects(x.geom, q.g) AND x.township_code LIKE $2 || '%'
        UNION ALL
        SELECT 'm', x.code::text, NULL, x.household_count, x.kind, x.version, {Share} FROM current_micro_grid x, q
          WHERE x.geom && q.g AND ST_Intersects(x.geom, q.g) AND x.township_code LIKE $2 || '%'
        """;

    private const string HouseholdsSql = """
        SELECT h.township_code::text, h.id, h.building_id, h.floor, h.unit, h.room, a.micro_grid_code::text
        FROM household h LEFT JOIN current_assignment a ON a.township_code = h.township_code AND a.household_id = h.id
        WHERE h.geom && $1::geometry AND ST_Intersects(h.geom, $1::geometry) AND h.township_code LIKE $2 || '%'
        """;

    /// <summary>A unit as read, before names and people: <see cref="Level"/> t, v, g or m.</summary>
    public sealed record Unit(char Level, string Code, string? Name, int? Households, string? Kind, int? Version, double Share);

    public sealed record Result(IReadOnlyList<Unit> Units, IReadOnlyList<AreaHousehold> Households);

    public static async Task<Result> RunAsync(NpgsqlDataSource db, Geometry area, string jurisdiction, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var units = new List<Unit>();
        await using (var cmd = Command(conn, tx, UnitsSql, area, jurisdiction))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                units.Add(new Unit(r.GetString(0)[0], r.GetString(1), Text(r, 2), r.IsDBNull(3) ? null : r.GetInt32(3), Text(r, 4),
                    r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? 0 : Math.Clamp(r.GetDouble(6), 0, 1)));
        var households = new List<AreaHousehold>();
        await using (var cmd = Command(conn, tx, HouseholdsSql, area, jurisdiction))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var micro = Text(r, 6);
                households.Add(new AreaHousehold(r.GetString(1), r.GetString(0), micro?[..12], micro?[..15], micro, Text(r, 2),
                    r.IsDBNull(3) ? null : r.GetInt32(3), Text(r, 4), Text(r, 5)));
            }
        await tx.CommitAsync(ct);
        return new Result(units, households);
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, Geometry area, string jurisdiction)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(area);
        cmd.Parameters.AddWithValue(jurisdiction);
        return cmd;
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i).Trim();
}
