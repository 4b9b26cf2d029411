using System.Diagnostics;
using GridSpatial.GeoApi.Features.Partitions;
using Hangfire;
using GridSpatial.GeoApi.SampleData;
using Microsoft.Extensions.DependencyInjection;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Two worker processes (the real executable) and the API's own job server on one
/// database: every dirty township is recomputed, and never two runs of one township overlap —
/// also when both workers hold a job of the same township at once; a worker process runs every thread
/// at a lower CPU priority (nice 10) than the API processes beside it.</summary>
[Collection("db")]
public class WorkerTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    [SkippableFact]
    public async Task TwoWorkerProcesses_ManyDirtyTownships_EachRecomputedNeverConcurrently_AtLowerCpuPriority()
    {
        var dll = ApiProcess.Dll;
        Skip.If(!File.Exists(dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        var codes = Enumerable.Range(0, 6).Select(i => $"5306272{30 + i}").ToList();
        //-- Each worker also serves a queue of its own, which neither the other nor the API serves.
        string[] own = ["worker_a", "worker_b"];
        var workers = own.Select(q => ApiProcess.Start(db, new()
        {
            ["Recompute__QuietSeconds"] = "0.5",
            ["Hangfire__Queues__0"] = "default",
            ["Hangfire__Queues__1"] = q,
        }, command: "worker")).ToList();
        try
        {
            //-- Both workers' job servers up before any work exists: else the API's own server (in this
            //-- process) may finish every job while they start, and the spread below proves nothing.
            var up = Stopwatch.StartNew();
            while (true)
            {
                await using var servers = db.Db.CreateCommand("SELECT id FROM hangfire.server");
                var ids = new List<string>();
                await using (var r = await servers.ExecuteReaderAsync())
                    while (await r.ReadAsync()) ids.Add(r.GetString(0));
                if (workers.All(w => ids.Any(id => id.Contains($":{w.Id}:", StringComparison.Ordinal)))) break;
                Assert.True(up.Elapsed < TimeSpan.FromSeconds(60), "the worker processes' job servers did not start: " + string.Join(" | ", workers.Select(w => w.Tail)));
                await Task.Delay(100);
            }
            //-- Every thread of a worker (its job server's too, started after the process lowered itself) at nice 10.
            if (OperatingSystem.IsLinux())
                foreach (var w in workers)
                    foreach (var task in Directory.EnumerateDirectories($"/proc/{w.Id}/task"))
                    {
                        string stat;
                        try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
                        catch (IOException) { continue; } // the thread ended since the listing

                        //-- Field 19 (nice), counted from the state (field 3) after the command name's closing parenthesis.
                        var nice = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
                        Assert.True(nice >= 10, $"thread {Path.GetFileName(task)} of worker {w.Id} runs at nice {nice}");
                    }
            for (int i = 0; i < codes.Count; i++)
            {
                var t = new TownshipGenerator(230 + i).Generate(codes[i], $"并发{i}镇", 105.5 + i * 0.1, 26.5, 500, urbanShare: 0);
                await Samples.ImportAsync(_http, t, "households", "barriers");
                // And a forced run of each, so several jobs per township compete.
                (await _http.PostAsync(new Uri($"/api/townships/{codes[i]}/partition?force=true", UriKind.Relative), null)).EnsureSuccessStatusCode();
            }

            var clock = Stopwatch.StartNew();
            while (true)
            {
                await using var cmd = db.Db.CreateCommand("SELECT count(*) FROM township_state WHERE township_code = ANY($1) AND current_version IS NOT NULL AND dirty_since IS NULL");
                cmd.Parameters.AddWithValue(codes.ToArray());
                if ((long)(await cmd.ExecuteScalarAsync())! == codes.Count) break;
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), "not every township was recomputed");
                await Task.Delay(250);
            }
            //-- And no job for them still waiting or running, so the audit below holds every run.
            var quiet = Stopwatch.StartNew();
            while (true)
            {
                await using var busy = db.Db.CreateCommand("SELECT count(*) FROM hangfire.job WHERE arguments->>0 = ANY($1) AND statename IN ('Enqueued', 'Processing', 'Scheduled', 'Awaiting')");
                busy.Parameters.AddWithValue(codes.Select(c => System.Text.Json.JsonSerializer.Serialize(c)).ToArray());
                if ((long)(await busy.ExecuteScalarAsync())! == 0) break;
                Assert.True(quiet.Elapsed < TimeSpan.FromSeconds(60), "recompute jobs still running a minute after every township was clean");
                await Task.Delay(100);
            }

            //-- Which server takes a queued job is a race (the enqueuing process's own server is woken at
            //-- once, the others poll): the cross-process case is made, not hoped for. The first township's
            //-- lock is held here while a job of it is put on each worker's own queue — what a job fetched
            //-- twice (a redelivery) looks like; both workers wait on the lock, then run one after the other.
            var contested = codes[0];
            var jobs = db.Factory.Services.GetRequiredService<IBackgroundJobClient>();
            await using (var holder = await db.Db.OpenConnectionAsync())
            {
                await using (var take = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('recompute:' || $1, 0))", holder))
                {
                    take.Parameters.AddWithValue(contested);
                    await take.ExecuteNonQueryAsync();
                }
                var ids = own.Select(q => jobs.Create<RecomputeJob>(j => j.RunAsync(contested, "test", "fetched by both workers", true, null, CancellationToken.None),
                    new Hangfire.States.EnqueuedState(q))).ToArray();
                var waiting = Stopwatch.StartNew();
                while (true)
                {
                    await using var processing = db.Db.CreateCommand("SELECT count(*) FROM hangfire.job WHERE id = ANY($1) AND statename = 'Processing'");
                    processing.Parameters.AddWithValue(ids.Select(long.Parse).ToArray());
                    if ((long)(await processing.ExecuteScalarAsync())! == 2) break;
                    Assert.True(waiting.Elapsed < TimeSpan.FromSeconds(60), "the workers did not take the jobs of their own queues: " + string.Join(" | ", workers.Select(w => w.Tail)));
                    await Task.Delay(100);
                }
                await using var release = new Npgsql.NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended('recompute:' || $1, 0))", holder);
                release.Parameters.AddWithValue(contested);
                await release.ExecuteNonQueryAsync();
                var finishing = Stopwatch.StartNew();
                while (true)
                {
                    await using var done = db.Db.CreateCommand("SELECT count(*) FROM hangfire.job WHERE id = ANY($1) AND statename = 'Succeeded'");
                    done.Parameters.AddWithValue(ids.Select(long.Parse).ToArray());
                    if ((long)(await done.ExecuteScalarAsync())! == 2) break;
                    Assert.True(finishing.Elapsed < TimeSpan.FromSeconds(60), "the contested township's two jobs did not both succeed");
                    await Task.Delay(100);
                }
            }

            await using var runs = db.Db.CreateCommand("""
                SELECT township_code, (detail->>'started')::timestamptz, (detail->>'finished')::timestamptz, (detail->>'process')::int
                FROM audit_log WHERE action = 'recompute' AND township_code = ANY($1) ORDER BY township_code, 2
                """);
            runs.Parameters.AddWithValue(codes.ToArray());
            var intervals = new List<(string Township, DateTime Start, DateTime End, int Process)>();
            await using (var r = await runs.ExecuteReaderAsync())
                while (await r.ReadAsync()) intervals.Add((r.GetString(0), r.GetDateTime(1), r.GetDateTime(2), r.GetInt32(3)));
            Assert.All(codes, c => Assert.Contains(intervals, i => i.Township == c));
            foreach (var group in intervals.GroupBy(i => i.Township))
            {
                var ordered = group.OrderBy(i => i.Start).ToList();
                for (int k = 1; k < ordered.Count; k++)
                    Assert.True(ordered[k].Start >= ordered[k - 1].End, $"{group.Key}: runs overlap ({ordered[k - 1].Start:O}–{ordered[k - 1].End:O} and {ordered[k].Start:O})");
            }
            var workerIds = workers.Select(w => w.Id).ToHashSet();
            Assert.True(workerIds.SetEquals(intervals.Where(i => i.Township == contested && workerIds.Contains(i.Process)).Select(i => i.Process)),
                $"{contested}: not run by both workers: " + string.Join(", ", intervals.Where(i => i.Township == contested).Select(i => i.Process)));
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
        }
    }
}
