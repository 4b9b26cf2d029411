using System.Diagnostics;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Two worker processes (the real executable) and the API's own job server on one
/// database: every dirty township is recomputed, and never two runs of one township overlap.</summary>
[Collection("db")]
public class WorkerTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    [SkippableFact]
    public async Task TwoWorkerProcesses_ManyDirtyTownships_EachRecomputedNeverConcurrently()
    {
        var dll = ApiProcess.Dll;
        Skip.If(!File.Exists(dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        var codes = Enumerable.Range(0, 6).Select(i => $"5306272{30 + i}").ToList();
        var workers = Enumerable.Range(0, 2).Select(_ => ApiProcess.Start(db, new() { ["Recompute__QuietSeconds"] = "0.5" }, command: "worker")).ToList();
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
            Assert.True(intervals.Select(i => i.Process).Distinct().Count() >= 2, "the work was spread over more than one process");
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
        }
    }
}
