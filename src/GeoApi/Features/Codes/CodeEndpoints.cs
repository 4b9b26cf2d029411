using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Features.People;
using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Codes;

/// <summary>Any code → the unit (level, geometry, household count, parent, children) and its
/// history, retired codes included, so a system holding an old code learns where it went.</summary>
public static class CodeEndpoints
{
    public static IEndpointRouteBuilder MapCodeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/codes/{code}", Get).WithTags("Codes").Require(Roles.Lookup)
            .WithSummary("A township (9 digits), village (12), grid (15) or micro-grid (18) code: the unit, its geometry and its history (valid-from/to version, predecessors, successors).");
        return app;
    }

    private static async Task<Results<Ok<CodeDto>, ProblemHttpResult>> Get(string code, HttpContext http, NpgsqlDataSource db, ResponsiblePeople people,
        CancellationToken ct)
    {
        if (!code.All(char.IsAsciiDigit) || code.Length is not (9 or 12 or 15 or 18))
            throw new ApiException(400, "Not a code", $"'{code}' is not a 9, 12, 15 or 18-digit code.", new() { ["field"] = "code" });
        var township = code[..9];
        Results<Ok<CodeDto>, ProblemHttpResult> answer;
        await using (var conn = await db.OpenConnectionAsync(ct))
            answer = code.Length switch
            {
                9 => await Township(conn, code, ct),
                12 => await Village(conn, township, code, ct),
                _ => await Unit(conn, township, code, ct),
            };
        //-- A grid or micro-grid also answers its attributes and people (following the code history).
        if (code.Length < 15 || answer.Result is not Ok<CodeDto> { Value: { } dto }) return answer;
        var (attributes, responsible) = await people.ForCodeAsync(http, code, ct);
        return TypedResults.Ok(dto with { Attributes = attributes, People = responsible });
    }

    private static async Task<Results<Ok<CodeDto>, ProblemHttpResult>> Township(NpgsqlConnection conn, string code, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT t.name, ST_AsGeoJSON(t.geom, 7), (SELECT count(*) FROM household h WHERE h.township_code = t.code)::int,
                   (SELECT count(*) FROM village v WHERE v.township_code = t.code)::int
            FROM township t WHERE t.code = $1
            """, conn);
        cmd.Parameters.AddWithValue(code);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return Missing(code);
        return TypedResults.Ok(new CodeDto(code, "township", "current", r.GetString(0), code[..6], r.GetInt32(2), r.GetInt32(3), Json(r.GetString(1)), null));
    }

    private static async Task<Results<Ok<CodeDto>, ProblemHttpResult>> Village(NpgsqlConnection conn, string township, string code, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT v.name, ST_AsGeoJSON(v.geom, 7),
                   (SELECT coalesce(sum(g.household_count), 0) FROM current_grid g WHERE g.township_code = v.township_code AND g.village_code = v.code)::int,
                   (SELECT count(*) FROM current_grid g WHERE g.township_code = v.township_code AND g.village_code = v.code)::int
            FROM village v WHERE v.township_code = $1 AND v.code = $2
            """, conn);
        cmd.Parameters.AddTownship(township);
        cmd.Parameters.AddWithValue(code);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return Missing(code);
        return TypedResults.Ok(new CodeDto(code, "village", "current", r.GetString(0), township, r.GetInt32(2), r.GetInt32(3), Json(r.GetString(1)), null));
    }

    private static async Task<Results<Ok<CodeDto>, ProblemHttpResult>> Unit(NpgsqlConnection conn, string township, string code, CancellationToken ct)
    {
        bool micro = code.Length == 18;
        await using var cmd = new NpgsqlCommand($"""
            SELECT c.level, c.parent, c.valid_from, c.valid_to, c.predecessors, c.successors,
                   u.household_count, ST_AsGeoJSON(u.geom, 7), u.version,
                   {(micro ? "NULL::int" : $"(SELECT count(*) FROM {PublishedLayer.MicroGrids.AtVersion("$1", "u.version")} m WHERE m.grid_code = u.code)::int")},
                   {(micro ? "u.kind" : "NULL::text")},
                   {(micro ? "u.building_id, u.floor_from, u.floor_to, u.unit" : "NULL::text, NULL::int, NULL::int, NULL::text")}
            FROM code_registry c
            CROSS JOIN LATERAL (SELECT coalesce(c.valid_to, (SELECT current_version FROM township_state s WHERE s.township_code = $1)) AS v) cv
            LEFT JOIN LATERAL (
                SELECT * FROM {(micro ? PublishedLayer.MicroGrids : PublishedLayer.Grids).AtVersion("$1", "cv.v")} x WHERE x.code = c.code
            ) u ON true
            WHERE c.township_code = $1 AND c.code = $2
            """, conn);
        cmd.Parameters.AddTownship(township);
        cmd.Parameters.AddWithValue(code);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return Missing(code);
        var validTo = r.IsDBNull(3) ? (int?)null : r.GetInt32(3);
        var history = new CodeHistory(r.GetInt32(2), validTo, r.GetFieldValue<string[]>(4), r.GetFieldValue<string[]>(5));
        return TypedResults.Ok(new CodeDto(code, r.GetString(0), validTo is null ? "current" : "retired", r.IsDBNull(10) ? null : r.GetString(10),
            r.IsDBNull(1) ? township : r.GetString(1), r.IsDBNull(6) ? null : r.GetInt32(6), r.IsDBNull(9) ? null : r.GetInt32(9),
            r.IsDBNull(7) ? null : Json(r.GetString(7)), history)
        {
            Building = r.IsDBNull(11) ? null : new BuildingPart(r.GetString(11), r.IsDBNull(12) ? null : r.GetInt32(12),
                r.IsDBNull(13) ? null : r.GetInt32(13), r.IsDBNull(14) ? null : r.GetString(14)),
        });
    }

    private static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement.Clone();

    private static ProblemHttpResult Missing(string code) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown code", detail: $"No unit has ever had the code '{code}'.");
}

/// <summary><see cref="Name"/> is the unit's name (townships, villages) or kind (micro-grids);
/// <see cref="Building"/> the building a building or floor micro-grid stands for.</summary>
public sealed record CodeDto(string Code, string Level, string Status, string? Name, string Parent, int? HouseholdCount, int? Children,
    JsonElement? Geometry, CodeHistory? History)
{
    public BuildingPart? Building { get; init; }

    /// <summary>A grid's or micro-grid's attributes (name, type, area, organisation), following the code history.</summary>
    public UnitAttributes? Attributes { get; init; }

    /// <summary>A grid's or micro-grid's responsible people: roles always, names and phones for keys with the <c>people</c> permission.</summary>
    public ResponsibleUnit? People { get; init; }
}

/// <summary>The building of a micro-grid and, for a floor micro-grid, its floors and unit (单元).</summary>
public sealed record BuildingPart(string Id, int? FloorFrom, int? FloorTo, string? Unit);

public sealed record CodeHistory(int ValidFrom, int? ValidTo, IReadOnlyList<string> Predecessors, IReadOnlyList<string> Successors);
