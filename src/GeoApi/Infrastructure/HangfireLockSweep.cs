using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Frees Hangfire's short locks that nobody holds any more. The PostgreSQL storage keeps a
/// lock as a committed row in <c>hangfire.lock</c>, tied to no session, and deletes it when released;
/// a row is taken over by another process only once it is <c>DistributedLockTimeout</c> (10 minutes)
/// old. A database restart can leave such a row behind: a release that failed as the connection was
/// terminated, or an acquisition whose commit went through while its answer was lost (the process
/// then waits for its own lock). Left alone, the job behind a lost <c>job:N:state-lock</c> stayed
/// "Enqueued" for 10 minutes while every worker was idle, and a killed process's recurring-job locks
/// held back the recurring schedule as long. The locks swept here guard one state change or one
/// pass of a scheduler, milliseconds each, so one older than <see cref="ShortLockAge"/> is nobody's;
/// locks held for a whole job (<c>DisableConcurrentExecution</c>) keep the 10-minute expiry.
/// Every process that uses Hangfire runs the sweep; running it twice at once deletes nothing twice.</summary>
public sealed class HangfireLockSweep(NpgsqlDataSource db, ILogger<HangfireLockSweep> logger) : BackgroundService
{
    /// <summary>Older than this, a short lock was left by a fault or a dead process.</summary>
    public static readonly TimeSpan ShortLockAge = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>The resources of Hangfire's short locks: a job's state change, the recurring-job
    /// scheduler and its registrations, the delayed-job poller (the storage prefixes each with "hangfire:").</summary>
    private static readonly string[] ShortLocks =
        ["hangfire:job:%:state-lock", "hangfire:lock:recurring-job:%", "hangfire:recurring-jobs:lock", "hangfire:locks:schedulepoller"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                //-- Never take the host down; with the database away the next pass sweeps what this one could not.
                if (!TransientFaults.IsTransient(e)) logger.LogWarning(e, "Hangfire lock sweep failed; retrying: {Message}", e.Message);
            }
            try { await Task.Delay(Interval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Deletes the short locks older than <see cref="ShortLockAge"/>; the resources freed.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            DELETE FROM hangfire.lock WHERE acquired < now() - $1 AND resource LIKE ANY ($2)
            RETURNING resource, now() - acquired
            """);
        cmd.Parameters.AddWithValue(ShortLockAge);
        cmd.Parameters.AddWithValue(ShortLocks);
        var freed = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            freed.Add(r.GetString(0));
            logger.LogWarning("Freed Hangfire lock {Resource}, left {Age:F0} s ago by a fault or a stopped process", r.GetString(0), r.GetTimeSpan(1).TotalSeconds);
        }
        return freed;
    }
}
