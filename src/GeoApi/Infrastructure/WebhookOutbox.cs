using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>The change-notification outbox rows a publish writes itself where the database has no
/// trigger to write them. On plain PostgreSQL the trigger <c>township_state_webhook</c> (migrations
/// 0016, 0018) writes <c>version.published</c> in the publishing transaction; on Citus
/// <see cref="CitusLayout"/> drops it (a trigger on a distributed table runs on a worker, where the
/// outbox is not), and this statement, run in the same transaction on the coordinator, writes the
/// row instead: the outbox is a coordinator table, so it commits with the publish (Citus'
/// two-phase commit) or not at all. It checks for the trigger, so exactly one of the two writes.
/// Assignments of people to units likewise: <c>unit_assignment_webhook</c> writes
/// <c>assignment.changed</c> on plain PostgreSQL, <see cref="AssignmentsChangedAsync"/> on Citus.</summary>
public static class WebhookOutbox
{
    /// <summary>$1 = township code (char(9)), $2 = the version published, $3 = the one it replaced (or null).</summary>
    public const string PublishedSql = """
        INSERT INTO webhook_event (kind, township_code, version, previous_version)
        SELECT 'version.published', $1, $2, $3
        WHERE EXISTS (SELECT 1 FROM subscription WHERE active)
          AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'township_state'::regclass AND tgname = 'township_state_webhook')
        """;

    /// <summary>The <c>assignment.changed</c> rows for assignments <paramref name="ids"/> of a township, as
    /// the trigger writes them, where it is not there to: after an insert ("added"), before a delete ("removed").</summary>
    public static async Task AssignmentsChangedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township, IReadOnlyCollection<long> ids,
        string change, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        //-- Local tables and the catalogue first, in a statement of their own: the row statement below is
        //-- then a plain read of one township's shard (and a reference table) into the coordinator's outbox.
        await using (var needed = new NpgsqlCommand("""
            SELECT EXISTS (SELECT 1 FROM subscription WHERE active)
               AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'unit_assignment'::regclass AND tgname = 'unit_assignment_webhook')
            """, conn, tx))
        {
            if (await needed.ExecuteScalarAsync(ct) is not true) return;
        }
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO webhook_event (kind, township_code, detail)
            SELECT 'assignment.changed', a.township_code, jsonb_build_object('change', $3::text, 'assignmentId', a.id, 'code', a.code,
                'personId', a.person_id, 'role', p.role, 'validFrom', a.valid_from, 'validTo', a.valid_to)
            FROM unit_assignment a LEFT JOIN person p ON p.id = a.person_id
            WHERE a.township_code = $1 AND a.id = ANY($2)
            ORDER BY a.id
            """, conn, tx);
        cmd.Parameters.AddTownship(township);
        cmd.Parameters.AddWithValue(ids.ToArray());
        cmd.Parameters.AddWithValue(change);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
