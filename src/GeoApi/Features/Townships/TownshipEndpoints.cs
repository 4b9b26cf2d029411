using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Townships;

/// <summary>What is stored per township: code, name, kind, bbox and counts.</summary>
public static class TownshipEndpoints
{
    /// <summary>The townships whose code matches <paramref name="match"/> (an SQL condition on the code,
    /// applied to each part). Counts are joined per township, each filtered by the same condition,
    /// rather than correlated subqueries: on Citus the boundaries are a reference table, a correlated
    /// subquery from it into a distributed table is refused, and one township's counts are then read
    /// on its shard alone.</summary>
    private static string Sql(string match) => $"""
        SELECT t.code, t.name, t.kind, t.urban, ST_XMin(t.geom), ST_YMin(t.geom), ST_XMax(t.geom), ST_YMax(t.geom),
               coalesce(v.n, 0), coalesce(b.n, 0), coalesce(h.n, 0), s.current_version, s.data_version, s.dirty_since
        FROM township t LEFT JOIN township_state s ON s.township_code = t.code
        LEFT JOIN (SELECT township_code, count(*) AS n FROM village WHERE township_code {match} GROUP BY 1) v ON v.township_code = t.code
        LEFT JOIN (SELECT township_code, count(*) AS n FROM building WHERE township_code {match} GROUP BY 1) b ON b.township_code = t.code
        LEFT JOIN (SELECT township_code, count(*) AS n FROM household WHERE township_code {match} GROUP BY 1) h ON h.township_code = t.code
        WHERE t.code {match}
        """;

    public static IEndpointRouteBuilder MapTownshipEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/townships").WithTags("Townships").Require(Roles.Read);
        group.MapGet("", List).WithSummary("Every township with its bbox and counts of villages, buildings and households.");
        group.MapGet("/{code}", Get).WithSummary("One township with its bbox and counts.");
        return app;
    }

    /// <summary>Every township in the caller's jurisdiction.</summary>
    private static async Task<Ok<List<TownshipDto>>> List(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql("LIKE $1 || '%'") + " ORDER BY t.code");
        cmd.Parameters.AddWithValue(http.User.Jurisdiction() ?? "");
        return TypedResults.Ok(await Read(cmd, ct));
    }

    private static async Task<Results<Ok<TownshipDto>, ProblemHttpResult>> Get(string code, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql("= $1"));
        cmd.Parameters.AddTownship(code);
        var rows = await Read(cmd, ct);
        return rows.Count == 1
            ? TypedResults.Ok(rows[0])
            : TypedResults.Problem(statusCode: 404, title: "Township not found", detail: $"There is no township '{code}'.");
    }

    private static async Task<List<TownshipDto>> Read(NpgsqlCommand cmd, CancellationToken ct)
    {
        var result = new List<TownshipDto>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new TownshipDto(r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3),
                [r.GetDouble(4), r.GetDouble(5), r.GetDouble(6), r.GetDouble(7)],
                r.GetInt64(8), r.GetInt64(9), r.GetInt64(10),
                r.IsDBNull(11) ? null : r.GetInt32(11), r.IsDBNull(12) ? 0 : r.GetInt64(12),
                r.IsDBNull(13) ? null : r.GetDateTime(13)));
        return result;
    }
}

public sealed record TownshipDto(string Code, string Name, string Kind, bool Urban, double[] Bbox,
    long Villages, long Buildings, long Households, int? CurrentVersion, long DataVersion, DateTime? DirtySince);
