namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>The change-notification outbox rows a publish writes itself where the database has no
/// trigger to write them. On plain PostgreSQL the trigger <c>township_state_webhook</c> (migrations
/// 0016, 0018) writes <c>version.published</c> in the publishing transaction; on Citus
/// <see cref="CitusLayout"/> drops it (a trigger on a distributed table runs on a worker, where the
/// outbox is not), and this statement, run in the same transaction on the coordinator, writes the
/// row instead: the outbox is a coordinator table, so it commits with the publish (Citus'
/// two-phase commit) or not at all. It checks for the trigger, so exactly one of the two writes.</summary>
public static class WebhookOutbox
{
    /// <summary>$1 = township code (char(9)), $2 = the version published, $3 = the one it replaced (or null).</summary>
    public const string PublishedSql = """
        INSERT INTO webhook_event (kind, township_code, version, previous_version)
        SELECT 'version.published', $1, $2, $3
        WHERE EXISTS (SELECT 1 FROM subscription WHERE active)
          AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'township_state'::regclass AND tgname = 'township_state_webhook')
        """;
}
