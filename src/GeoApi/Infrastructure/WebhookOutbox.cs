using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>The change-notification outbox (<c>webhook_event</c>, migration 0016): every write that
/// publishes a version or changes an assignment adds its rows here, in its own transaction, so the
/// change and its notification commit together or not at all. The same statements run on plain
/// PostgreSQL and on Citus, where the outbox is a coordinator table and each row statement reads one
/// township's shard (and reference tables) into it, a deleted person's every shard (Citus commits
/// both with two-phase commit). Up to
/// migration 0019 triggers wrote these rows on plain PostgreSQL; a trigger on a distributed table
/// runs on a worker, where the outbox is not, so migration 0020 dropped them for this one mechanism.
/// Nothing is written while no subscription is active; the dispatcher (<c>WebhookJob</c>) turns the
/// rows into deliveries.</summary>
public static class WebhookOutbox
{
    /// <summary>A publish of <paramref name="version"/> of a township's partition, replacing
    /// <paramref name="previous"/>: <c>version.published</c>, and a <c>crosswalk.changed</c> per
    /// departmental layer of the township when a version was replaced (each crosswalk's partition side moved).</summary>
    public static async Task PartitionPublishedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township, int version, int? previous,
        CancellationToken ct)
    {
        if (!await SubscribedAsync(conn, tx, ct)) return;
        await ExecuteAsync(conn, tx, """
            INSERT INTO webhook_event (kind, township_code, version, previous_version) VALUES ('version.published', $1, $2, $3::int)
            """, township, [version, previous is { } p ? p : DBNull.Value], ct);
        if (previous is null) return;
        await ExecuteAsync(conn, tx, """
            INSERT INTO webhook_event (kind, township_code, version, previous_version, detail)
            SELECT 'crosswalk.changed', l.township_code, $2, $3,
                   jsonb_build_object('layer', l.layer, 'side', 'partition',
                       'fromLayerVersion', l.current_version, 'fromPartitionVersion', $3::int,
                       'toLayerVersion', l.current_version, 'toPartitionVersion', $2::int)
            FROM dept_layer l WHERE l.township_code = $1 ORDER BY l.layer
            """, township, [version, previous], ct);
    }

    /// <summary>A new version <paramref name="version"/> of departmental layer <paramref name="layer"/>
    /// replacing <paramref name="previous"/>: a <c>crosswalk.changed</c> against the township's current
    /// partition, when it has one (the crosswalk's layer side moved).</summary>
    public static async Task LayerPublishedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township, string layer, int version, int previous,
        CancellationToken ct)
    {
        if (!await SubscribedAsync(conn, tx, ct)) return;
        await ExecuteAsync(conn, tx, """
            INSERT INTO webhook_event (kind, township_code, version, previous_version, detail)
            SELECT 'crosswalk.changed', s.township_code, s.current_version, s.current_version,
                   jsonb_build_object('layer', $2::text, 'side', 'layer',
                       'fromLayerVersion', $4::int, 'fromPartitionVersion', s.current_version,
                       'toLayerVersion', $3::int, 'toPartitionVersion', s.current_version)
            FROM township_state s WHERE s.township_code = $1 AND s.current_version IS NOT NULL
            """, township, [layer, version, previous], ct);
    }

    /// <summary><c>assignment.changed</c> rows for assignments <paramref name="ids"/> of a township:
    /// after they were inserted (<paramref name="change"/> "added") or before they are deleted ("removed").</summary>
    public static async Task AssignmentsChangedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township, IReadOnlyCollection<long> ids,
        string change, CancellationToken ct)
    {
        if (ids.Count == 0 || !await SubscribedAsync(conn, tx, ct)) return;
        await ExecuteAsync(conn, tx, AssignmentRows("a.township_code = $1 AND a.id = ANY($3)"), township, [change, ids.ToArray()], ct);
    }

    /// <summary>"removed" rows for every assignment of person <paramref name="personId"/>, before the
    /// person (and with them, by the foreign key's cascade, their assignments) is deleted.</summary>
    public static async Task AssignmentsOfPersonRemovedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long personId, CancellationToken ct)
    {
        if (!await SubscribedAsync(conn, tx, ct)) return;
        //-- Over every township the person serves (on Citus, every shard): a rare write, not a hot one.
        await using var cmd = new NpgsqlCommand(AssignmentRows("a.person_id = $1"), conn, tx);
        cmd.Parameters.AddWithValue(personId);
        cmd.Parameters.AddWithValue("removed");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The row of an <c>assignment.changed</c> ($2 = the change) for each assignment <paramref name="where"/> picks.</summary>
    private static string AssignmentRows(string where) => $"""
        INSERT INTO webhook_event (kind, township_code, detail)
        SELECT 'assignment.changed', a.township_code, jsonb_build_object('change', $2::text, 'assignmentId', a.id, 'code', a.code,
            'personId', a.person_id, 'role', p.role, 'validFrom', a.valid_from, 'validTo', a.valid_to)
        FROM unit_assignment a LEFT JOIN person p ON p.id = a.person_id
        WHERE {where}
        ORDER BY a.township_code, a.id
        """;

    /// <summary>Whether any subscription is active: a statement of its own, on the coordinator's
    /// tables only, so the row statements are plain reads of the shards on Citus.</summary>
    private static async Task<bool> SubscribedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM subscription WHERE active)", conn, tx);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>Runs <paramref name="sql"/> with $1 the township (as the distribution column's type) and the other parameters after it.</summary>
    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, string township, object[] more,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddTownship(township);
        foreach (var a in more) cmd.Parameters.AddWithValue(a);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
