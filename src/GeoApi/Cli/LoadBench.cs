using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using NetTopologySuite.Geometries;
using Latency = (double P50, double P99, double Achieved, int Errors);

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench load</c> (what <c>scripts/load.sh</c> runs): wrk on loopback sends point
/// lookups for a bounded time, first alone, then while the API process itself recomputes the
/// largest township over and over (each after a household change, its Hangfire worker in-process), and prints both
/// latency rows side by side; then rounds against an API process and a worker process, each round
/// measuring a static file of the viewer at the same rate first (the machine's floor).</summary>
public static class LoadBench
{
    private static string Row(Latency r) =>
        FormattableString.Invariant($"{r.Achieved:N0} req/s, p50 {r.P50:F2} ms, p99 {r.P99:F2} ms, {r.Errors} errors");

    public static Command Create()
    {
        var seconds = new Option<int>("--seconds") { Description = "how long each run lasts", HelpName = "S", DefaultValueFactory = _ => 15 };
        var rate = new Option<int>("--rate") { Description = "lookups per second of the fixed-rate client", HelpName = "R", DefaultValueFactory = _ => 2000 };
        var command = new Command("load", "wrk and a fixed-rate client on lookups, alone and while the largest township is recomputed back to back") { seconds, rate };
        command.SetAction(p => RunAsync(p.GetValue(seconds), p.GetValue(rate)));
        return command;
    }

    private static async Task<int> RunAsync(int seconds, int rate)
    {
        if (!File.Exists("/usr/bin/wrk")) throw new UsageException("bench load needs wrk (apt-get install wrk).");
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        string township;
        var points = new List<Coordinate>();
        await using (var cmd = db.CreateCommand("""
            SELECT township_code FROM current_partition_version ORDER BY (report->>'households')::int DESC, 1 LIMIT 1
            """))
            township = await cmd.ExecuteScalarAsync() as string ?? throw new UsageException("No partitioned township: run scripts/run.sh first.");
        var ids = new List<string>();
        await using (var cmd = db.CreateCommand("SELECT ST_X(geom), ST_Y(geom), id FROM household WHERE township_code = $1 ORDER BY id"))
        {
            cmd.Parameters.AddWithValue(township);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                points.Add(new Coordinate(r.GetDouble(0), r.GetDouble(1)));
                ids.Add(r.GetString(2));
            }
        }
        var rnd = new Random(7);
        var sample = Enumerable.Range(0, 5000).Select(_ => points[rnd.Next(points.Count)]).ToArray();

