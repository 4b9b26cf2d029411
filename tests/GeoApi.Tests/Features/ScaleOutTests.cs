using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The scale-out configuration of docs/scaling.md on loopback: two API processes
/// (no job server) and two worker processes of the real executable on one database. A bulk
/// partition asked of one API is spread over the workers, its progress is read from the other,
/// and both APIs answer lookups from the new versions (LISTEN/NOTIFY keeps their indexes current).</summary>
[Collection("db")]
public class ScaleOutTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    [SkippableFact]
    public async Task TwoApisAndTwoWorkers_BulkPartition_SpreadOverWorkers_BothApisServeTheResult()
    {
        var dll = ApiProcess.Dll;
        Skip.If(!File.Exists(dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        var codes = Enumerable.Range(0, 4).Select(i => $"5306272{50 + i}").ToList();
        var townships = new List<GeneratedTownship>();
        for (int i = 0; i < codes.Count; i++)
        {
            var t = new TownshipGenerator(250 + i).Generate(codes[i], $"扩展{i}镇", 106.0 + i * 0.1, 26.2, 600, urbanShare: 0);
            townships.Add(t);
            await Samples.ImportAsync(_http, t, "villages", "households", "barriers");
        }
        //-- The imports' own recomputes (this host's scheduler) are done first, so the batch makes jobs of its own rather than joining theirs.
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(120), [.. codes]);

        var processes = new List<ApiProcess>();
        try
        {
            ApiProcess Start(string command, Dictionary<string, string> settings)
            {
                settings["Recompute__Enabled"] = "false";
                var p = ApiProcess.Start(db, settings, command);
                processes.Add(p);
                return p;
            }
            var servers = Enumerable.Range(0, 2).Select(_ => Start("serve", new() { ["Hangfire__Server"] = "false", ["Partitions__BulkQueues__0"] = "scaleout" })).ToList();
            //-- Workers listen on a queue of their own, so the test's in-process server cannot take the jobs.
            var workers = Enumerable.Range(0, 2).Select(_ => Start("worker", new() { ["Hangfire__Queues__0"] = "scaleout" })).ToList();
            var apis = new List<HttpClient>();
            foreach (var server in servers) apis.Add(await server.ClientAsync(db.AdminKey));

            var started = await apis[0].PostAsJsonAsync("/api/partitions", new { townships = codes, force = true, queue = "scaleout" });
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var statusUrl = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusUrl").GetString()!;
            var wait = Stopwatch.StartNew();
            JsonElement status;
            while (true)
            {
                status = await apis[1].GetFromJsonAsync<JsonElement>(statusUrl);
                if (status.GetProperty("done").GetBoolean()) break;
                Assert.True(wait.Elapsed < TimeSpan.FromSeconds(120), $"batch not done: {status}");
                await Task.Delay(250);
            }
            Assert.Equal(codes.Count, status.GetProperty("succeeded").GetInt32());

            //-- The batch's runs were made by the worker processes.
            var jobIds = status.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("jobId").GetString()!).ToArray();
            await using var runs = db.Db.CreateCommand("SELECT DISTINCT (detail->>'process')::int FROM audit_log WHERE action = 'recompute' AND detail->>'job' = ANY($1)");
            runs.Parameters.AddWithValue(jobIds);
            var pids = new List<int>();
            await using (var r = await runs.ExecuteReaderAsync())
                while (await r.ReadAsync()) pids.Add(r.GetInt32(0));
            Assert.NotEmpty(pids);
            Assert.All(pids, pid => Assert.Contains(pid, workers.Select(w => w.Id)));

            //-- Both APIs answer every township's lookups from its new version.
            for (int i = 0; i < codes.Count; i++)
            {
                var version = (await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{codes[i]}")).GetProperty("currentVersion").GetInt32();
                var h = townships[i].Households[0].Location;
                foreach (var api in apis)
                {
                    var clock = Stopwatch.StartNew();
                    while (true)
                    {
                        var r = await api.GetAsync(new Uri(FormattableString.Invariant($"/api/lookup?lon={h.X}&lat={h.Y}"), UriKind.Relative));
                        if (r.IsSuccessStatusCode && (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32() == version) break;
                        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{api.BaseAddress} does not serve version {version} of {codes[i]}");
                        await Task.Delay(100);
                    }
                }
            }
        }
        finally
        {
            foreach (var p in processes) p.Dispose();
        }
    }

    [SkippableFact]
    public async Task ReadReplicaConnection_ServesOgcExportsAndFallbackLookups_WritesStayOnThePrimary()
    {
        var dll = ApiProcess.Dll;
        Skip.If(!File.Exists(dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        const string code = "530627260";
        var township = new TownshipGenerator(260).Generate(code, "只读镇", 106.5, 26.2, 300, urbanShare: 0);
        await Samples.ImportAsync(_http, township, "villages", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, code, force: false);

        //-- A role that can only read stands in for a replica: if any write went through it, it would fail.
        var reader = "gs_reader_" + Guid.NewGuid().ToString("N")[..8];
        foreach (var sql in new[] { $"CREATE ROLE {reader} LOGIN", $"GRANT USAGE ON SCHEMA public TO {reader}", $"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}" })
        {
            await using var cmd = db.Db.CreateCommand(sql);
            await cmd.ExecuteNonQueryAsync();
        }
        var readCs = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = reader }.ConnectionString;
        using var api = ApiProcess.Start(db, new()
        {
            ["ConnectionStrings__GridSpatialRead"] = readCs, ["Hangfire__Server"] = "false", ["Recompute__Enabled"] = "false",
        });
        try
        {
            using var http = await api.ClientAsync(db.AdminKey);
            var h = township.Households[0];
            foreach (var path in new[]
            {
                $"/ogc/collections/micro_grids/items?township={code}&limit=5",
                $"/api/townships/{code}/export/assignments.csv",
                FormattableString.Invariant($"/api/lookup?lon={h.Location.X}&lat={h.Location.Y}&source=postgis"),
            })
                Assert.True((await http.GetAsync(new Uri(path, UriKind.Relative))).IsSuccessStatusCode, path);
            var patch = await http.PatchAsync(new Uri($"/api/households/{h.Id}", UriKind.Relative),
                new StringContent("""{"properties": {"persons": 2}}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);

            await using var seen = db.Db.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND application_name = 'gridspatial-read'");
            seen.Parameters.AddWithValue(reader);
            Assert.True((long)(await seen.ExecuteScalarAsync())! > 0, "the reads did not use the read connection");
        }
        finally
        {
            api.Kill();
            await using var drop = db.Db.CreateCommand($"DROP OWNED BY {reader}; DROP ROLE {reader}");
            await drop.ExecuteNonQueryAsync();
        }
    }
}
