using System.Diagnostics;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>A worker killed (SIGKILL) in the middle of a recompute: the previous version keeps
/// being served, and the recompute completes once a worker is back — once, nothing lost.</summary>
[Collection("db")]
public class CrashTests(DatabaseFixture db)
{
    private const string Queue = "crashtest";

    [SkippableFact]
    public async Task WorkerKilledMidRecompute_PreviousVersionServedThenCompletesOnce()
    {
        var dll = ApiProcess.Dll;
        Skip.If(!File.Exists(dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        var http = db.Client();
        const string code = "530627118";
        await Samples.ImportSampleAsync(http);
        await WaitForVersion(http, code, null);
        //-- A staff edit, so the forced recompute below has a partition other than the current one to publish.
        await Samples.RedrawAsync(http, db.Db, code);
        var before = await CurrentVersion(http, code);

        // A forced recompute on a queue only the test's workers listen to.
        var jobs = db.Factory.Services.GetRequiredService<IBackgroundJobClient>();
        var id = jobs.Create<GridSpatial.GeoApi.Features.Partitions.RecomputeJob>(j => j.RunAsync(code, "crash-test", "crash test", true, null, CancellationToken.None), new EnqueuedState(Queue));

        var clock = Stopwatch.StartNew();
        using (var first = StartWorker())
        {
            while (await Samples.JobStateAsync(db.Db, id) != "Processing")
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the worker never started the job");
                await Task.Delay(50);
            }
            first.Kill();
        }

        Assert.Equal(before, await CurrentVersion(http, code));
        var lookup = await http.GetAsync(new Uri("/api/lookup?lon=104.87&lat=27.44", UriKind.Relative));
        Assert.True(lookup.IsSuccessStatusCode, "lookups go on from the previous version");

        using (StartWorker())
        {
            clock.Restart();
            while (await Samples.JobStateAsync(db.Db, id) != "Succeeded")
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"the recompute did not complete after a worker came back ({await Samples.JobStateAsync(db.Db, id)})");
                await Task.Delay(200);
            }
            Assert.Equal(before + 1, await CurrentVersion(http, code));
            await using var cmd = db.Db.CreateCommand("SELECT count(*) FROM audit_log WHERE action = 'recompute' AND actor = 'crash-test'");
            Assert.Equal(1L, await cmd.ExecuteScalarAsync());
        }
    }

    private ApiProcess StartWorker() => ApiProcess.Start(db, new()
    {
        ["Hangfire__Queues__0"] = Queue, ["Hangfire__InvisibilityTimeoutSeconds"] = "3", ["Recompute__Enabled"] = "false",
    }, command: "worker");


    private static async Task<int?> CurrentVersion(HttpClient http, string code)
    {
        var t = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(http, $"/api/townships/{code}");
        return t.GetProperty("currentVersion").ValueKind == System.Text.Json.JsonValueKind.Number ? t.GetProperty("currentVersion").GetInt32() : null;
    }

    private static async Task<int> WaitForVersion(HttpClient http, string code, int? after)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            var v = await CurrentVersion(http, code);
            var t = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(http, $"/api/townships/{code}");
            if (v is not null && v != after && t.GetProperty("dirtySince").ValueKind == System.Text.Json.JsonValueKind.Null) return v.Value;
            await Task.Delay(250);
        }
        Assert.Fail($"township {code} has no settled version");
        return 0;
    }
}