        //-- The recompute quiet period of issue #21's targets: edits once a second are then recomputed as they come.
        var rows = new List<string[]>();
        await using (var host = await BenchHost.StartAsync("--Recompute:QuietSeconds=0.5"))
        {
            var address = host.Address;
            using var http = host.Client();
            var (integrator, integratorId) = await IntegratorKeyAsync(http);
            using var lookups = BenchHost.Client(address, integrator);
            await LookupBench.Wrk(address, sample, 3, integrator);
            var alone = await LookupBench.Wrk(address, sample, seconds, integrator);
            rows.Add(["wrk, as fast as answered: lookups alone", alone[1]]);
            await LookupBench.Load(lookups, sample, "", rate, 2);
            var collections = Collections.Mark();
            var fixedAlone = await LookupBench.Load(lookups, sample, "", rate, seconds);
            rows.Add([$"{rate:N0} req/s fixed rate: lookups alone", Row(fixedAlone)]);
            rows.Add([Collections.Label, collections.Since()]);

            //-- Recomputes back to back for the whole wrk run, each after a household change, so each publishes
            //-- a version and every index reloads it (a forced run of unchanged data would publish nothing).
            using var stop = new CancellationTokenSource();
            int recomputes = 0;
            var busy = Task.Run(async () =>
            {
                for (int k = 0; !stop.IsCancellationRequested; k++)
                {
                    using (var change = new HttpRequestMessage(HttpMethod.Patch, new Uri($"/api/households/{ids[k % ids.Count]}", UriKind.Relative))
                    {
                        Content = new StringContent($"{{\"properties\":{{\"persons\":{k % 6 + 1}}}}}", System.Text.Encoding.UTF8, "application/json"),
                    })
                        (await http.SendAsync(change)).EnsureSuccessStatusCode();
                    var started = await http.PostAsync(new Uri($"/api/townships/{township}/partition", UriKind.Relative), null);
                    var url = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusUrl").GetString()!;
                    while (!stop.IsCancellationRequested)
                    {
                        var state = (await http.GetFromJsonAsync<JsonElement>(url)).GetProperty("state").GetString();
                        if (state is "Succeeded" or "Failed" or "Deleted") { if (state == "Succeeded") recomputes++; break; }
                        await Task.Delay(100);
                    }
                }
            });
            var clock = Stopwatch.StartNew();
            var during = await LookupBench.Wrk(address, sample, seconds, integrator);
            var fixedDuring = await LookupBench.Load(lookups, sample, "", rate, seconds);
            await stop.CancelAsync();
            await busy;
            rows.Add([$"wrk, as fast as answered: lookups while {township} is recomputed", during[1]]);
            rows.Add([$"{rate:N0} req/s fixed rate: lookups while {township} is recomputed", Row(fixedDuring)]);
            rows.Add(["recomputes (each after a household change) published during the two loaded runs", $"{recomputes} in {clock.Elapsed.TotalSeconds:F0} s"]);

            //-- Issue #21's condition: edits arrive once a second (a household moved next to another one),
            //-- and the scheduler recomputes what they touched after its quiet period, as in production.
            collections = Collections.Mark();
            var (fixedEdits, edits, published, moved) = await WhileEditedAsync(db, http, lookups, township, ids, points, sample, rate, seconds);
            rows.Add([$"{rate:N0} req/s fixed rate: lookups while a household of {township} moves once a second", Row(fixedEdits)]);
            rows.Add([Collections.Label, collections.Since()]);
            rows.Add(["edits during that run, the versions the scheduler published for them, and those that changed micro-grids", $"{edits} edits, {published} versions, {moved} changing micro-grids"]);
            await RevokeAsync(http, integratorId);
        }

