using GridSpatial.GeoApi.Features.Access;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.GeoApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace GridSpatial.GeoApi.Features.Households;

/// <summary>One household: read, replace, patch, delete, with optimistic concurrency (ETag /
/// If-Match, 412 on a stale write), and its codes in the current partition. Every change marks
/// the township dirty and bumps its data version in the same transaction.</summary>
public static class HouseholdEndpoints
{
    public static IEndpointRouteBuilder MapHouseholdEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/households/{id}").WithTags("Households");
        g.MapGet("", Get).Require(Roles.Lookup).Produces<JsonElement>(200, "application/geo+json").WithSummary("The household as a GeoJSON Feature, with its ETag.");
        g.MapPut("", Put).Require(Roles.Households).Accepts<JsonElement>("application/geo+json", "application/json").WithSummary("Replace the household (a GeoJSON Feature); If-Match guards against lost updates.");
        g.MapPatch("", Patch).Require(Roles.Households).Accepts<JsonElement>("application/merge-patch+json", "application/json").WithSummary("JSON merge patch of the household's properties and/or geometry; If-Match guards against lost updates.");
        g.MapDelete("", Delete).Require(Roles.Households).WithSummary("Remove the household; If-Match guards against lost updates.");
        g.MapGet("/grid", Grid).Require(Roles.Lookup).WithSummary("The household's township, village, grid and micro-grid codes in the current partition.");
        return app;
    }

    private sealed record Row(string Township, string Id, string? BuildingId, int? Floor, string? Unit, string? Room, string? Address, int? Persons, string Properties, Point Geom, int RowVersion);

    private static async Task<IResult> Get(string id, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await Read(conn, null, id, forUpdate: false, ct) ?? throw NotFound(id);
        if (!http.User.Covers(row.Township)) throw NotFound(id);
        http.Response.Headers.ETag = ETag(row.RowVersion);
        return Results.Text(ToFeature(row).ToJsonString(), "application/geo+json");
    }

    private static Task<IResult> Put(string id, HttpRequest request, NpgsqlDataSource db, InputLimits limits, CancellationToken ct) =>
        Write(id, request, db, limits, merge: false, ct);

    private static Task<IResult> Patch(string id, HttpRequest request, NpgsqlDataSource db, InputLimits limits, CancellationToken ct) =>
        Write(id, request, db, limits, merge: true, ct);

    private static async Task<IResult> Write(string id, HttpRequest request, NpgsqlDataSource db, InputLimits limits, bool merge, CancellationToken ct)
    {
        using var doc = await RequestBody.ReadJsonAsync(request, "households", ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await Read(conn, tx, id, forUpdate: true, ct) ?? throw NotFound(id);
        if (!request.HttpContext.User.Covers(row.Township)) throw NotFound(id);
        CheckIfMatch(request, row.RowVersion);

        JsonObject feature;
        if (merge)
        {
            feature = ToFeature(row);
            var patch = JsonNode.Parse(doc.RootElement.GetRawText()) as JsonObject
                ?? throw new ApiException(400, "Invalid patch", "A merge patch is a JSON object.", new() { ["field"] = "$" });
            //-- A patch of one household's Feature: anything else (a FeatureCollection, a stray member) is a mistake, not a no-op.
            foreach (var (member, value) in patch)
                if (member is not ("type" or "id" or "properties" or "geometry") || member == "type" && !(value is JsonValue v && v.TryGetValue<string>(out var type) && type == "Feature"))
                    throw new ApiException(400, "Invalid patch",
                        $"补丁只能修改住户要素的 properties 和 geometry，不能含有 '{member}'。A household patch changes its Feature's properties and geometry, not '{member}'.",
                        new() { ["field"] = member });
            if (patch["properties"] is JsonObject props)
                foreach (var (k, v) in props.ToList())
                {
                    if (v is null) feature["properties"]!.AsObject().Remove(k);
                    else feature["properties"]![k] = v.DeepClone();
                }
            if (patch.ContainsKey("geometry")) feature["geometry"] = patch["geometry"]?.DeepClone();
        }
        else
        {
            feature = JsonNode.Parse(doc.RootElement.GetRawText()) as JsonObject
                ?? throw new ApiException(400, "Invalid household", "The body must be a GeoJSON Feature.", new() { ["field"] = "$" });
        }
        if (feature["properties"] is JsonObject p) p["id"] = id;

        var township = await TownshipGeometry(conn, tx, row.Township, ct);
        var validated = limits.Validator("households", township).Household(JsonSerializer.SerializeToElement(feature), 0);
        await using (var cmd = new NpgsqlCommand(UpdateSql, conn, tx))
        {
            cmd.Parameters.AddTownship(row.Township);
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue((object?)validated.BuildingId ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Integer, (object?)validated.Floor ?? DBNull.Value);
            cmd.Parameters.AddWithValue((object?)validated.Unit ?? DBNull.Value);
            cmd.Parameters.AddWithValue((object?)validated.Room ?? DBNull.Value);
            cmd.Parameters.AddWithValue((object?)validated.Address ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Integer, (object?)validated.Persons ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, validated.Properties);
            cmd.Parameters.AddWithValue((Geometry)validated.Geom);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await TownshipState.MarkDirtyAsync(conn, tx, row.Township, ct, household: id);
        await Audit(conn, tx, row.Township, request, merge ? "patch" : "replace", id, ct);
        //-- What was stored, as a later GET will return it.
        var stored = (await Read(conn, tx, id, forUpdate: false, ct, row.Township))!;
        await tx.CommitAsync(ct);
        request.HttpContext.Response.Headers.ETag = ETag(stored.RowVersion);
        return Results.Text(ToFeature(stored).ToJsonString(), "application/geo+json");
    }

    /// <summary>$1 = township code (char(9)), $2 = id, then the stored columns.</summary>
    internal const string UpdateSql = """
        UPDATE household SET building_id = $3, floor = $4, unit = $5, room = $6, address = $7, persons = $8, properties = $9, geom = $10::geometry,
            row_version = row_version + 1, updated_at = now()
        WHERE township_code = $1 AND id = $2
        """;

    private static async Task<NoContent> Delete(string id, HttpRequest request, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await Read(conn, tx, id, forUpdate: true, ct) ?? throw NotFound(id);
        if (!request.HttpContext.User.Covers(row.Township)) throw NotFound(id);
        CheckIfMatch(request, row.RowVersion);
        foreach (var sql in DeleteSql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            cmd.Parameters.AddTownship(row.Township);
            cmd.Parameters.AddWithValue(id);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await TownshipState.MarkDirtyAsync(conn, tx, row.Township, ct, household: id);
        await Audit(conn, tx, row.Township, request, "delete", id, ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>The household and its township's row, $1 = township code (char(9)), $2 = id: with
    /// <see cref="HouseholdLocator.TownshipOfSql"/> before it, each statement runs on one shard of a Citus cluster.</summary>
    internal const string GridSql = """
        SELECT h.township_code, t.name, s.current_version, s.dirty_since IS NOT NULL, a.micro_grid_code, a.grid_code, m.village_code, v.name, m.kind
        FROM household h JOIN township t ON t.code = h.township_code JOIN township_state s ON s.township_code = h.township_code
        LEFT JOIN current_assignment a ON a.township_code = h.township_code AND a.household_id = h.id
        LEFT JOIN current_micro_grid m ON m.township_code = a.township_code AND m.code = a.micro_grid_code
        LEFT JOIN village v ON v.township_code = m.township_code AND v.code = m.village_code
        WHERE h.township_code = $1 AND h.id = $2
        """;

    private static async Task<Results<Ok<HouseholdGrid>, ProblemHttpResult>> Grid(string id, HttpContext http, NpgsqlDataSource db, People.ResponsiblePeople people,
        CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var missing = TypedResults.Problem(statusCode: 404, title: "Household not found", detail: $"There is no household '{id}'.");
        if (await HouseholdLocator.TownshipOfAsync(conn, null, id, ct) is not { } holder || !http.User.Covers(holder)) return missing;
        await using var cmd = new NpgsqlCommand(GridSql, conn);
        cmd.Parameters.AddTownship(holder);
        cmd.Parameters.AddWithValue(id);
        HouseholdGrid answer;
        //-- The reader is disposed once, at the end of its block: a second dispose of a reader whose
        //-- connection a restart broke threw the driver's own error in place of the transient one.
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return missing;
            if (r.IsDBNull(4))
                return TypedResults.Problem(statusCode: 404, title: "Not partitioned yet",
                    detail: $"Household '{id}' is not in the current partition of township {r.GetString(0)} yet; a recompute is pending.",
                    extensions: new Dictionary<string, object?> { ["township"] = r.GetString(0), ["pending"] = true });
            var township = r.GetString(0);
            answer = new HouseholdGrid(id, r.GetInt32(2), r.GetBoolean(3),
                new Lookup.Named(township, r.GetString(1)), new Lookup.Named(r.GetString(6), r.IsDBNull(7) ? r.GetString(1) : r.GetString(7)),
                r.GetString(5), r.GetString(4), r.GetString(8));
        }
        return TypedResults.Ok(answer with
        {
            Responsible = await people.ForAsync(http, answer.Township.Code, answer.GridCode, answer.MicroGridCode, answer.Version, ct),
        });
    }

    /// <summary>$1 = township code (char(9)), $2 = id: the household and its entry in the locator, in one transaction.</summary>
    internal static readonly string[] DeleteSql = ["DELETE FROM household WHERE township_code = $1 AND id = $2", HouseholdLocator.ReleaseSql];

    /// <summary>$1 = township code (char(9): on Citus, that township's shard alone), $2 = id.</summary>
    internal const string ReadSql =
        "SELECT township_code, id, building_id, floor, unit, room, address, persons, properties::text, geom, row_version FROM household WHERE township_code = $1 AND id = $2";

    /// <param name="township">The household's township when already known (a write reading back what it stored).</param>
    private static async Task<Row?> Read(NpgsqlConnection conn, NpgsqlTransaction? tx, string id, bool forUpdate, CancellationToken ct, string? township = null)
    {
        //-- A write locks the locator's entry first, as an import claiming the id does, then the household: an
        //-- import racing a delete of the same household cannot leave the household without its entry.
        township ??= await HouseholdLocator.TownshipOfAsync(conn, tx, id, ct, forUpdate);
        if (township is null) return null;
        await using var cmd = new NpgsqlCommand(ReadSql + (forUpdate ? " FOR UPDATE" : ""), conn, tx);
        cmd.Parameters.AddTownship(township);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Row(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3),
            r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
            r.IsDBNull(7) ? null : r.GetInt32(7), r.GetString(8), r.GetFieldValue<Point>(9), r.GetInt32(10));
    }

    private static async Task<Geometry> TownshipGeometry(NpgsqlConnection conn, NpgsqlTransaction tx, string code, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT geom FROM township WHERE code = $1", conn, tx);
        cmd.Parameters.AddTownship(code);
        return (Geometry)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static JsonObject ToFeature(Row row)
    {
        var props = JsonNode.Parse(row.Properties) as JsonObject ?? [];
        props["id"] = row.Id;
        props["township_code"] = row.Township;
        props["building_id"] = row.BuildingId;
        props["floor"] = row.Floor;
        props["unit"] = row.Unit;
        props["room"] = row.Room;
        props["address"] = row.Address;
        props["persons"] = row.Persons;
        return new JsonObject
        {
            ["type"] = "Feature",
            ["id"] = row.Id,
            ["properties"] = props,
            ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(row.Geom.X, row.Geom.Y) },
        };
    }

    internal static string ETag(int version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    private static void CheckIfMatch(HttpRequest request, int current)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(ifMatch) || ifMatch == "*") return;
        var tags = ifMatch.Split(',').Select(t => t.Trim().Replace("W/", "", StringComparison.Ordinal));
        if (!tags.Contains(ETag(current)))
            throw new ApiException(412, "Precondition failed", $"The household has changed (current ETag {ETag(current)}); read it again and retry.",
                new() { ["field"] = "If-Match" });
    }

    private static async Task Audit(NpgsqlConnection conn, NpgsqlTransaction tx, string township, HttpRequest request, string action, string id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO audit_log (township_code, actor, action, entity, entity_id) VALUES ($1, $2, $3, 'household', $4)", conn, tx);
        cmd.Parameters.AddWithValue(township);
        cmd.Parameters.AddWithValue(request.HttpContext.User.Actor());
        cmd.Parameters.AddWithValue(action);
        cmd.Parameters.AddWithValue(id);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static ApiException NotFound(string id) => ApiException.NotFound($"There is no household '{id}'.");
}

/// <summary><see cref="Responsible"/>: the grid's and micro-grid's names and people (names and phones only for keys with the <c>people</c> permission).</summary>
public sealed record HouseholdGrid(string HouseholdId, int Version, bool RecomputePending, Lookup.Named Township, Lookup.Named Village,
    string GridCode, string MicroGridCode, string Kind)
{
    public People.Responsible? Responsible { get; init; }
}
