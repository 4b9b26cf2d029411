using Npgsql;
using Polly;
using Polly.Retry;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>The one retry policy for idempotent database steps (reads, coalescing recompute
/// requests, the scheduler's claims): up to four more tries over about three seconds, with
/// jitter, on <see cref="TransientFaults"/> only. Before each retry the pool of the data source
/// is cleared: after a restart every idle connection is dead, and finding that out one request
/// at a time is what turned a restart into a burst of failures.</summary>
public sealed class DatabaseRetry
{
    private readonly ResiliencePipeline _pipeline;

    public DatabaseRetry(NpgsqlDataSource db, ILogger<DatabaseRetry> logger)
    {
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && TransientFaults.IsTransient(e) && !Started(args.Context)),
                MaxRetryAttempts = 4,
                Delay = TimeSpan.FromMilliseconds(250),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    db.Clear();
                    logger.LogWarning("Transient database fault, retry {Attempt}: {Message}", args.AttemptNumber + 1, args.Outcome.Exception?.Message);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Set on a context when the step can no longer be repeated (an HTTP response has begun).</summary>
    public static readonly ResiliencePropertyKey<Func<bool>> NoLongerRepeatable = new("gridspatial.no-longer-repeatable");

    private static bool Started(ResilienceContext context) =>
        context.Properties.TryGetValue(NoLongerRepeatable, out var started) && started();

    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> step, CancellationToken ct) => _pipeline.ExecuteAsync(step, ct);

    public ValueTask ExecuteAsync(Func<CancellationToken, ValueTask> step, CancellationToken ct) => _pipeline.ExecuteAsync(step, ct);

    /// <summary>Runs a step that may be repeated only until <paramref name="noLongerRepeatable"/> says otherwise.</summary>
    public async ValueTask ExecuteAsync(Func<CancellationToken, ValueTask> step, Func<bool> noLongerRepeatable, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(NoLongerRepeatable, noLongerRepeatable);
        try
        {
            await _pipeline.ExecuteAsync(static (c, s) => s(c.CancellationToken), context, step);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
