using GridSpatial.GeoApi.Infrastructure;
using Hangfire;
using Hangfire.States;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>When to recompute (DESIGN §3): a township marked dirty is requested once its changes
/// have been quiet for <see cref="RecomputeOptions.QuietSeconds"/>, or once it has waited
/// <see cref="RecomputeOptions.MaxWaitSeconds"/>, whatever the burst. The claim is one UPDATE per
/// data version with SKIP LOCKED, so any number of processes can run this loop and a township is
/// requested once; the request joins a job already waiting for it (<see cref="RecomputeRequests"/>).
/// Nothing stays dirty without a job: a township whose last job ended (failed, deleted, or done
/// while the township stayed dirty), never got a state, or was claimed longer ago than
/// <see cref="RecomputeOptions.ReclaimMinutes"/> is requested again. Jobs that a fault left
/// created but never queued (no state) are deleted, since their callers were told to retry.</summary>
public sealed class RecomputeScheduler(NpgsqlDataSource db, RecomputeRequests requests, JobStorage storage, RecomputeOptions options,
    ILogger<RecomputeScheduler> logger) : BackgroundService
{
    /// <summary>A job created this long ago and still without a state was cut short by a fault: swept.
    /// Hangfire gives a job its state milliseconds after creating it; should a slow creator still set it
    /// after the sweep, the job is queued after all (the sweep's Deleted state is overwritten).</summary>
    public static readonly TimeSpan StatelessJobAge = TimeSpan.FromSeconds(40);

    /// <summary>How often the sweep runs: a stateless job is gone at most this long after it is <see cref="StatelessJobAge"/> old.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var poll = TimeSpan.FromMilliseconds(options.PollMilliseconds);
        var lastSweep = DateTime.MinValue;
        while (!ct.IsCancellationRequested)
        {
            var wait = poll;
            try
            {
                await EnqueueDueAsync(ct);
                if (DateTime.UtcNow - lastSweep > SweepInterval)
                {
                    await SweepStatelessJobsAsync(ct);
                    lastSweep = DateTime.UtcNow;
                }
                wait = await UntilNextDueAsync(poll, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                //-- Never take the host down: the next pass tries again.
                logger.LogWarning(e, "Recompute scheduler failed; retrying: {Message}", e.Message);
            }
            await Task.Delay(wait, ct);
        }
    }

    /// <summary>How long to sleep: until the next township's quiet period (or longest wait) ends,
    /// when that comes before the next poll — a township is claimed when it is due, not up to a
    /// poll later. Changes made meanwhile are due a quiet period after them, hence after the next
    /// poll at the latest. One overdue but not claimed is another process's (SKIP LOCKED): no spin.</summary>
    private async Task<TimeSpan> UntilNextDueAsync(TimeSpan poll, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT extract(epoch FROM min(least(last_change_at + make_interval(secs => $1), dirty_since + make_interval(secs => $2))) - clock_timestamp())::float8
            FROM township_state WHERE dirty_since IS NOT NULL AND enqueued_data_version IS DISTINCT FROM data_version
            """);
        cmd.Parameters.AddWithValue(options.QuietSeconds);
        cmd.Parameters.AddWithValue(options.MaxWaitSeconds);
        if (await cmd.ExecuteScalarAsync(ct) is not double seconds || seconds < -0.05) return poll;
        //-- A few milliseconds past the instant, so the claim's now() is past it too.
        var due = TimeSpan.FromSeconds(Math.Max(seconds, 0) + 0.003);
        return due < poll ? due : poll;
    }

    public async Task<int> EnqueueDueAsync(CancellationToken ct)
    {
        //-- The due townships first, read without a lock; then each claimed on its own row, only if
        //-- no other process claimed it since (SKIP LOCKED, and the claim it read unchanged). One row
        //-- per statement: on Citus a claim is a single-shard statement (a locking read over every
        //-- township is refused there), and on one PostgreSQL it is the same claim.
        var due = new List<(string Township, long? Enqueued, DateTime? EnqueuedAt)>();
        await using (var cmd = db.CreateCommand("""
            SELECT t.township_code, t.enqueued_data_version, t.enqueued_at FROM township_state t LEFT JOIN hangfire.job j ON j.id = t.last_job_id
            WHERE t.dirty_since IS NOT NULL
              AND (t.last_change_at <= now() - make_interval(secs => $1) OR t.dirty_since <= now() - make_interval(secs => $2))
              AND (t.enqueued_data_version IS DISTINCT FROM t.data_version
                   OR t.enqueued_at < now() - make_interval(mins => $3)
                   OR (t.enqueued_at < now() - interval '5 seconds' AND (j.id IS NULL OR j.statename IN ('Succeeded', 'Failed', 'Deleted')))
                   OR (t.enqueued_at < now() - $4 AND j.statename IS NULL))
            """))
        {
            cmd.Parameters.AddWithValue(options.QuietSeconds);
            cmd.Parameters.AddWithValue(options.MaxWaitSeconds);
            cmd.Parameters.AddWithValue(options.ReclaimMinutes);
            //-- A job that never got a state is swept by then.
            cmd.Parameters.AddWithValue(StatelessJobAge + SweepInterval);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                due.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTime>(2)));
        }
        var claimed = new List<(string Township, long DataVersion)>();
        foreach (var (township, enqueued, enqueuedAt) in due)
        {
            await using var cmd = db.CreateCommand("""
                UPDATE township_state s SET enqueued_data_version = s.data_version, enqueued_at = now()
                WHERE s.township_code = $1 AND s.township_code IN (
                    SELECT t.township_code FROM township_state t
                    WHERE t.township_code = $1 AND t.dirty_since IS NOT NULL
                      AND t.enqueued_data_version IS NOT DISTINCT FROM $2 AND t.enqueued_at IS NOT DISTINCT FROM $3
                    FOR UPDATE OF t SKIP LOCKED)
                RETURNING s.data_version
                """);
            cmd.Parameters.AddTownship(township);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)enqueued ?? DBNull.Value);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)enqueuedAt ?? DBNull.Value);
            if (await cmd.ExecuteScalarAsync(ct) is long dataVersion) claimed.Add((township, dataVersion));
        }
        //-- Claimed and committed first: a request that then fails is claimed again by the rules above.
        foreach (var (township, dataVersion) in claimed)
        {
            var request = await requests.RequestAsync(township, "scheduler", $"household changes up to data version {dataVersion}", force: false, "default", ct);
            logger.LogInformation("Requested recompute of {Township} for data version {DataVersion}: job {Job}{Joined}", township, dataVersion,
                request.JobId, request.Joined ? " (joined)" : "");
        }
        return claimed.Count;
    }

    /// <summary>Deletes jobs that were created but never given a state (their creation was cut
    /// short by a fault, and the caller was answered 503), so none stays "Unknown". The state is set
    /// in the storage's own transaction: Hangfire's state changer (<c>IBackgroundJobClient.Delete</c>)
    /// leaves a job without a state alone, as one whose creator may still be about to set it.</summary>
    public async Task<int> SweepStatelessJobsAsync(CancellationToken ct)
    {
        var ids = new List<long>();
        //-- createdat is a timestamptz: compared with now() itself, whatever the session's time zone.
        await using (var cmd = db.CreateCommand("SELECT id FROM hangfire.job WHERE statename IS NULL AND createdat < now() - $1 LIMIT 1000"))
        {
            cmd.Parameters.AddWithValue(StatelessJobAge);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) ids.Add(r.GetInt64(0));
        }
        int deleted = 0;
        using var connection = storage.GetConnection();
        foreach (var id in ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            //-- Read again just before: a creator that did set the state after all keeps its job.
            if (connection.GetJobData(id) is not { State: null }) continue;
            using var transaction = connection.CreateWriteTransaction();
            transaction.SetJobState(id, new DeletedState { Reason = "created but never queued: a fault cut its creation short" });
            transaction.ExpireJob(id, TimeSpan.FromDays(1));
            transaction.Commit();
            deleted++;
        }
        if (deleted > 0) logger.LogWarning("Deleted {Count} jobs that were created but never queued", deleted);
        return deleted;
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
