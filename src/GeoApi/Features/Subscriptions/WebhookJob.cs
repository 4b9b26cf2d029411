using System.Diagnostics;
using System.Text;
using Hangfire;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Subscriptions;

/// <summary>Delivers a subscription's notifications in order, at least once: one drain per
/// subscription at a time (a session advisory lock), oldest pending delivery first, each an
/// HMAC-signed POST (<see cref="WebhookSignature"/>) logged in <c>webhook_attempt</c>. A 2xx marks it
/// delivered; anything else leaves it pending and schedules the drain again after a growing delay
/// (<see cref="WebhookOptions"/>), so later notifications wait behind it and none is lost while the
/// receiver is down. After the last attempt it is marked failed and the next goes.</summary>
public sealed class WebhookJob(NpgsqlDataSource db, IHttpClientFactory clients, IBackgroundJobClient jobs, WebhookDispatcher dispatcher,
    WebhookOptions options, TimeProvider clock, ILogger<WebhookJob> logger)
{
    public const string HttpClientName = "webhooks", SweepId = "webhook-sweep";
    private const int LockSpace = 0x5748; // "WH"

    private sealed record Pending(long Id, string Key, string Kind, string Payload, int Attempts, DateTime Due, string Url, string Secret);

    [AutomaticRetry(Attempts = 0)]
    public async Task DrainAsync(long subscriptionId, CancellationToken ct)
    {
        while (true)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            if (!await LockAsync(conn, "pg_try_advisory_lock", subscriptionId, ct)) return;
            bool more;
            try { more = await DrainLockedAsync(conn, subscriptionId, ct); }
            finally { await LockAsync(conn, "pg_advisory_unlock", subscriptionId, CancellationToken.None); }
            //-- A delivery written while this drain held the lock had its own drain turned away: look again.
            if (!more || !await DueAsync(conn, subscriptionId, ct)) return;
        }
    }

    /// <summary>The minutely sweep: events no process dispatched (a lost notification), and drains for due deliveries.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task SweepAsync(CancellationToken ct)
    {
        await dispatcher.DispatchAsync(ct);
        await using var cmd = db.CreateCommand("SELECT DISTINCT subscription_id FROM webhook_delivery WHERE state = 'pending' AND next_attempt_at <= now()");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetInt64(0);
            jobs.Enqueue<WebhookJob>(j => j.DrainAsync(id, CancellationToken.None));
        }
    }

    /// <summary>Delivers until nothing is due; false when it stopped on a failure (a drain is scheduled).</summary>
    private async Task<bool> DrainLockedAsync(NpgsqlConnection conn, long subscriptionId, CancellationToken ct)
    {
        while (await NextAsync(conn, subscriptionId, ct) is { } next)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            if (next.Due > now)
            {
                jobs.Schedule<WebhookJob>(j => j.DrainAsync(subscriptionId, CancellationToken.None), next.Due - now);
                return false;
            }
            var (status, error, ms) = await SendAsync(next, ct);
            bool ok = status is >= 200 and < 300;
            int attempts = next.Attempts + 1;
            string state = ok ? "delivered" : attempts >= options.MaxAttempts ? "failed" : "pending";
            var due = now + options.Backoff(attempts);
            await using var cmd = new NpgsqlCommand("""
                WITH a AS (INSERT INTO webhook_attempt (delivery_id, status, error, duration_ms) VALUES ($1, $2, $3, $4))
                UPDATE webhook_delivery SET attempts = $5, state = $6, next_attempt_at = $7, delivered_at = CASE WHEN $6 = 'delivered' THEN now() END
                WHERE id = $1
                """, conn);
            cmd.Parameters.AddWithValue(next.Id);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Integer, status is null ? DBNull.Value : status.Value);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, error is null ? DBNull.Value : error);
            cmd.Parameters.AddWithValue(ms);
            cmd.Parameters.AddWithValue(attempts);
            cmd.Parameters.AddWithValue(state);
            cmd.Parameters.AddWithValue(due);
            await cmd.ExecuteNonQueryAsync(ct);
            if (state == "pending")
            {
                logger.LogInformation("Webhook delivery {Id} to subscription {Subscription} failed ({Status} {Error}); retry in {Delay}", next.Id, subscriptionId, status, error, due - now);
                jobs.Schedule<WebhookJob>(j => j.DrainAsync(subscriptionId, CancellationToken.None), due - now);
                return false;
            }
            if (state == "failed") logger.LogWarning("Webhook delivery {Id} to subscription {Subscription} failed after {Attempts} attempts", next.Id, subscriptionId, attempts);
        }
        return true;
    }

    private async Task<(int? Status, string? Error, int Ms)> SendAsync(Pending next, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(next.Payload);
        long timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, next.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.EventHeader, next.Kind);
        request.Headers.Add(WebhookSignature.DeliveryHeader, next.Key);
        request.Headers.Add("Idempotency-Key", next.Key);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(next.Secret, timestamp, body));
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            return ((int)response.StatusCode, response.IsSuccessStatusCode ? null : response.ReasonPhrase, (int)watch.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return (null, e is OperationCanceledException ? "timeout" : e.Message, (int)watch.ElapsedMilliseconds);
        }
    }

    /// <summary>The oldest pending delivery of an active subscription (events in order).</summary>
    private static async Task<Pending?> NextAsync(NpgsqlConnection conn, long subscriptionId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT d.id, d.idempotency_key, d.kind, d.payload::text, d.attempts, d.next_attempt_at, s.url, s.secret
            FROM webhook_delivery d JOIN subscription s ON s.id = d.subscription_id
            WHERE d.subscription_id = $1 AND d.state = 'pending' AND s.active ORDER BY d.event_id LIMIT 1
            """, conn);
        cmd.Parameters.AddWithValue(subscriptionId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Pending(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetDateTime(5), r.GetString(6), r.GetString(7));
    }

    private static async Task<bool> DueAsync(NpgsqlConnection conn, long subscriptionId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM webhook_delivery WHERE subscription_id = $1 AND state = 'pending' AND next_attempt_at <= now())", conn);
        cmd.Parameters.AddWithValue(subscriptionId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<bool> LockAsync(NpgsqlConnection conn, string function, long subscriptionId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {function}($1, $2)", conn);
        cmd.Parameters.AddWithValue(LockSpace);
        cmd.Parameters.AddWithValue((int)subscriptionId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
