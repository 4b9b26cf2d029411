namespace GridSpatial.GeoApi.Features.Subscriptions;

/// <summary>How notifications are delivered (configuration section <c>Webhooks</c>): a failed
/// delivery is retried after <see cref="RetryBaseSeconds"/> × 2^(attempts − 1), at most
/// <see cref="MaxDelaySeconds"/>, until <see cref="MaxAttempts"/> attempts (then it is marked failed
/// and the next one goes); each POST waits at most <see cref="TimeoutSeconds"/>.</summary>
public sealed record WebhookOptions
{
    public double RetryBaseSeconds { get; init; } = 2;
    public double MaxDelaySeconds { get; init; } = 600;
    public int MaxAttempts { get; init; } = 15;
    public double TimeoutSeconds { get; init; } = 10;

    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxDelaySeconds, RetryBaseSeconds * Math.Pow(2, Math.Max(0, attempts - 1))));
}
