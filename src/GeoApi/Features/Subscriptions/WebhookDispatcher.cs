using Hangfire;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Subscriptions;

/// <summary>Turns the outbox (<c>webhook_event</c>, written by <c>Infrastructure/WebhookOutbox</c> in the publishing or
/// assigning transaction) into deliveries, one per active subscription whose township prefix and event
/// kinds match, and enqueues a drain of each subscription touched (<see cref="WebhookJob"/>). Runs
/// after every publish and data change this process hears of (an <see cref="Infrastructure.ITownshipObserver"/>,
/// as the lookup index does), at start-up and from the minutely sweep; one dispatcher at a time
/// across processes (an advisory lock), so deliveries follow the events' order.</summary>
public sealed class WebhookDispatcher(NpgsqlDataSource db, IBackgroundJobClient jobs, Infrastructure.ICrosswalkChanges crosswalks, ILogger<WebhookDispatcher> logger) : Infrastructure.ITownshipObserver
{
    private const long LockKey = 0x5745_4248_4f4f_4b53; // "WEBHOOKS"

    /// <summary>Dispatches every pending event; returns how many deliveries it created.</summary>
    public async Task<int> DispatchAsync(CancellationToken ct)
    {
        var touched = new HashSet<long>();
        int created = 0;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await using (var lk = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", conn, tx))
            {
                lk.Parameters.AddWithValue(LockKey);
                await lk.ExecuteNonQueryAsync(ct);
            }
            var events = new List<(long Id, string Kind, string Township, int? Version, int? Previous, string Detail, DateTime At)>();
            await using (var cmd = new NpgsqlCommand(
                "SELECT id, kind, township_code::text, version, previous_version, detail::text, at FROM webhook_event WHERE dispatched_at IS NULL ORDER BY id LIMIT 500", conn, tx))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                    events.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.IsDBNull(4) ? null : r.GetInt32(4),
                        r.GetString(5), r.GetDateTime(6)));
            foreach (var e in events)
            {
                await using var done = new NpgsqlCommand("UPDATE webhook_event SET dispatched_at = now() WHERE id = $1", conn, tx);
                done.Parameters.AddWithValue(e.Id);
                //-- No subscription wants it: no payload to build (a crosswalk's diff reads two crosswalks).
                await using (var wanted = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM subscription s WHERE s.active AND $1 LIKE s.township_prefix || '%' AND $2 = ANY (s.events))", conn, tx))
                {
                    wanted.Parameters.AddWithValue(e.Township);
                    wanted.Parameters.AddWithValue(e.Kind);
                    if (!(bool)(await wanted.ExecuteScalarAsync(ct))!)
                    {
                        await done.ExecuteNonQueryAsync(ct);
                        continue;
                    }
                }
                var payload = await WebhookPayloads.BuildAsync(conn, tx, crosswalks, e.Id, e.Kind, e.Township, e.Version, e.Previous, e.Detail, e.At, ct);
                await using var insert = new NpgsqlCommand("""
                    INSERT INTO webhook_delivery (subscription_id, event_id, idempotency_key, kind, payload)
                    SELECT s.id, $1, $2, $3, $4::jsonb FROM subscription s
                    WHERE s.active AND $5 LIKE s.township_prefix || '%' AND $3 = ANY (s.events)
                    ON CONFLICT (subscription_id, event_id) DO NOTHING
                    RETURNING subscription_id
                    """, conn, tx);
                insert.Parameters.AddWithValue(e.Id);
                insert.Parameters.AddWithValue(WebhookPayloads.Key(e.Id));
                insert.Parameters.AddWithValue(e.Kind);
                insert.Parameters.AddWithValue(payload.ToJsonString());
                insert.Parameters.AddWithValue(e.Township);
                await using (var r = await insert.ExecuteReaderAsync(ct))
                    while (await r.ReadAsync(ct)) { touched.Add(r.GetInt64(0)); created++; }
                await done.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        foreach (var s in touched) jobs.Enqueue<WebhookJob>(j => j.DrainAsync(s, CancellationToken.None));
        return created;
    }

    public Task LoadAllAsync(CancellationToken ct) => SafeDispatchAsync(ct);

    public Task PublishedAsync(string townshipCode, CancellationToken ct) => SafeDispatchAsync(ct);

    public Task DataChangedAsync(string townshipCode, CancellationToken ct) => SafeDispatchAsync(ct);

    //-- An observer never fails the publish or the listener: what is not dispatched now stays in the
    //-- outbox for the next change or the minutely sweep.
    private async Task SafeDispatchAsync(CancellationToken ct)
    {
        try { await DispatchAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Webhook events not dispatched yet: {Message}", e.Message);
        }
    }
}
