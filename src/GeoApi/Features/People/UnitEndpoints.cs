using System.Text.Json;
using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>A grid's or micro-grid's attributes and the people responsible for it:
/// <c>/api/codes/{code}/attributes</c> (GET, PATCH) and <c>/api/codes/{code}/people</c> (GET, POST,
/// DELETE one assignment). Reads follow the code history; writes adopt it first (<see cref="UnitWrites"/>).</summary>
public static class UnitEndpoints
{
    public static IEndpointRouteBuilder MapUnitEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/codes/{code}").WithTags("People");
        g.MapGet("/attributes", GetAttributes).Require(Roles.Lookup)
            .WithSummary("A grid's or micro-grid's attributes: name (generated from village and serial until named), type (basic 基础网格 | dedicated 专属网格) and subtype, area in m², organisation, remarks; needsReview after a split or merge.");
        g.MapPatch("/attributes", PatchAttributes).Require(Roles.Edit).Accepts<AttributesPatch>("application/json")
            .WithSummary("Set attributes (a property present sets it, null clears it); also marks the unit reviewed.");
        g.MapGet("/people", GetPeople).Require(Roles.People)
            .WithSummary("The people responsible for the unit, inherited ones (from a split or merge) flagged with inheritedFrom. Needs the people permission.");
        g.MapPost("/people", Assign).Require(Roles.People).RequireAuthorization(Roles.Edit)
            .WithSummary("Make a person responsible for the unit from validFrom (default today) until validTo.");
        g.MapDelete("/people/{assignmentId:long}", Unassign).Require(Roles.People).RequireAuthorization(Roles.Edit)
            .WithSummary("End an assignment of the unit (deleted).");
        return app;
    }

    /// <summary>What the handlers need.</summary>
    public sealed record Services(UnitDirectory Directory, PersonalDataAudit Audit, NpgsqlDataSource Db, TimeProvider Clock);

    private static async Task<UnitAttributes> GetAttributes(string code, [AsParameters] Services s, CancellationToken ct)
    {
        var units = await s.Directory.ForUnitAsync(UnitWrites.RequireUnitCode(code), ct);
        if (!units.Knows(code)) UnitWrites.RequireCurrent(units, code);
        return await s.Directory.AttributesAsync(units, code, ct);
    }

    private static async Task<UnitAttributes> PatchAttributes(string code, HttpContext http, [AsParameters] Services s, CancellationToken ct)
    {
        var township = UnitWrites.RequireUnitCode(code)[..9];
        Dictionary<string, string?> set;
        using (var doc = await RequestBody.ReadJsonAsync(http.Request, "attributes", ct)) set = Fields(doc.RootElement);
        var units = await s.Directory.LoadAsync(township, ct);
        UnitWrites.RequireCurrent(units, code);
        var was = units.Resolve(code).Attributes;
        string? Value(string key, string? old) => set.TryGetValue(key, out var v) ? v : old;
        var type = set.TryGetValue("type", out var t) ? (t is null ? null : Vocabulary.Parse(Vocabulary.UnitTypes, t) ?? throw Invalid("type", $"类型应为 {Vocabulary.Describe(Vocabulary.UnitTypes)}。")) : was?.Type;
        var subtype = set.TryGetValue("subtype", out var st) ? (st is null ? null : Vocabulary.Parse(Vocabulary.Subtypes, st) ?? throw Invalid("subtype", $"专属网格类别应为 {Vocabulary.Describe(Vocabulary.Subtypes)}。")) : was?.Subtype;
        if (subtype is not null && type != "dedicated") throw Invalid("subtype", "只有专属网格（type = dedicated）有类别。Only a dedicated grid has a subtype.");
        var name = Value("name", was?.Name);
        if (name is { Length: 0 or > 100 }) throw Invalid("name", "名称应为 1–100 个字符。A name has 1–100 characters.");
        var organisation = Value("organisation", was?.Organisation);
        if (organisation is { Length: > 200 }) throw Invalid("organisation", "责任单位最多 200 个字符。At most 200 characters.");
        var remarks = Value("remarks", was?.Remarks);
        if (remarks is { Length: > 2000 }) throw Invalid("remarks", "备注最多 2000 个字符。At most 2000 characters.");

        await using var conn = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await UnitWrites.AdoptAsync(conn, tx, units, code, http.User.Actor(), ct);
        await using (var cmd = new NpgsqlCommand("""
            UPDATE unit_attributes SET name = $3, unit_type = $4, subtype = $5, organisation = $6, remarks = $7 WHERE township_code = $1 AND code = $2
            """, conn, tx))
        {
            cmd.Parameters.AddTownship(township);
            cmd.Parameters.AddWithValue(code);
            foreach (var v in new[] { name, type, subtype, organisation, remarks })
                cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)v ?? DBNull.Value);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await UnitWrites.AuditAsync(conn, tx, township, http.User.Actor(), "update", "unit_attributes", code, set, ct);
        await tx.CommitAsync(ct);
        s.Directory.Invalidate(township);
        return await s.Directory.AttributesAsync(await s.Directory.ForAsync(township, ct), code, ct);
    }

    private static readonly string[] Patchable = ["name", "type", "subtype", "organisation", "remarks"];

    private static Dictionary<string, string?> Fields(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw Invalid("$", "请求体应为 JSON 对象。Send a JSON object.");
        var set = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in body.EnumerateObject())
        {
            if (!Patchable.Contains(p.Name)) throw Invalid(p.Name, $"未知属性，可用：{string.Join(", ", Patchable)}。Unknown property.");
            if (p.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) throw Invalid(p.Name, "应为字符串或 null。Must be a string or null.");
            set[p.Name] = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString()!.Trim();
        }
        return set;
    }

    private static async Task<List<UnitPerson>> GetPeople(string code, HttpContext http, [AsParameters] Services s, CancellationToken ct)
    {
        var units = await s.Directory.ForUnitAsync(UnitWrites.RequireUnitCode(code), ct);
        if (!units.Knows(code)) UnitWrites.RequireCurrent(units, code);
        var people = units.People(code, http.User.SeesPeople()).ToList();
        s.Audit.Record(http.User, units.Township, http.Request, people.Select(p => p.PersonId));
        return people;
    }

    private static async Task<IResult> Assign(string code, AssignmentRequest body, HttpContext http, [AsParameters] Services s, CancellationToken ct)
    {
        var township = UnitWrites.RequireUnitCode(code)[..9];
        if (body.PersonId is not { } personId) throw Invalid("personId", "缺少人员编号。Give the person's id.");
        var from = body.ValidFrom ?? DateOnly.FromDateTime(s.Clock.GetUtcNow().UtcDateTime);
        if (body.ValidTo is { } to && to < from) throw Invalid("validTo", "终止日期早于起始日期。validTo is before validFrom.");
        var units = await s.Directory.LoadAsync(township, ct);
        UnitWrites.RequireCurrent(units, code);
        await using var conn = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var check = new NpgsqlCommand("SELECT jurisdiction FROM person WHERE id = $1", conn, tx))
        {
            check.Parameters.AddWithValue(personId);
            //-- A person of another jurisdiction does not exist for this key, nor for this unit.
            if (await check.ExecuteScalarAsync(ct) is not string j || !http.User.Covers(j) || !code.StartsWith(j, StringComparison.Ordinal))
                throw new ApiException(404, "人员不存在 (Unknown person)", $"辖区内没有人员 {personId}。There is no person {personId} for this unit.", new() { ["field"] = "personId" });
        }
        await UnitWrites.AdoptAsync(conn, tx, units, code, http.User.Actor(), ct);
        long id;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO unit_assignment (township_code, code, person_id, valid_from, valid_to, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """, conn, tx))
        {
            cmd.Parameters.AddTownship(township);
            cmd.Parameters.AddWithValue(code);
            cmd.Parameters.AddWithValue(personId);
            cmd.Parameters.AddWithValue(from);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Date, body.ValidTo is { } t ? t : DBNull.Value);
            cmd.Parameters.AddWithValue(http.User.Actor());
            id = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        await WebhookOutbox.AssignmentsChangedAsync(conn, tx, township, [id], "added", ct);
        await UnitWrites.AuditAsync(conn, tx, township, http.User.Actor(), "create", "unit_assignment", id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new { code, personId, validFrom = from, validTo = body.ValidTo }, ct);
        await tx.CommitAsync(ct);
        s.Directory.Invalidate(township);
        var created = (await s.Directory.ForAsync(township, ct)).People(code, true).First(p => p.AssignmentId == id);
        return Results.Created($"/api/codes/{code}/people/{id}", created);
    }

    private static async Task<IResult> Unassign(string code, long assignmentId, HttpContext http, [AsParameters] Services s, CancellationToken ct)
    {
        var township = UnitWrites.RequireUnitCode(code)[..9];
        var units = await s.Directory.LoadAsync(township, ct);
        UnitWrites.RequireCurrent(units, code);
        var resolved = units.Resolve(code).People.FirstOrDefault(p => p.Row.Id == assignmentId)
            ?? throw new ApiException(404, "任职不存在 (Unknown assignment)", $"{code} 没有任职 {assignmentId}。", new() { ["field"] = "assignmentId" });
        await using var conn = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await UnitWrites.AdoptAsync(conn, tx, units, code, http.User.Actor(), ct);
        //-- An inherited assignment was adopted as the unit's own just now: that copy is the one to end.
        long? ended;
        await using (var cmd = new NpgsqlCommand(resolved.From is null
            ? "SELECT id FROM unit_assignment WHERE township_code = $1 AND code = $2 AND id = $3"
            : "SELECT max(id) FROM unit_assignment WHERE township_code = $1 AND code = $2 AND person_id = $4", conn, tx))
        {
            cmd.Parameters.AddTownship(township);
            cmd.Parameters.AddWithValue(code);
            cmd.Parameters.AddWithValue(assignmentId);
            cmd.Parameters.AddWithValue(resolved.Row.PersonId);
            ended = await cmd.ExecuteScalarAsync(ct) as long?;
        }
        if (ended is { } gone)
        {
            await WebhookOutbox.AssignmentsChangedAsync(conn, tx, township, [gone], "removed", ct);
            await using var cmd = new NpgsqlCommand("DELETE FROM unit_assignment WHERE township_code = $1 AND id = $2", conn, tx);
            cmd.Parameters.AddTownship(township);
            cmd.Parameters.AddWithValue(gone);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await UnitWrites.AuditAsync(conn, tx, township, http.User.Actor(), "delete", "unit_assignment", assignmentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new { code, personId = resolved.Row.PersonId }, ct);
        await tx.CommitAsync(ct);
        s.Directory.Invalidate(township);
        return Results.NoContent();
    }

    internal static ApiException Invalid(string field, string detail) => new(400, "参数无效 (Invalid input)", detail, new() { ["field"] = field });
}
