using Hangfire;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>When to recompute (DESIGN §3): a township marked dirty is enqueued once its changes
/// have been quiet for <see cref="RecomputeOptions.QuietSeconds"/>, or once it has waited
/// <see cref="RecomputeOptions.MaxWaitSeconds"/>, whatever the burst. The claim is one UPDATE per
/// data version, so any number of processes can run this loop and a job is enqueued once; a
/// claim older than <see cref="RecomputeOptions.ReclaimMinutes"/> with the township still dirty
/// (a job lost with its process) is enqueued again.</summary>
public sealed class RecomputeScheduler(NpgsqlDataSource db, IBackgroundJobClient jobs, RecomputeOptions options, ILogger<RecomputeScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.PollMilliseconds));
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await EnqueueDueAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                //-- Never take the host down: the next tick tries again.
                logger.LogWarning(e, "Recompute scheduler failed; retrying");
            }
        }
    }

    public async Task<int> EnqueueDueAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var claimed = new List<(string Township, long DataVersion)>();
        await using (var cmd = new NpgsqlCommand("""
            UPDATE township_state s SET enqueued_data_version = s.data_version, enqueued_at = now()
            WHERE s.township_code IN (
                SELECT township_code FROM township_state
                WHERE dirty_since IS NOT NULL
                  AND (enqueued_data_version IS DISTINCT FROM data_version OR enqueued_at < now() - make_interval(mins => $3))
                  AND (last_change_at <= now() - make_interval(secs => $1) OR dirty_since <= now() - make_interval(secs => $2))
                FOR UPDATE SKIP LOCKED)
            RETURNING s.township_code, s.data_version
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(options.QuietSeconds);
            cmd.Parameters.AddWithValue(options.MaxWaitSeconds);
            cmd.Parameters.AddWithValue(options.ReclaimMinutes);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) claimed.Add((r.GetString(0), r.GetInt64(1)));
        }
        foreach (var (township, dataVersion) in claimed)
        {
            jobs.Enqueue<RecomputeJob>(j => j.RunAsync(township, "scheduler", $"household changes up to data version {dataVersion}", false, CancellationToken.None));
            logger.LogInformation("Enqueued recompute of {Township} for data version {DataVersion}", township, dataVersion);
        }
        await tx.CommitAsync(ct);
        return claimed.Count;
    }
}

/// <summary>Recompute timing, from configuration section <c>Recompute</c>.</summary>
public sealed record RecomputeOptions
{
    public double QuietSeconds { get; init; } = 2;
    public double MaxWaitSeconds { get; init; } = 30;
    public int ReclaimMinutes { get; init; } = 10;
    public int PollMilliseconds { get; init; } = 250;
    public bool Enabled { get; init; } = true;
}
