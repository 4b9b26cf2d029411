using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Access;

/// <summary>Administrators manage API keys (<c>/api/keys</c>) and read the audit log of every
/// write (<c>/api/audit</c>), both within their own jurisdiction.</summary>
public static class AccessEndpoints
{
    /// <summary><see cref="People"/> grants the <c>people</c> permission (names and phones of grid workers); only a key that has it may grant it.</summary>
    public sealed record KeyRequest(string? Name, string? Role, string? Jurisdiction, bool? People = null);

    public sealed record KeyCreated(long Id, string Name, string Role, string Jurisdiction, string Key, string Prefix, bool People);

    public sealed record AuditEntry(long Id, string? Township, DateTime At, string Actor, string Action, string Entity, string? EntityId,
        int? BeforeVersion, int? AfterVersion, System.Text.Json.JsonElement Detail);

    public static IEndpointRouteBuilder MapAccessEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/keys").WithTags("Access").RequireAuthorization(Roles.Administer);
        keys.MapPost("", Create).WithSummary("Create an API key (name, role: viewer | integrator | editor | admin, jurisdiction: a code prefix within yours, people: true to let it see names and phones); the key is shown once.");
        keys.MapGet("", (HttpContext http, ApiKeyStore store, CancellationToken ct) => store.ListAsync(http.User.Jurisdiction() ?? "", ct))
            .WithSummary("Every key in your jurisdiction (names, roles, prefixes; never the keys).");
        keys.MapDelete("/{id:long}", Revoke).WithSummary("Revoke a key; it stops working at once in this process, within seconds in others.");
        app.MapGet("/api/audit", Audit).WithTags("Access").RequireAuthorization(Roles.Administer)
            .WithSummary("The audit log: who changed what, when, with the versions before and after; filter by township, actor, action, since; newest first.");
        return app;
    }

    private static async Task<IResult> Create(KeyRequest body, HttpContext http, ApiKeyStore store, CancellationToken ct)
    {
        var name = body.Name?.Trim() ?? "";
        var jurisdiction = body.Jurisdiction ?? http.User.Jurisdiction() ?? "";
        ApiKeyStore.Validate(name, body.Role ?? "", jurisdiction);
        if (!jurisdiction.StartsWith(http.User.Jurisdiction() ?? "", StringComparison.Ordinal))
            throw new ApiException(403, "Outside your jurisdiction", "A key's jurisdiction must lie within yours.", new() { ["field"] = "jurisdiction" });
        if (body.People == true && !http.User.SeesPeople())
            throw new ApiException(403, "Cannot grant people", "Only a key that may see people's names and phones may grant it.", new() { ["field"] = "people" });
        var created = await store.CreateAsync(name, body.Role!, jurisdiction, http.User.Identity?.Name ?? "?", ct, people: body.People == true);
        var k = created.Key;
        return Results.Created($"/api/keys/{k.Id}", new KeyCreated(k.Id, k.Name, k.Role, k.Jurisdiction, created.Secret, k.Prefix, k.People));
    }

    private static async Task<IResult> Revoke(long id, HttpContext http, ApiKeyStore store, CancellationToken ct)
    {
        var key = await store.GetAsync(id, ct);
        if (key is null || !key.Jurisdiction.StartsWith(http.User.Jurisdiction() ?? "", StringComparison.Ordinal))
            throw new ApiException(404, "Key not found", $"There is no key {id}.", new() { ["field"] = "id" });
        await store.RevokeAsync(id, http.User.Identity?.Name ?? "?", ct);
        return Results.NoContent();
    }

    private static async Task<List<AuditEntry>> Audit(string? township, string? actor, string? action, DateTime? since, int? limit,
        HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var jurisdiction = http.User.Jurisdiction() ?? "";
        await using var cmd = db.CreateCommand("""
            SELECT id, township_code, at, actor, action, entity, entity_id, before_version, after_version, detail::text FROM audit_log
            WHERE ($1 = '' OR township_code LIKE $1 || '%')
              AND ($2::text IS NULL OR township_code = $2) AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action = $4)
              AND ($5::timestamptz IS NULL OR at >= $5)
            ORDER BY id DESC LIMIT $6
            """);
        cmd.Parameters.AddWithValue(jurisdiction);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)township ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)actor ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)action ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.TimestampTz, since is { } s ? s.ToUniversalTime() : DBNull.Value);
        cmd.Parameters.AddWithValue(Math.Clamp(limit ?? 100, 1, 10_000));
        var list = new List<AuditEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new AuditEntry(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetDateTime(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetInt32(7), r.IsDBNull(8) ? null : r.GetInt32(8),
                System.Text.Json.JsonDocument.Parse(r.GetString(9)).RootElement.Clone()));
        return list;
    }
}
