using System.Globalization;
using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>People (<c>/api/people</c>): grid leaders, full- and part-time grid workers,
/// instructors, party households and volunteers, each belonging to a county or township
/// (jurisdiction). Personal information: every endpoint needs the <c>people</c> permission, sees
/// only people within the key's jurisdiction, and every read is audited.</summary>
public static class PeopleEndpoints
{
    public static IEndpointRouteBuilder MapPeopleEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/people").WithTags("People").RequireAuthorization(Roles.People);
        g.MapGet("", List).WithSummary("People within your jurisdiction, or within ?jurisdiction= (a county or township code), by name.");
        g.MapPost("", Create).RequireAuthorization(Roles.Edit)
            .WithSummary("Add a person: name, role (grid_leader 网格长 | full_time 专职网格员 | part_time 兼职网格员 | instructor 网格指导员 | party_household 党员中心户 | volunteer 志愿者), phone (mobile or landline), organisation, jurisdiction (a county or township code).");
        g.MapGet("/{id:long}", Get).WithSummary("One person.");
        g.MapPatch("/{id:long}", Patch).RequireAuthorization(Roles.Edit).WithSummary("Change a person's name, role, phone or organisation (properties present are set).");
        g.MapDelete("/{id:long}", Delete).RequireAuthorization(Roles.Edit).WithSummary("Remove a person and their assignments.");
        return app;
    }

    private const string Select = "SELECT id, jurisdiction, role, name, phone, organisation FROM person";

    private static async Task<List<PersonDto>> List(string? jurisdiction, HttpContext http, [AsParameters] UnitEndpoints.Services s, CancellationToken ct)
    {
        var within = jurisdiction ?? http.User.Jurisdiction() ?? "";
        if (!within.All(char.IsAsciiDigit) || !http.User.Covers(within))
            throw new ApiException(403, "Outside your jurisdiction", $"'{within}' is not within your jurisdiction.", new() { ["field"] = "jurisdiction" });
        await using var cmd = s.Db.CreateCommand($"{Select} WHERE jurisdiction LIKE $1 || '%' ORDER BY name, id");
        cmd.Parameters.AddWithValue(within);
        var list = new List<PersonDto>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) list.Add(Read(r));
        s.Audit.Record(http.User, within.Length >= 9 ? within[..9] : null, http.Request, list.Select(p => p.Id));
        return list;
    }

    private static async Task<PersonDto> Get(long id, HttpContext http, [AsParameters] UnitEndpoints.Services s, CancellationToken ct)
    {
        var person = await Find(s.Db, id, http, ct);
        s.Audit.Record(http.User, Township(person.Jurisdiction), http.Request, [id]);
        return person;
    }

    private static async Task<IResult> Create(PersonRequest body, HttpContext http, [AsParameters] UnitEndpoints.Services s, CancellationToken ct)
    {
        var jurisdiction = body.Jurisdiction?.Trim() ?? http.User.Jurisdiction() ?? "";
        if (jurisdiction.Length is not (6 or 9) || !jurisdiction.All(char.IsAsciiDigit))
            throw UnitEndpoints.Invalid("jurisdiction", $"人员归属县（6 位）或乡镇（9 位）编码，不是 '{jurisdiction}'。A person belongs to a county (6 digits) or township (9 digits).");
        if (!http.User.Covers(jurisdiction))
            throw new ApiException(403, "Outside your jurisdiction", $"{jurisdiction} is outside your jurisdiction.", new() { ["field"] = "jurisdiction" });
        var (name, role, phone, organisation) = Validate(body.Name, body.Role, body.Phone, body.Organisation);
        await using var conn = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        PersonDto created;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO person (jurisdiction, name, role, phone, organisation) VALUES ($1, $2, $3, $4, $5) RETURNING id, jurisdiction, role, name, phone, organisation
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(jurisdiction);
            cmd.Parameters.AddWithValue(name!);
            cmd.Parameters.AddWithValue(role!);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)phone ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)organisation ?? DBNull.Value);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            created = Read(r);
        }
        await UnitWrites.AuditAsync(conn, tx, Township(jurisdiction), http.User.Actor(), "create", "person", Id(created.Id), new { role, jurisdiction }, ct);
        await tx.CommitAsync(ct);
        return Results.Created($"/api/people/{created.Id}", created);
    }

    private static async Task<PersonDto> Patch(long id, PersonRequest body, HttpContext http, [AsParameters] UnitEndpoints.Services s, CancellationToken ct)
    {
        var was = await Find(s.Db, id, http, ct);
        if (body.Jurisdiction is not null && body.Jurisdiction != was.Jurisdiction)
            throw UnitEndpoints.Invalid("jurisdiction", "人员的归属不能修改；请新建人员。A person's jurisdiction does not change.");
        var (name, role, phone, organisation) = Validate(body.Name ?? was.Name, body.Role ?? was.Role, body.Phone ?? was.Phone, body.Organisation ?? was.Organisation);
        await using var conn = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("UPDATE person SET name = $2, role = $3, phone = $4, organisation = $5, updated_at = now() WHERE id = $1", conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(name!);
            cmd.Parameters.AddWithValue(role!);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)phone ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)organisation ?? DBNull.Value);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await UnitWrites.AuditAsync(conn, tx, Township(was.Jurisdiction), http.User.Actor(), "update", "person", Id(id), new { role }, ct);
        await NotifyTownshipsAsync(conn, tx, id, ct);
        await tx.CommitAsync(ct);
        return new PersonDto(id, was.Jurisdiction, role!, Vocabulary.Label(Vocabulary.Roles, role!), name!, phone, organisation);
    }

    private static async Task<IResult> Delete(long id, HttpContext http, [AsParameters] UnitEndpoints.Services s, CancellationToken ct)
    {
        var was = await Find(s.Db, id, http, ct);
        await using var conn = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        //-- On Citus the reads of the person's assignments span shards, and the person (a reference table)
        //-- is deleted after them with its assignments by cascade: one connection per worker throughout, or
        //-- Citus refuses the delete after a parallel read. Plain PostgreSQL takes the setting as a placeholder.
        await using (var sequential = new NpgsqlCommand("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'", conn, tx))
            await sequential.ExecuteNonQueryAsync(ct);
        //-- The person locked first: an assignment made meanwhile waits (or fails its foreign key), so none
        //-- is deleted by the cascade without its "removed" notification below.
        await using (var lockPerson = new NpgsqlCommand("SELECT 1 FROM person WHERE id = $1 FOR UPDATE", conn, tx))
        {
            lockPerson.Parameters.AddWithValue(id);
            await lockPerson.ExecuteNonQueryAsync(ct);
        }
        await NotifyTownshipsAsync(conn, tx, id, ct);
        await WebhookOutbox.AssignmentsOfPersonRemovedAsync(conn, tx, id, ct);
        await using (var cmd = new NpgsqlCommand("DELETE FROM person WHERE id = $1", conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await UnitWrites.AuditAsync(conn, tx, Township(was.Jurisdiction), http.User.Actor(), "delete", "person", Id(id), new { role = was.Role }, ct);
        await tx.CommitAsync(ct);
        return Results.NoContent();
    }

    /// <summary>Tells every process that the townships where the person is assigned changed: the
    /// townships read first, the notifications sent by a statement of their own (on Citus a
    /// statement over assignments may run on the workers, where no API listens).</summary>
    private static async Task NotifyTownshipsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, CancellationToken ct)
    {
        var townships = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT DISTINCT township_code::text FROM unit_assignment WHERE person_id = $1", conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) townships.Add(r.GetString(0));
        }
        if (townships.Count == 0) return;
        await using var notify = new NpgsqlCommand($"SELECT pg_notify('{TownshipListener.DataChannel}', t) FROM unnest($1::text[]) t", conn, tx);
        notify.Parameters.AddWithValue(townships.ToArray());
        await notify.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Checked fields of a person; a 400 naming the field at fault (the Chinese column of an imported <paramref name="table"/>).</summary>
    internal static (string? Name, string? Role, string? Phone, string? Organisation) Validate(string? name, string? role, string? phone, string? organisation, bool table = false)
    {
        string F(string field, string column) => table ? column : field;
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 50) throw UnitEndpoints.Invalid(F("name", "姓名"), "姓名应为 1–50 个字符。A name has 1–50 characters.");
        var key = Vocabulary.Parse(Vocabulary.Roles, role) ?? throw UnitEndpoints.Invalid(F("role", "角色"), $"角色应为 {Vocabulary.Describe(Vocabulary.Roles)}。");
        organisation = string.IsNullOrWhiteSpace(organisation) ? null : organisation.Trim();
        if (organisation is { Length: > 200 }) throw UnitEndpoints.Invalid(F("organisation", "单位"), "单位最多 200 个字符。At most 200 characters.");
        return (name, key, PhoneNumber.Normalize(phone, F("phone", "电话")), organisation);
    }

    private static async Task<PersonDto> Find(NpgsqlDataSource db, long id, HttpContext http, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"{Select} WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct) || !http.User.Covers(r.GetString(1)))
            throw new ApiException(404, "人员不存在 (Unknown person)", $"There is no person {id}.", new() { ["field"] = "id" });
        return Read(r);
    }

    internal static PersonDto Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), Vocabulary.Label(Vocabulary.Roles, r.GetString(2)),
        r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5));

    private static string? Township(string jurisdiction) => jurisdiction.Length >= 9 ? jurisdiction[..9] : null;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
