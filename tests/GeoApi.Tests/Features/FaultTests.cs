using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Features.Subscriptions;
using GridSpatial.GeoApi.SampleData;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Faults of the parts around the service, made for real: an API process killed (SIGKILL) in
/// the middle of a recompute, and one started while a killed process's locks are unexpired.
/// PostgreSQL restarted under load is <see cref="PostgresRestartTests"/>.</summary>
[Collection("db")]
public class FaultTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    [SkippableFact]
    public async Task ApiKilledMidRecompute_AnotherApiProcessPublishesWithin60s()
    {
        Skip.If(!File.Exists(ApiProcess.Dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        const string code = "530627141", queue = "killtest";
        var t = new TownshipGenerator(141).Generate(code, "断电镇", 104.30, 28.90, 3000);
        await Samples.ImportAsync(_http, t, "villages", "buildings", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, code, force: false);
        await Samples.RedrawAsync(_http, db.Db, code);
        var before = await Samples.CurrentVersionAsync(_http, code);

        //-- A forced recompute on a queue only the API processes of this test serve.
        var jobs = db.Factory.Services.GetRequiredService<IBackgroundJobClient>();
        var id = jobs.Create<GridSpatial.GeoApi.Features.Partitions.RecomputeJob>(j => j.RunAsync(code, "kill-test", "kill test", true, null, CancellationToken.None), new EnqueuedState(queue));
        //-- A job a dead process fetched is fetched again once its invisibility timeout passes (30 s in
        //-- production; 5 s here, where the live process refreshes it as it would the 30 s).
        var settings = new Dictionary<string, string> { ["Hangfire__Queues__0"] = queue, ["Recompute__Enabled"] = "false", ["Hangfire__InvisibilityTimeoutSeconds"] = "5" };
        using (var first = ApiProcess.Start(db, settings))
        {
            var clock = Stopwatch.StartNew();
            while (await Samples.JobStateAsync(db.Db, id) != "Processing")
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the API process never started the job");
                await Task.Delay(20);
            }
            first.Kill();
        }
        Assert.Equal(before, await Samples.CurrentVersionAsync(_http, code));

        using var second = ApiProcess.Start(db, settings);
        var back = Stopwatch.StartNew();
        while (await Samples.CurrentVersionAsync(_http, code) == before)
        {
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(60), $"not published within 60 s of a process coming back (job {await Samples.JobStateAsync(db.Db, id)})");
            await Task.Delay(200);
        }
        Assert.Equal(before + 1, await Samples.CurrentVersionAsync(_http, code));
    }

    [SkippableFact]
    public async Task ApiStartedWhileAKilledProcessesRecurringJobLocksAreUnexpired_Answers_AndRegistersTheJobsOnceTheyAreFree()
    {
        Skip.If(!File.Exists(ApiProcess.Dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        //-- What a process killed while it held them leaves behind: Hangfire's lock rows, expired only after
        //-- DistributedLockTimeout (10 minutes). Registering at start-up waited for them and the process exited.
        string[] locks = [.. new[] { ConsistencyJob.CheckId, ConsistencyJob.FullRecomputeId,
            WebhookJob.SweepId }.Select(id => $"hangfire:lock:recurring-job:{id}")];
        await Locks("INSERT INTO hangfire.lock (resource, updatecount, acquired) SELECT r, 0, now() FROM unnest($1::text[]) r WHERE NOT EXISTS (SELECT 1 FROM hangfire.lock l WHERE l.resource = r)", locks);
        try
        {
            using var api = ApiProcess.Start(db, new() { ["Hangfire__Server"] = "false" });
            using var http = await api.ClientAsync(db.AdminKey);
            //-- Past Hangfire's wait for a recurring job's lock: the process says it will retry, and goes on answering.
            //-- Meanwhile the locks stay young, as a live holder's would (the service frees one left older than
            //-- HangfireLockSweep.ShortLockAge).
            var waited = Stopwatch.StartNew();
            while (!api.Tail.Contains("Recurring jobs not registered yet", StringComparison.Ordinal))
            {
                Assert.False(api.HasExited, "the API process exited:\n" + api.Tail);
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "no attempt to register the recurring jobs gave up on their locks within 60 s:\n" + api.Tail);
                await Locks("UPDATE hangfire.lock SET acquired = now() WHERE resource = ANY($1)", locks);
                await Task.Delay(200);
            }
            Assert.False(api.HasExited, "the API process exited:\n" + api.Tail);
            Assert.True((await http.GetAsync(new Uri("/api/townships", UriKind.Relative))).IsSuccessStatusCode, api.Tail);
            Assert.DoesNotContain("Recurring jobs registered", api.Tail, StringComparison.Ordinal);

            await Locks("DELETE FROM hangfire.lock WHERE resource = ANY($1)", locks);
            var clock = Stopwatch.StartNew();
            while (!api.Tail.Contains("Recurring jobs registered", StringComparison.Ordinal))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the recurring jobs were not registered within 30 s of their locks being free:\n" + api.Tail);
                await Task.Delay(200);
            }
        }
        finally
        {
            await Locks("DELETE FROM hangfire.lock WHERE resource = ANY($1) AND updatecount = 0", locks);
        }
    }

    private async Task Locks(string sql, string[] resources)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(resources);
        await cmd.ExecuteNonQueryAsync();
    }

}