        //-- The same edits in the production layout: the API process answers without a job server, a
        //-- worker process recomputes, and neither shares this process (the load generator) or its GC.
        //-- Rounds alternate (lookups alone, then while editing) so the machine's own noise, which moves
        //-- a p99 by milliseconds from one run to the next here, falls on both alike.
        //-- What the in-process runs left on this process's heap is collected now, not by a blocking collection
        //-- inside a measured round (one paused the load generator 276–518 ms in the second round of two runs).
        LookupBench.CollectAll();
        var rounds = await SeparateProcessesAsync(db, cs, township, ids, points, sample, rate, seconds);
        string P99s(IEnumerable<Latency> runs)
        {
            var all = runs.ToList();
            var sorted = all.Select(r => r.P99).Order().ToList();
            return FormattableString.Invariant($"p99 median {sorted[sorted.Count / 2]:F2} ms (rounds {string.Join(", ", all.Select(r => r.P99.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}), ")
                + FormattableString.Invariant($"p50 median {all.Select(r => r.P50).Order().ElementAt(all.Count / 2):F2} ms, {all.Sum(r => r.Errors)} errors");
        }
        rows.Add([$"{rate:N0} req/s fixed rate, API and worker each a process of its own, {rounds.Count} rounds: GET /viewer.css, a static file (this machine's floor)",
            P99s(rounds.Select(r => r.StaticFile))]);
        rows.Add([$"the same rounds: lookups alone", P99s(rounds.Select(r => r.Alone))]);
        rows.Add([$"the same rounds: lookups while a household of {township} moves once a second", P99s(rounds.Select(r => r.Edited))]);
        rows.Add(["edits during those rounds, the versions the worker published for them, and those that changed micro-grids",
            $"{rounds.Sum(r => r.Edits)} edits, {rounds.Sum(r => r.Published)} versions, {rounds.Sum(r => r.Moved)} changing micro-grids"]);
        rows.Add(["the load generator's own collection pauses (this process) per round: alone / while editing",
            string.Join(", ", rounds.Select(r => FormattableString.Invariant($"{r.ClientPausedAlone:F0} / {r.ClientPausedEdited:F0} ms")))]);
        Console.WriteLine($"| GET /api/lookup on loopback, {seconds} s each (wrk: 1 thread, 4 connections) | result |");
        Console.WriteLine("|---|---|");
        foreach (var r in rows) Console.WriteLine("| " + string.Join(" | ", r) + " |");
        return 0;
    }

    /// <summary>A new key of the role other systems ask with (integrator, without the people permission): the
    /// lookups are those of a system that wants codes. A key that sees people would also audit every answer
    /// (a row per lookup, <c>PersonalDataAudit</c>), a load of its own on the database.</summary>
    private static async Task<(string Secret, long Id)> IntegratorKeyAsync(HttpClient admin)
    {
        using var response = await admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative),
            new { name = $"bench-load-{Guid.NewGuid():N}"[..24], role = "integrator" });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("key").GetString()!, created.GetProperty("id").GetInt64());
    }

    /// <summary>The bench's key revoked once its lookups are done.</summary>
    private static async Task RevokeAsync(HttpClient admin, long id)
    {
        using var response = await admin.DeleteAsync(new Uri($"/api/keys/{id}", UriKind.Relative));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>This process's garbage collections from a mark on (API, scheduler and load generator share it in the
    /// first runs): a blocking collection stops every request thread, so its pauses land in the lookups' tail.</summary>
    private readonly record struct Collections(TimeSpan Paused, int Gen0, int Gen1, int Gen2)
    {
        public const string Label = "this process's garbage collections during that run (all / of gen1 or 2 / of gen2) and their pauses in all";

        public static Collections Mark() => new(GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

        public double PausedSince() => (GC.GetTotalPauseDuration() - Paused).TotalMilliseconds;

        public string Since() => FormattableString.Invariant(
            $"{GC.CollectionCount(0) - Gen0} / {GC.CollectionCount(1) - Gen1} / {GC.CollectionCount(2) - Gen2}, {PausedSince():F0} ms");
    }

    private sealed record Round(Latency StaticFile, Latency Alone, Latency Edited,
        int Edits, int Published, int Moved, double ClientPausedAlone, double ClientPausedEdited);

    /// <summary>Rounds of lookups alone and then <see cref="WhileEditedAsync"/> against an API process without
    /// a job server (its lookup index loaded first) while a worker process runs the recomputes, both the real executable.</summary>
    private static async Task<List<Round>> SeparateProcessesAsync(Npgsql.NpgsqlDataSource db, string cs, string township,
        List<string> ids, List<Coordinate> points, Coordinate[] sample, int rate, int seconds, int count = 3)
    {
        var key = Features.Access.ApiKeyStore.NewSecret();
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var quiet = new Dictionary<string, string>
        {
            ["Recompute__QuietSeconds"] = "0.5",
            ["Logging__LogLevel__GridSpatial.GeoApi.Features.Lookup.LookupIndex"] = "Information",
        };
        using var api = FaultBench.StartApiWithoutJobServer(cs, key, out var address,
            line => { if (line.Contains("Lookup index loaded", StringComparison.Ordinal)) loaded.TrySetResult(); }, quiet);
        var psi = new ProcessStartInfo("dotnet", [typeof(LoadBench).Assembly.Location, "worker"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        (psi.Environment["ConnectionStrings__GridSpatial"], psi.Environment["GRIDSPATIAL_DB"]) = (cs, cs);
        (psi.Environment["Recompute__QuietSeconds"], psi.Environment["Logging__LogLevel__Default"]) = ("0.5", "Warning");
        using var worker = Process.Start(psi)!;
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        try
        {
            await loaded.Task.WaitAsync(TimeSpan.FromMinutes(2));
            using var http = BenchHost.Client(address, key);
            await FaultBench.WaitHealthy(http);
            var (integrator, integratorId) = await IntegratorKeyAsync(http);
            using var lookups = BenchHost.Client(address, integrator);
            //-- Warmed up as the run itself (the worker's start, its first recomputes' JIT): a process that
            //-- has just started compiles on both cores for seconds, which is not what production serves with.
            await WhileEditedAsync(db, http, lookups, township, ids, points, sample, rate, 5);
            var rounds = new List<Round>();
            //-- This machine's floor, measured in the same rounds: a static file of the viewer (no data, no database)
            //-- at the same rate from the same client. What a lookup's p99 has above it is the lookup's own.
            Uri[] floor = [new("/viewer.css", UriKind.Relative)];
            using (var css = await lookups.GetAsync(floor[0]))
                if (!css.IsSuccessStatusCode) throw new UsageException($"GET /viewer.css answered {(int)css.StatusCode}: the API serves no viewer files to measure the floor with.");
            for (int i = 0; i < count; i++)
            {
                var staticFile = await LookupBench.Load(lookups, floor, rate, seconds);
                var collections = Collections.Mark();
                var alone = await LookupBench.Load(lookups, sample, "", rate, seconds);
                var clientAlone = collections.PausedSince();
                collections = Collections.Mark();
                var (edited, edits, published, moved) = await WhileEditedAsync(db, http, lookups, township, ids, points, sample, rate, seconds);
                rounds.Add(new Round(staticFile, alone, edited, edits, published, moved, clientAlone, collections.PausedSince()));
            }
            await RevokeAsync(http, integratorId);
            return rounds;
        }
        finally
        {
            foreach (var p in new[] { api, worker }) await StopAsync(p);
        }
    }

    /// <summary>SIGTERM, then SIGKILL after 15 s: stopped as a deployment stops it, a process releases what it
    /// holds (a killed worker left Hangfire's locks on recurring jobs for their 10-minute expiry).</summary>
    private static async Task StopAsync(Process p)
    {
        if (p.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await term.WaitForExitAsync();
        try { await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15)); }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    /// <summary>Lookups at a fixed rate while a household moves beside another one once a second; the edits, the
    /// versions published for them and how many of those changed micro-grids (a version whose rows are all as before
    /// reloads nothing that matters, so the bench counts them).</summary>
    private static async Task<(Latency Lookups, int Edits, int Published, int Moved)> WhileEditedAsync(Npgsql.NpgsqlDataSource db,
        HttpClient http, HttpClient lookups, string township, List<string> ids, List<Coordinate> points, Coordinate[] sample, int rate, int seconds)
    {
        async Task<int> Version() => (await http.GetFromJsonAsync<JsonElement>($"/api/townships/{township}")).GetProperty("currentVersion").GetInt32();
        int before = await Version();
        using var stop = new CancellationTokenSource();
        int edits = 0;
        //-- Seeded by the version the round starts from: a fixed seed replayed the same moves in every round and
        //-- every run on the same database, so after the first they moved households where they already stood.
        var rnd = new Random(before);
        //-- Where each moved household stood when the bench began: put back after the round, so runs on one database
        //-- do not pile up moves (after ~1,300 of them a local recompute widened into most of the township's grids).
        var moved = new Dictionary<string, Coordinate>(StringComparer.Ordinal);
        var editing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var to = points[rnd.Next(points.Count)];
                int k = rnd.Next(ids.Count);
                moved.TryAdd(ids[k], points[k]);
                using (var move = BenchEdit.MoveBeside(ids[k], to))
                using (var moved = await http.SendAsync(move))
                    moved.EnsureSuccessStatusCode();
                edits++;
                try { await Task.Delay(1000, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var result = await LookupBench.Load(lookups, sample, "", rate, seconds);
        await stop.CancelAsync();
        await editing;
        //-- The last edit's recompute may still be under way.
        async Task Settle()
        {
            for (var settle = Stopwatch.StartNew(); settle.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
                if ((await http.GetFromJsonAsync<JsonElement>($"/api/townships/{township}")).GetProperty("dirtySince").ValueKind == JsonValueKind.Null) break;
        }
        await Settle();
        int after = await Version();
        await using var changed = db.CreateCommand("SELECT count(DISTINCT valid_from)::int FROM micro_grid WHERE township_code = $1 AND valid_from > $2 AND valid_from <= $3");
        changed.Parameters.AddWithValue(township);
        changed.Parameters.AddWithValue(before);
        changed.Parameters.AddWithValue(after);
        int changing = (int)(await changed.ExecuteScalarAsync())!;
        foreach (var (id, at) in moved)
            using (var back = BenchEdit.MoveTo(id, at))
            using (var answer = await http.SendAsync(back))
                answer.EnsureSuccessStatusCode();
        await Settle();
        return (result, edits, after - before, changing);
    }
}
