using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>What every write for a unit does in its transaction. First the unit adopts what it
/// holds after following the code history (<see cref="TownshipUnits.Resolve"/>): inherited attributes
/// and people become its own and its review version becomes the current one, so the clerk's write
/// starts from what they saw and clears the review flag. After the change, every process is told
/// (<c>gridspatial_data</c>) and the audit log records the write.</summary>
public static class UnitWrites
{
    /// <summary>A grid (15 digits) or micro-grid (18) code; a 400 naming <c>code</c> otherwise.</summary>
    public static string RequireUnitCode(string code) =>
        code.Length is 15 or 18 && code.All(char.IsAsciiDigit) ? code
            : throw new ApiException(400, "编码无效 (Not a unit code)", $"'{code}' 不是网格（15 位）或微网格（18 位）编码。Not a 15-digit grid or 18-digit micro-grid code.", new() { ["field"] = "code" });

    /// <summary>The current unit; 404 for a code never issued, 409 for a retired one (its successors hold it now).</summary>
    public static UnitRow RequireCurrent(TownshipUnits units, string code, string field = "code")
    {
        if (units.Current.TryGetValue(code, out var unit)) return unit;
        if (units.Lineage.Get(code) is { } retired)
            throw new ApiException(409, "编码已停用 (Retired code)", $"{code} 已停用，请在其后继单元上操作：{string.Join("、", retired.Successors)}。The code is retired; write to its successors.",
                new() { ["field"] = field, ["successors"] = retired.Successors });
        throw new ApiException(404, "编码不存在 (Unknown code)", $"没有单元使用过编码 {code}。No unit has ever had this code.", new() { ["field"] = field });
    }

    public static async Task AdoptAsync(NpgsqlConnection conn, NpgsqlTransaction tx, TownshipUnits units, string code, string actor, CancellationToken ct)
    {
        var r = units.Resolve(code);
        var a = r.Attributes;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO unit_attributes (township_code, code, name, unit_type, subtype, organisation, remarks, reviewed_version, updated_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (township_code, code) DO UPDATE SET reviewed_version = EXCLUDED.reviewed_version, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
            """, conn, tx))
        {
            cmd.Parameters.AddTownship(units.Township);
            cmd.Parameters.AddWithValue(code);
            foreach (var v in new[] { a?.Name, a?.Type, a?.Subtype, a?.Organisation, a?.Remarks })
                cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)v ?? DBNull.Value);
            cmd.Parameters.AddWithValue(units.Version ?? 0);
            cmd.Parameters.AddWithValue(actor);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var adopted = new List<long>();
        foreach (var p in r.People.Where(p => p.From is not null))
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO unit_assignment (township_code, code, person_id, valid_from, valid_to, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                """, conn, tx);
            cmd.Parameters.AddTownship(units.Township);
            cmd.Parameters.AddWithValue(code);
            cmd.Parameters.AddWithValue(p.Row.PersonId);
            cmd.Parameters.AddWithValue(p.Row.ValidFrom);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Date, p.Row.ValidTo is { } to ? to : DBNull.Value);
            cmd.Parameters.AddWithValue(actor);
            adopted.Add((long)(await cmd.ExecuteScalarAsync(ct))!);
        }
        await WebhookOutbox.AssignmentsChangedAsync(conn, tx, units.Township, adopted, "added", ct);
    }

    /// <summary>An audit row for a write (no names or phones in it) and the notification to every process.</summary>
    public static async Task AuditAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string? township, string actor, string action, string entity, string? id,
        object detail, CancellationToken ct)
    {
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO audit_log (township_code, actor, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)township ?? DBNull.Value);
            cmd.Parameters.AddWithValue(actor);
            cmd.Parameters.AddWithValue(action);
            cmd.Parameters.AddWithValue(entity);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)id ?? DBNull.Value);
            cmd.Parameters.AddWithValue(System.Text.Json.JsonSerializer.Serialize(detail, PeopleJson.Options));
            await cmd.ExecuteNonQueryAsync(ct);
        }
        if (township is not null) await TownshipState.NotifyChangedAsync(conn, tx, township, ct);
    }
}
