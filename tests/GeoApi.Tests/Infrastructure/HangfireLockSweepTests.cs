using System.Diagnostics;
using GridSpatial.GeoApi.Features.Subscriptions;
using GridSpatial.GeoApi.Infrastructure;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridSpatial.GeoApi.Tests.Infrastructure;

/// <summary>A PostgreSQL restart under load (the drill of PostgresRestartTests, one run in four here) left the row of a
/// job's state lock behind with nobody holding it: the township's recompute stayed "Enqueued" while every
/// worker was idle, until Hangfire's lock expiry (10 minutes) — the drill found it still dirty after 90 s.
/// The service now frees a job's state lock once it is <see cref="HangfireLockSweep.ShortLockAge"/> old.</summary>
[Collection("db")]
public class HangfireLockSweepTests(DatabaseFixture db)
{
    private async Task InsertLockAsync(string resource, TimeSpan age)
    {
        await using var cmd = db.Db.CreateCommand("INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES ($1, 0, now() - $2)");
        cmd.Parameters.AddWithValue(resource);
        cmd.Parameters.AddWithValue(age);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<bool> HeldAsync(string resource)
    {
        await using var cmd = db.Db.CreateCommand("SELECT EXISTS (SELECT 1 FROM hangfire.lock WHERE resource = $1)");
        cmd.Parameters.AddWithValue(resource);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Sweep_FreesShortLocksPastTheirAge_KeepsYoungOnesAndLocksHeldForAWholeJob()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        //-- Job ids no job of the run reaches.
        long job = 9_000_000_000 + Random.Shared.Next(1_000_000);
        string stale = $"hangfire:job:{job}:state-lock", young = $"hangfire:job:{job + 1}:state-lock",
            recurring = $"hangfire:lock:recurring-job:sweep-test-{tag}", wholeJob = $"hangfire:GridSpatial.SweepTest{tag}.RunAsync";
        var old = HangfireLockSweep.ShortLockAge + TimeSpan.FromSeconds(10);
        await InsertLockAsync(stale, old);
        await InsertLockAsync(young, TimeSpan.FromSeconds(2));
        await InsertLockAsync(recurring, old);
        await InsertLockAsync(wholeJob, old);
        try
        {
            await new HangfireLockSweep(db.Db, NullLogger<HangfireLockSweep>.Instance).SweepAsync(CancellationToken.None);
            Assert.False(await HeldAsync(stale), "a job's state lock past its age was kept");
            Assert.False(await HeldAsync(recurring), "a recurring job's lock past its age was kept");
            Assert.True(await HeldAsync(young), "a state lock just taken was freed");
            Assert.True(await HeldAsync(wholeJob), "a lock held for a whole job (DisableConcurrentExecution) was freed before Hangfire's expiry");
        }
        finally
        {
            await using var cmd = db.Db.CreateCommand("DELETE FROM hangfire.lock WHERE resource = ANY($1)");
            cmd.Parameters.AddWithValue(new[] { stale, young, recurring, wholeJob });
            await cmd.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task AJobWhoseStateLockAFaultLeftBehind_RunsOnceTheServiceFreesIt_NotAtHangfiresTenMinuteExpiry()
    {
        var jobs = db.Factory.Services.GetRequiredService<IBackgroundJobClient>();
        //-- An API process killed earlier in the run (FaultTests, CrashTests) may have left the delayed-job poller's own
        //-- lock behind, swept after SchedulerLockAge (45 s), and the poller moves no job until then: wait until it
        //-- moves one due now, so the 40 s below measure the job's state lock alone (one run in four failed so).
        var probe = jobs.Create<WebhookJob>(j => j.SweepAsync(CancellationToken.None), new ScheduledState(TimeSpan.Zero));
        var ready = Stopwatch.StartNew();
        while (await Samples.JobStateAsync(db.Db, probe) != "Succeeded")
        {
            Assert.True(ready.Elapsed < HangfireLockSweep.SchedulerLockAge + TimeSpan.FromSeconds(60), $"the delayed-job poller moved no job in {ready.Elapsed.TotalSeconds:F0} s");
            await Task.Delay(200);
        }
        //-- Due in 5 s: the lock below is in place before the delayed-job poller tries to enqueue it.
        var id = jobs.Create<WebhookJob>(j => j.SweepAsync(CancellationToken.None), new ScheduledState(TimeSpan.FromSeconds(5)));
        //-- The row a restart leaves when a state change's lock was taken and never released, 4 s before it is swept.
        var resource = $"hangfire:job:{id}:state-lock";
        await InsertLockAsync(resource, HangfireLockSweep.ShortLockAge - TimeSpan.FromSeconds(4));
        var clock = Stopwatch.StartNew();
        string? state;
        while ((state = await Samples.JobStateAsync(db.Db, id)) != "Succeeded")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"job {id} is still {state} {clock.Elapsed.TotalSeconds:F0} s after its state lock was orphaned (lock held: {await HeldAsync(resource)})");
            await Task.Delay(200);
        }
    }
}
