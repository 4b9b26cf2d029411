using System.Security.Cryptography;
using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Subscriptions;

/// <summary><c>/api/subscriptions</c>: change notifications for event systems (吹哨/派单) holding codes.
/// A subscription names a URL, a secret (given, or generated and shown once), a township code prefix
/// within the caller's jurisdiction and the event kinds (<see cref="Kinds"/>); its delivery log lists
/// every notification and attempt. Administrators only (the secret signs what receivers trust).</summary>
public static class SubscriptionEndpoints
{
    public static readonly string[] Kinds = ["version.published", "assignment.changed", "crosswalk.changed"];

    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(config.GetSection("Webhooks").Get<WebhookOptions>() ?? new WebhookOptions());
        services.AddHttpClient(WebhookJob.HttpClientName, c => c.DefaultRequestHeaders.UserAgent.ParseAdd("GridSpatial-Webhooks/1"));
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<ITownshipObserver>(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddTransient<WebhookJob>();
        return services;
    }

    public static void RegisterRecurringJob(IServiceProvider services, IConfiguration config) =>
        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<WebhookJob>(WebhookJob.SweepId, j => j.SweepAsync(CancellationToken.None),
            config["Webhooks:SweepCron"] ?? Cron.Minutely());

    public static IEndpointRouteBuilder MapSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/subscriptions").WithTags("Subscriptions").RequireAuthorization(Roles.Administer);
        g.MapPost("", Create).WithSummary("Subscribe a URL to change notifications: {url, secret? (16+ characters; generated and shown once when absent), townshipPrefix (a code prefix within your jurisdiction), events: version.published | assignment.changed | crosswalk.changed}. Each notification is an HMAC-SHA256-signed POST (X-GridSpatial-Signature: sha256=HMAC(secret, timestamp + '.' + body)), retried with backoff until a 2xx, in order, with an idempotency key (X-GridSpatial-Delivery).");
        g.MapGet("", List).WithSummary("The subscriptions within your jurisdiction (secrets are never shown again).");
        g.MapDelete("/{id:long}", Delete).WithSummary("End a subscription; its pending notifications are dropped.");
        g.MapGet("/{id:long}/deliveries", Deliveries).WithSummary("The delivery log: the latest notifications (?limit=, 100 by default) with state, attempts and each attempt's status.");
        return app;
    }

    public sealed record SubscriptionRequest(string? Url, string? Secret, string? TownshipPrefix, string[]? Events);

    public sealed record Subscription(long Id, string Url, string TownshipPrefix, IReadOnlyList<string> Events, bool Active, string CreatedBy, DateTime CreatedAt)
    {
        /// <summary>Only in the answer that created it.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public string? Secret { get; init; }
    }

    public sealed record Delivery(long Id, string IdempotencyKey, string Kind, string State, int Attempts, DateTime NextAttemptAt, DateTime? DeliveredAt,
        System.Text.Json.JsonElement Payload, IReadOnlyList<Attempt> AttemptLog);

    public sealed record Attempt(DateTime At, int? Status, string? Error, int DurationMs);

    private static async Task<Created<Subscription>> Create(SubscriptionRequest body, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!Uri.TryCreate(body.Url?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw Invalid("url", "url 应为 http:// 或 https:// 开头的完整地址。url must be an absolute http or https URL.");
        var secret = body.Secret ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        if (secret.Length is < 16 or > 200) throw Invalid("secret", "secret 应为 16–200 个字符。secret must be 16 to 200 characters.");
        var prefix = body.TownshipPrefix?.Trim() ?? "";
        if (prefix.Length > 9 || !prefix.All(char.IsAsciiDigit))
            throw Invalid("townshipPrefix", "townshipPrefix 应为至多 9 位数字的代码前缀。townshipPrefix must be a code prefix of up to 9 digits.");
        var jurisdiction = http.User.Jurisdiction() ?? "";
        //-- Within the caller's jurisdiction: a narrower key may not subscribe to more than it can read.
        if (!prefix.StartsWith(jurisdiction, StringComparison.Ordinal))
            throw new ApiException(403, "超出管辖范围 (Outside your jurisdiction)", $"townshipPrefix '{prefix}' is not within your jurisdiction '{jurisdiction}'.", new() { ["field"] = "townshipPrefix" });
        var events = body.Events is { Length: > 0 } e ? e.Distinct(StringComparer.Ordinal).ToArray() : Kinds;
        if (events.FirstOrDefault(k => !Kinds.Contains(k)) is { } bad)
            throw Invalid("events", $"未知的事件“{bad}”；可选 {string.Join("、", Kinds)}。Unknown event '{bad}'; use {string.Join(", ", Kinds)}.");
        await using var cmd = db.CreateCommand("""
            INSERT INTO subscription (url, secret, township_prefix, events, created_by) VALUES ($1, $2, $3, $4, $5)
            RETURNING id, created_at
            """);
        cmd.Parameters.AddWithValue(url.ToString());
        cmd.Parameters.AddWithValue(secret);
        cmd.Parameters.AddWithValue(prefix);
        cmd.Parameters.AddWithValue(events);
        cmd.Parameters.AddWithValue(http.User.Actor());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var created = new Subscription(r.GetInt64(0), url.ToString(), prefix, events, true, http.User.Actor(), r.GetDateTime(1)) { Secret = secret };
        return TypedResults.Created($"/api/subscriptions/{created.Id}", created);
    }

    private static async Task<List<Subscription>> List(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, url, township_prefix, events, active, created_by, created_at FROM subscription WHERE township_prefix LIKE $1 || '%' ORDER BY id
            """);
        cmd.Parameters.AddWithValue(http.User.Jurisdiction() ?? "");
        var list = new List<Subscription>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new Subscription(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3), r.GetBoolean(4), r.GetString(5), r.GetDateTime(6)));
        return list;
    }

    private static async Task<Results<NoContent, NotFound>> Delete(long id, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM subscription WHERE id = $1 AND township_prefix LIKE $2 || '%'");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(http.User.Jurisdiction() ?? "");
        return await cmd.ExecuteNonQueryAsync(ct) == 1 ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<List<Delivery>>, NotFound>> Deliveries(long id, int? limit, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT d.id, d.idempotency_key, d.kind, d.state, d.attempts, d.next_attempt_at, d.delivered_at, d.payload::text,
                   coalesce((SELECT jsonb_agg(jsonb_build_object('at', a.at, 'status', a.status, 'error', a.error, 'durationMs', a.duration_ms) ORDER BY a.id)
                             FROM webhook_attempt a WHERE a.delivery_id = d.id), '[]')::text
            FROM webhook_delivery d JOIN subscription s ON s.id = d.subscription_id
            WHERE d.subscription_id = $1 AND s.township_prefix LIKE $2 || '%' ORDER BY d.event_id DESC LIMIT $3
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(http.User.Jurisdiction() ?? "");
        cmd.Parameters.AddWithValue(Math.Clamp(limit ?? 100, 1, 1000));
        var list = new List<Delivery>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new Delivery(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetDateTime(5),
                r.IsDBNull(6) ? null : r.GetDateTime(6), System.Text.Json.JsonDocument.Parse(r.GetString(7)).RootElement.Clone(),
                System.Text.Json.JsonSerializer.Deserialize<List<Attempt>>(r.GetString(8), System.Text.Json.JsonSerializerOptions.Web)!));
        return list.Count == 0 && !await ExistsAsync(db, id, http.User.Jurisdiction() ?? "", ct) ? TypedResults.NotFound() : TypedResults.Ok(list);
    }

    private static async Task<bool> ExistsAsync(NpgsqlDataSource db, long id, string jurisdiction, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM subscription WHERE id = $1 AND township_prefix LIKE $2 || '%')");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(jurisdiction);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static ApiException Invalid(string field, string detail) =>
        new(400, "订阅参数无效 (Invalid subscription)", detail, new() { ["field"] = field });
}
