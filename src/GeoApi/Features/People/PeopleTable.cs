using System.Globalization;
using System.Text;
using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Files.Sources;
using Npgsql;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>A township's people and assignments as a table a clerk keeps in Excel: one row per
/// assignment in force on a current unit (retired codes' assignments are in the review list) (a person without one has an empty 网格编码), columns 姓名, 角色 (the Chinese
/// label; keys are read too), 电话, 单位, 网格编码, 起始日期, 终止日期 (yyyy-MM-dd). What the export
/// writes, the import reads back unchanged.</summary>
public static class PeopleTable
{
    public static readonly string[] Header = ["姓名", "角色", "电话", "单位", "网格编码", "起始日期", "终止日期"];

    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private const int MaxBytes = 16 << 20;

    /// <summary>English names also accepted in an imported header.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "姓名", ["role"] = "角色", ["phone"] = "电话", ["organisation"] = "单位", ["code"] = "网格编码", ["valid_from"] = "起始日期", ["valid_to"] = "终止日期",
    };

    public static async Task ExportAsync(string code, string? format, HttpContext http, [AsParameters] UnitEndpoints.Services s, CancellationToken ct)
    {
        var township = TownshipPeopleEndpoints.Township(code);
        if (format is not (null or "csv" or "xlsx")) throw UnitEndpoints.Invalid("format", "format 应为 csv 或 xlsx。");
        var rows = new List<object?[]>();
        var ids = new List<long>();
        await using (var cmd = s.Db.CreateCommand("""
            SELECT p.id, p.name, p.role, p.phone, p.organisation, a.code, a.valid_from, a.valid_to
            FROM person p LEFT JOIN unit_assignment a ON a.person_id = p.id AND a.township_code = $1 AND (a.valid_to IS NULL OR a.valid_to >= current_date)
                AND EXISTS (SELECT 1 FROM code_registry c WHERE c.township_code = a.township_code AND c.code = a.code AND c.valid_to IS NULL)
            WHERE p.jurisdiction = $1 OR a.id IS NOT NULL
            ORDER BY p.name, p.id, a.code, a.valid_from
            """))
        {
            cmd.Parameters.AddTownship(township);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                ids.Add(r.GetInt64(0));
                rows.Add([r.GetString(1), Vocabulary.Label(Vocabulary.Roles, r.GetString(2)), Text(r, 3), Text(r, 4), Text(r, 5),
                    r.IsDBNull(6) ? null : Date(r.GetFieldValue<DateOnly>(6)), r.IsDBNull(7) ? null : Date(r.GetFieldValue<DateOnly>(7))]);
            }
        }
        s.Audit.Record(http.User, township, http.Request, ids);
        var name = $"people-{township}.{format ?? "csv"}";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        if (format == "xlsx")
        {
            http.Response.ContentType = XlsxType;
            //-- The zip is written in memory: ZipArchive needs synchronous writes to a seekable stream.
            using var buffer = new MemoryStream();
            await using (var sheet = await XlsxSheet.CreateAsync(buffer, "人员", ct))
            {
                await sheet.WriteRowAsync(Header);
                foreach (var row in rows) await sheet.WriteRowAsync(row);
            }
            buffer.Position = 0;
            await buffer.CopyToAsync(http.Response.Body, ct);
            return;
        }
        http.Response.ContentType = "text/csv; charset=utf-8";
        var csv = new StringBuilder("\uFEFF").AppendJoin(',', Header).Append("\r\n");
        foreach (var row in rows) csv.AppendJoin(',', row.Select(v => Csv.Field(v as string))).Append("\r\n");
        await http.Response.WriteAsync(csv.ToString(), ct);
    }

    public static async Task<ImportResult> ImportAsync(string code, HttpContext http, [AsParameters] UnitEndpoints.Services s, CancellationToken ct)
    {
        var township = TownshipPeopleEndpoints.Township(code);
        var table = await ReadAsync(http.Request, ct);
        if (table.Count == 0) throw UnitEndpoints.Invalid("$", "表格是空的。The table is empty.");
        var columns = table[0].Select(h => Aliases.GetValueOrDefault(h.Trim(), h.Trim())).ToList();
        foreach (var required in new[] { "姓名", "角色" })
            if (!columns.Contains(required)) throw UnitEndpoints.Invalid(required, $"表头缺少 {required}（表头：{string.Join("、", columns)}）。The header lacks {required}.");
        var units = await s.Directory.LoadAsync(township, ct);
        var today = DateOnly.FromDateTime(s.Clock.GetUtcNow().UtcDateTime);
        var parsed = new List<(string Name, string Role, string? Phone, string? Organisation, string? Code, DateOnly From, DateOnly? To)>();
        for (int i = 1; i < table.Count; i++)
        {
            string? Cell(string column) => columns.IndexOf(column) is var c and >= 0 && c < table[i].Count && table[i][c].Trim().Length > 0 ? table[i][c].Trim() : null;
            try
            {
                var (name, role, phone, organisation) = PeopleEndpoints.Validate(Cell("姓名"), Cell("角色"), Cell("电话"), Cell("单位"), table: true);
                var unit = Cell("网格编码");
                if (unit is not null)
                {
                    if (!unit.StartsWith(township, StringComparison.Ordinal) || unit.Length is not (15 or 18) || !unit.All(char.IsAsciiDigit))
                        throw UnitEndpoints.Invalid("网格编码", $"'{unit}' 不是本乡镇的网格或微网格编码。Not a grid or micro-grid code of {township}.");
                    UnitWrites.RequireCurrent(units, unit, "网格编码");
                }
                var from = ParseDate(Cell("起始日期"), "起始日期") ?? today;
                var to = ParseDate(Cell("终止日期"), "终止日期");
                if (to < from) throw UnitEndpoints.Invalid("终止日期", "终止日期早于起始日期。");
                parsed.Add((name!, role!, phone, organisation, unit, from, to));
            }
            catch (ApiException e)
            {
                var extensions = e.Extensions ?? [];
                extensions["row"] = i + 1;
                throw new ApiException(e.Status, e.Title, $"第 {i + 1} 行 (row {i + 1}): {e.Message}", extensions);
            }
        }

        var actor = http.User.Actor();
        int created = 0, updated = 0;
        await using var conn = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var adopted = new HashSet<string>(StringComparer.Ordinal);
        var madeIds = new List<long>();
        foreach (var row in parsed)
        {
            var (id, isNew, changed) = await UpsertPersonAsync(conn, tx, township, row.Name, row.Role, row.Phone, row.Organisation, ct);
            created += isNew ? 1 : 0;
            updated += changed ? 1 : 0;
            if (row.Code is null) continue;
            if (adopted.Add(row.Code)) await UnitWrites.AdoptAsync(conn, tx, units, row.Code, actor, ct);
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO unit_assignment (township_code, code, person_id, valid_from, valid_to, created_by)
                SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (
                    SELECT 1 FROM unit_assignment WHERE township_code = $1 AND code = $2 AND person_id = $3 AND valid_from = $4)
                RETURNING id
                """, conn, tx);
            cmd.Parameters.AddTownship(township);
            cmd.Parameters.AddWithValue(row.Code);
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(row.From);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Date, row.To is { } t ? t : DBNull.Value);
            cmd.Parameters.AddWithValue(actor);
            if (await cmd.ExecuteScalarAsync(ct) is long made) madeIds.Add(made);
        }
        await WebhookOutbox.AssignmentsChangedAsync(conn, tx, township, madeIds, "added", ct);
        var result = new ImportResult(parsed.Count, created, updated, madeIds.Count);
        await UnitWrites.AuditAsync(conn, tx, township, actor, "import", "person", null, result, ct);
        await tx.CommitAsync(ct);
        s.Directory.Invalidate(township);
        return result;
    }

    /// <summary>The person of the township (or its county) with this name and phone, updated to the row's role and organisation; created when there is none.</summary>
    private static async Task<(long Id, bool Created, bool Updated)> UpsertPersonAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township,
        string name, string role, string? phone, string? organisation, CancellationToken ct)
    {
        await using (var find = new NpgsqlCommand("""
            SELECT id, role = $4 AND organisation IS NOT DISTINCT FROM $5 FROM person
            WHERE jurisdiction IN ($1, left($1, 6)) AND name = $2 AND phone IS NOT DISTINCT FROM $3 ORDER BY length(jurisdiction) DESC, id LIMIT 1
            """, conn, tx))
        {
            find.Parameters.AddWithValue(township);
            find.Parameters.AddWithValue(name);
            find.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)phone ?? DBNull.Value);
            find.Parameters.AddWithValue(role);
            find.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)organisation ?? DBNull.Value);
            long? id = null;
            bool same = true;
            await using (var r = await find.ExecuteReaderAsync(ct))
                if (await r.ReadAsync(ct)) (id, same) = (r.GetInt64(0), r.GetBoolean(1));
            if (id is { } found)
            {
                if (same) return (found, false, false);
                await using var update = new NpgsqlCommand("UPDATE person SET role = $2, organisation = $3, updated_at = now() WHERE id = $1", conn, tx);
                update.Parameters.AddWithValue(found);
                update.Parameters.AddWithValue(role);
                update.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)organisation ?? DBNull.Value);
                await update.ExecuteNonQueryAsync(ct);
                return (found, false, true);
            }
        }
        await using var insert = new NpgsqlCommand("INSERT INTO person (jurisdiction, name, role, phone, organisation) VALUES ($1, $2, $3, $4, $5) RETURNING id", conn, tx);
        insert.Parameters.AddWithValue(township);
        insert.Parameters.AddWithValue(name);
        insert.Parameters.AddWithValue(role);
        insert.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)phone ?? DBNull.Value);
        insert.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)organisation ?? DBNull.Value);
        return ((long)(await insert.ExecuteScalarAsync(ct))!, true, false);
    }

    /// <summary>The uploaded table's rows (header first): XLSX told by its media type or its zip signature, else CSV.</summary>
    private static async Task<List<IReadOnlyList<string>>> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + n > MaxBytes) throw new ApiException(413, "文件过大 (Too large)", "人员表最大 16 MiB。", new() { ["field"] = "$" });
            body.Write(buffer, 0, n);
        }
        body.Position = 0;
        var head = body.GetBuffer().AsSpan(0, (int)Math.Min(4, body.Length));
        bool xlsx = (request.ContentType?.StartsWith(XlsxType, StringComparison.OrdinalIgnoreCase) ?? false) || head.StartsWith("PK\u0003\u0004"u8);
        var rows = new List<IReadOnlyList<string>>();
        try
        {
            if (xlsx) rows.AddRange(TableRows.Xlsx(body));
            else await foreach (var row in TableRows.CsvAsync(body, null, ct)) rows.Add(row);
        }
        catch (Exception e) when (e is InvalidDataException or DecoderFallbackException or InvalidOperationException)
        {
            throw new ApiException(400, "无法读取表格 (Unreadable table)", $"文件不是可读的 CSV 或 XLSX：{e.Message}", new() { ["field"] = "$" });
        }
        return rows;
    }

    private static DateOnly? ParseDate(string? value, string field) =>
        value is null ? null
            : DateOnly.TryParseExact(value, ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d", "yyyy.M.d", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw UnitEndpoints.Invalid(field, $"'{value}' 不是日期（yyyy-MM-dd）。Not a date.");

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i).Trim();
}
