using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Search;

/// <summary><c>GET /api/search?q=</c>: what staff type into the viewer's search box — a 9, 12, 15
/// or 18-digit code (township, village, grid, micro-grid of the current version), a township or
/// village name (or part of one), a household id, or part of an address (within
/// <c>township</c>, when given) — answered with every match inside the caller's jurisdiction.</summary>
public static class SearchEndpoints
{
    public const int Limit = 20;

    public static IEndpointRouteBuilder MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search", Find).WithTags("Lookup").Require(Roles.Lookup)
            .WithSummary("Find a township, village, grid or micro-grid by code or name, or a household by id or address; matches within your jurisdiction, best first.");
        return app;
    }

    //-- One statement, ranked: exact codes, then names, then households. Names and addresses are
    //-- matched as substrings (LIKE with the query's wildcards escaped); addresses only within one
    //-- township, so a search never scans every household of the service; the given township's matches
    //-- come first within each kind, so a common word (村) lists its villages before the limit cuts.
    private const string Sql = """
        SELECT kind, code, name, household_id, township, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM (
            SELECT 0 AS rank, 'township' AS kind, t.code::text AS code, t.name, NULL::text AS household_id, t.code::text AS township, t.geom
              FROM township t WHERE t.code = $1 OR t.name LIKE $2
            UNION ALL
            SELECT 1, 'village', v.code::text, v.name, NULL, v.township_code::text, v.geom
              FROM village v WHERE v.code = $1 OR v.name LIKE $2
            UNION ALL
            SELECT 2, 'grid', g.code::text, NULL, NULL, g.township_code::text, g.geom FROM current_grid g WHERE g.code = $1
            UNION ALL
            SELECT 3, 'micro_grid', m.code::text, m.building_id, NULL, m.township_code::text, m.geom FROM current_micro_grid m WHERE m.code = $1
            UNION ALL
            SELECT 4, 'household', a.micro_grid_code::text, h.address, h.id, h.township_code::text, h.geom
              FROM household h LEFT JOIN current_assignment a ON a.township_code = h.township_code AND a.household_id = h.id
             WHERE h.id = $4 OR ($3 <> '' AND h.township_code = $3 AND h.address LIKE $2)
        ) x
        WHERE coalesce(code, township) LIKE $5 || '%'
        ORDER BY rank, township = $3 DESC, coalesce(name = $4, false) DESC, code, household_id
        LIMIT $6
        """;

    private static async Task<Ok<SearchAnswer>> Find(string? q, string? township, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var query = q?.Trim() ?? "";
        if (query.Length is 0 or > 100)
            throw new ApiException(400, "Invalid search", "Give q: a code, a name, a household id or part of an address (1–100 characters).", new() { ["field"] = "q" });
        if (township is not null && (township.Length != 9 || !township.All(char.IsAsciiDigit)))
            throw new ApiException(400, "Invalid search", $"township must be a 9-digit township code, not '{township}'.", new() { ["field"] = "township" });

        bool code = query.Length is 9 or 12 or 15 or 18 && query.All(char.IsAsciiDigit);
        //-- Digits alone never match inside a name: "530627" is not a village called so.
        bool words = !query.All(char.IsAsciiDigit);
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue(code ? query : "");
        cmd.Parameters.AddWithValue(words ? "%" + Escape(query) + "%" : "");
        cmd.Parameters.AddWithValue(township ?? "");
        cmd.Parameters.AddWithValue(query);
        cmd.Parameters.AddWithValue(http.User.Jurisdiction() ?? "");
        cmd.Parameters.AddWithValue(Limit + 1);
        var hits = new List<SearchHit>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            hits.Add(new SearchHit(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), [r.GetDouble(5), r.GetDouble(6), r.GetDouble(7), r.GetDouble(8)]));
        bool more = hits.Count > Limit;
        return TypedResults.Ok(new SearchAnswer(query, more ? hits[..Limit] : hits, more));
    }

    /// <summary>The query as a literal inside a LIKE pattern (PostgreSQL's default escape is the backslash).</summary>
    private static string Escape(string s) => s.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
