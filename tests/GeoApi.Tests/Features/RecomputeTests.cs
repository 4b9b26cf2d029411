using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.SampleData;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Background recompute on real Hangfire storage: bursts of household edits coalesce
/// into at most two recomputes, and what is published reflects every edit.</summary>
[Collection("db")]
public class RecomputeTests(DatabaseFixture db)
{
    private const string Code = "530627160";
    private readonly HttpClient _http = db.Client();

    [Fact]
    public async Task ForcedRun_RetriedAfterItPublished_DoesNotPublishAgain()
    {
        const string code = "530627161";
        await Samples.ImportAsync(_http, new TownshipGenerator(161).Generate(code, "重试镇", 105.3, 27.0, 300), "villages", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, code, force: false);
        //-- A staff edit first, so the forced recompute has something other than the current version to publish.
        await Samples.RedrawAsync(_http, db.Db, code);
        var edited = await Samples.CurrentVersionAsync(_http, code);
        var response = await _http.PostAsync(new Uri($"/api/townships/{code}/partition?force=true", UriKind.Relative), null);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
        await WaitForJob(id, 1);
        var version = await Samples.CurrentVersionAsync(_http, code);
        Assert.Equal(edited + 1, version);

        //-- Hangfire delivers at least once: the same job again (as after a worker died past its publish).
        db.Factory.Services.GetRequiredService<Hangfire.IBackgroundJobClient>().Requeue(id);
        await WaitForJob(id, 2);
        Assert.Equal(version, await Samples.CurrentVersionAsync(_http, code));
        var status = await _http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}");
        Assert.Contains("earlier attempt", status.GetProperty("result").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobCreatedButNeverQueued_IsDeletedByTheSweepOncePastItsAge_AndAYoungOneIsLeft()
    {
        //-- What a PostgreSQL restart between a job's insert and its first state leaves behind.
        var storage = db.Factory.Services.GetRequiredService<JobStorage>();
        using var connection = storage.GetConnection();
        var job = Hangfire.Common.Job.FromExpression<GridSpatial.GeoApi.Features.Partitions.RecomputeJob>(
            j => j.RunAsync("530627288", "sweep-test", "sweep test", false, null, CancellationToken.None));
        var old = connection.CreateExpiredJob(job, new Dictionary<string, string>(), DateTime.UtcNow - TimeSpan.FromMinutes(2), TimeSpan.FromHours(1));
        var young = connection.CreateExpiredJob(job, new Dictionary<string, string>(), DateTime.UtcNow, TimeSpan.FromHours(1));
        var scheduler = ActivatorUtilities.CreateInstance<GridSpatial.GeoApi.Features.Partitions.RecomputeScheduler>(db.Factory.Services);

        await scheduler.SweepStatelessJobsAsync(CancellationToken.None);

        Assert.Equal("Deleted", connection.GetJobData(old)?.State);
        Assert.Null(connection.GetJobData(young)?.State);
        //-- Not left for the fault drill, which counts every job without a state.
        using var cleanup = connection.CreateWriteTransaction();
        cleanup.SetJobState(young, new Hangfire.States.DeletedState());
        cleanup.Commit();
    }

    private async Task WaitForJob(string id, int succeededTimes)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var status = await _http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}");
            if (status.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("state").GetString() == "Succeeded") >= succeededTimes
                && status.GetProperty("state").GetString() == "Succeeded") return;
            await Task.Delay(200);
        }
        Assert.Fail($"job {id} did not succeed {succeededTimes} times");
    }

    [Fact]
    public async Task TwoHundredEdits_InAFewSeconds_CoalesceIntoAtMostTwoRecomputesReflectingAll()
    {
        var township = new TownshipGenerator(160).Generate(Code, "合并镇", 105.2, 27.1, 400, urbanShare: 0);
        await Samples.ImportAsync(_http, township, "villages", "households", "barriers");

        // The import itself marks the township dirty: the scheduler publishes a first version.
        var first = await WaitForClean(TimeSpan.FromSeconds(60));

        var rnd = new Random(5);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 200; i++)
        {
            var h = township.Households[rnd.Next(township.Households.Count)];
            var lon = h.Location.X + (rnd.NextDouble() - 0.5) * 2e-5;
            var lat = h.Location.Y + (rnd.NextDouble() - 0.5) * 2e-5;
            var body = FormattableString.Invariant($"{{\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon},{lat}]}},\"properties\":{{\"persons\":{1 + i % 6}}}}}");
            using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri($"/api/households/{h.Id}", UriKind.Relative)) { Content = Samples.Json(body) };
            (await _http.SendAsync(request)).EnsureSuccessStatusCode();
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"200 edits took {clock.Elapsed}");

        var last = await WaitForClean(TimeSpan.FromSeconds(90));
        Assert.InRange(last - first, 1, 2);
        await using var cmd = db.Db.CreateCommand("""
            SELECT v.data_version = s.data_version, (SELECT count(*) FROM current_assignment a WHERE a.township_code = s.township_code)
            FROM township_state s JOIN partition_version v ON v.township_code = s.township_code AND v.version = s.current_version
            WHERE s.township_code = $1
            """);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.True(r.GetBoolean(0), "the published version was made from the latest data");
        Assert.Equal(township.Households.Count, r.GetInt64(1));
    }

    [Fact]
    public async Task HouseholdsChangedWhileARecomputeRan_ItsResultIsPublishedAndTheTownshipStaysDue_ButNotOverAVersionPublishedMeanwhile()
    {
        //-- Under edits once a second, a recompute slower than that never published when any change since its
        //-- load made it stale (40 edits 1.5 s apart published one version in 75 s): its result of the data it
        //-- read is published, and the township stays dirty for the next run.
        const string code = "530627296";
        var township = new TownshipGenerator(296).Generate(code, "追赶镇", 105.6, 27.0, 300, urbanShare: 0);
        await Samples.PublishedAsync(_http, db.Db, township, "villages", "households", "barriers");
        using var scope = db.Factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<PartitionStore>();
        var options = scope.ServiceProvider.GetRequiredService<GridSpatial.Partitioner.PartitionOptions>();
        //-- The scheduler's recompute of the edit below waits behind this lock, as behind a running one.
        await using var running = await db.Db.OpenConnectionAsync();
        await using (var lockCmd = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('recompute:' || $1, 0))", running))
        {
            lockCmd.Parameters.AddWithValue(code);
            await lockCmd.ExecuteNonQueryAsync();
        }
        var loaded = await store.LoadAsync(code, CancellationToken.None);
        var partition = new GridSpatial.Partitioner.TownshipPartitioner(options).Partition(loaded.Input, loaded.NextVersion);

        var h = township.Households[7];
        using (var move = GridSpatial.GeoApi.Cli.BenchEdit.MoveBeside(h.Id, township.Households[^7].Location.Coordinate))
        using (var patch = await _http.SendAsync(move))
            Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync());

        //-- An edit made on the households it read is refused once they changed; a recompute's result is not.
        Assert.Equal(PartitionStore.Outcome.Stale, (await store.PublishAsync(partition, loaded.DataVersion, "test", "stale edit", CancellationToken.None, open: loaded.Published)).Outcome);
        var (outcome, version) = await store.PublishAsync(partition, loaded.DataVersion, "test", "older data", CancellationToken.None, open: loaded.Published, ofOlderData: true);
        Assert.Equal(PartitionStore.Outcome.Published, outcome);
        Assert.Equal(loaded.NextVersion, version);
        await using (var state = db.Db.CreateCommand("""
            SELECT v.data_version, s.data_version, s.dirty_since IS NOT NULL FROM township_state s
            JOIN partition_version v ON v.township_code = s.township_code AND v.version = s.current_version WHERE s.township_code = $1
            """))
        {
            state.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Char, code);
            await using var r = await state.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal(loaded.DataVersion, r.GetInt64(0));
            Assert.True(r.GetInt64(1) > loaded.DataVersion);
            Assert.True(r.GetBoolean(2), "the township stays due for a recompute of the data published after its load");
        }
        //-- Another version was published since the load: that is a conflict whatever the data.
        Assert.Equal(PartitionStore.Outcome.Stale, (await store.PublishAsync(partition, loaded.DataVersion, "test", "again", CancellationToken.None, ofOlderData: true)).Outcome);

        await using (var unlock = new Npgsql.NpgsqlCommand("SELECT pg_advisory_unlock_all()", running)) await unlock.ExecuteNonQueryAsync();
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(60), code);
        Assert.True(await Samples.CurrentVersionAsync(_http, code) > version, "the next recompute published the household's move");
    }

    [Fact]
    public async Task ConsistencyCheck_OnPublishedPartitions_FindsNoDriftAndJobsAreListedPerTownship()
    {
        using var scope = db.Factory.Services.CreateScope();
        var check = scope.ServiceProvider.GetRequiredService<GridSpatial.GeoApi.Features.Partitions.ConsistencyJob>();
        Assert.Equal("no drift", await check.CheckAsync(CancellationToken.None));

        const string code = "530627162";
        await Samples.ImportAsync(_http, new TownshipGenerator(162).Generate(code, "检查镇", 105.4, 27.0, 200), "villages", "households");
        await Samples.PartitionAsync(_http, db.Db, code, force: false);
        var jobs = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{code}/jobs");
        Assert.Contains(jobs.EnumerateArray(), j => j.GetProperty("statusUrl").GetString()!.StartsWith("/api/jobs/", StringComparison.Ordinal));
    }

    /// <summary>Waits until the township has a current version and nothing pending; returns the version.</summary>
    private async Task<int> WaitForClean(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var t = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}");
            if (t.GetProperty("currentVersion").ValueKind == JsonValueKind.Number && t.GetProperty("dirtySince").ValueKind == JsonValueKind.Null)
                return t.GetProperty("currentVersion").GetInt32();
            await Task.Delay(250);
        }
        Assert.Fail($"township {Code} was not recomputed within {timeout}");
        return 0;
    }
}
