using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Frees Hangfire's locks that nobody holds any more. The PostgreSQL storage keeps a lock as
/// a committed row in <c>hangfire.lock</c>, tied to no session, and deletes it when released; another
/// process takes a row over only once it is <c>DistributedLockTimeout</c> (10 minutes) old. A database
/// restart can leave such a row behind: a release that failed as the connection was terminated, or an
/// acquisition whose commit went through while its answer was lost (the process then waits for its own
/// lock). Left alone, the job behind a lost <c>job:N:state-lock</c> stayed "Enqueued" for 10 minutes
/// while every worker was idle, and a killed process's recurring-job locks held back the recurring
/// schedule as long. A job's state lock and a recurring job's lock guard one state change or one
/// registration (milliseconds; a commit under them is bounded by the 30 s command timeout), so one older
/// than <see cref="ShortLockAge"/> is nobody's. The schedulers' own locks are held across a batch of
/// those (seconds; longer only while waiting on a state lock a fault left), and they guard nothing a
/// second scheduler could break: the delayed-job poller moves a job only while it is still Scheduled,
/// under the job's state lock, and the recurring-job scheduler takes each recurring job's own lock. So
/// one older than <see cref="SchedulerLockAge"/> is freed too: at worst two schedulers pass at once. (At
/// 3 minutes, a poller's lock a restart left held every delayed job — a recompute after its quiet
/// period — that long: the fault drill found its township still dirty 90 s after the last restart.)
/// Locks held for a whole job (<c>DisableConcurrentExecution</c>) keep Hangfire's expiry. The age is
/// the database's clock against the holder's (Hangfire writes <c>acquired</c> from the process): the
/// margins cover clocks a few seconds apart. Every process that uses Hangfire runs the sweep; running
/// it twice at once deletes nothing twice.</summary>
public sealed class HangfireLockSweep(NpgsqlDataSource db, ILogger<HangfireLockSweep> logger) : BackgroundService
{
    /// <summary>Older than this, a job's state lock or a recurring job's lock was left by a fault or a dead process.</summary>
    public static readonly TimeSpan ShortLockAge = TimeSpan.FromSeconds(60);

    /// <summary>Older than this, the recurring-job scheduler's or the delayed-job poller's lock is freed (left behind, or held
    /// by a scheduler waiting on a lost state lock, whose work a second scheduler may then share).</summary>
    public static readonly TimeSpan SchedulerLockAge = TimeSpan.FromSeconds(45);

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Resource patterns (the storage prefixes each with "hangfire:"): a job's state change, a recurring job's registration or run.</summary>
    private static readonly string[] ShortLocks = ["hangfire:job:%:state-lock", "hangfire:lock:recurring-job:%"];

    /// <summary>The recurring-job scheduler's and the delayed-job poller's locks.</summary>
    private static readonly string[] SchedulerLocks = ["hangfire:recurring-jobs:lock", "hangfire:locks:schedulepoller"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                //-- Never take the host down; with the database away the next pass sweeps what this one could not.
                if (!TransientFaults.IsTransient(e)) logger.LogWarning(e, "Hangfire lock sweep failed; retrying: {Message}", e.Message);
            }
            try { await Task.Delay(Interval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Deletes the locks left behind (<see cref="ShortLockAge"/>, <see cref="SchedulerLockAge"/>); the resources freed.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            DELETE FROM hangfire.lock
            WHERE (acquired < now() - $1 AND resource LIKE ANY ($2)) OR (acquired < now() - $3 AND resource = ANY ($4))
            RETURNING resource, now() - acquired
            """);
        cmd.Parameters.AddWithValue(ShortLockAge);
        cmd.Parameters.AddWithValue(ShortLocks);
        cmd.Parameters.AddWithValue(SchedulerLockAge);
        cmd.Parameters.AddWithValue(SchedulerLocks);
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
