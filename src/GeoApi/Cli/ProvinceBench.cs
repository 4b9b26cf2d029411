using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Threading.Channels;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner.Files.Sources;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench province</c>: a province on one machine. Generates N townships of H households
/// (<see cref="GenerateCommand.Plan"/>: real Yunnan codes, names and villages when the division codes
/// are at hand), imports each folder (<see cref="ImportCommand.ImportDirAsync"/>), partitions them as
/// one batch through the service's Hangfire workers (<c>POST /api/partitions</c>), then measures the
/// database's size, an API process's start until its lookup index is loaded and its resident memory,
/// the index's bytes per micro-grid, in-process lookups and <c>GET /api/lookup</c> at a fixed rate.
/// A re-run skips the townships already imported (all H households in) and partitioned.</summary>
public static class ProvinceBench
{
    public static Command Create()
    {
        var townships = new Option<int>("--townships") { Description = "townships of the province", HelpName = "N", DefaultValueFactory = _ => 1200 };
        var households = new Option<int>("--households-per-township") { Description = "households in each", HelpName = "H", DefaultValueFactory = _ => 10_000 };
        var work = new Option<string>("--work") { Description = "where each township's files are written before import (deleted after)", HelpName = "DIR",
            DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "gridspatial-province") };
        var rate = new Option<int>("--rate") { Description = "GET /api/lookup per second", HelpName = "R", DefaultValueFactory = _ => 2000 };
        var seconds = new Option<int>("--seconds") { Description = "how long the fixed-rate run lasts", HelpName = "S", DefaultValueFactory = _ => 10 };
        var command = new Command("province", "a province on one machine: generate and import N townships (real Yunnan codes when at hand), partition them through the workers, " +
            "then database size, API start and memory with the whole index, bytes per micro-grid, lookups in process and over HTTP; a re-run skips what is done")
        {
            townships, households, work, rate, seconds,
        };
        command.SetAction((p, ct) => RunAsync(p.GetValue(townships), p.GetValue(households), p.GetRequiredValue(work), p.GetValue(rate), p.GetValue(seconds), ct));
        return command;
    }

    private static async Task<int> RunAsync(int townships, int households, string work, int rate, int seconds, CancellationToken ct)
    {
        if (townships < 2) throw new UsageException("--townships: at least 2.");
        if (households is < 100 or > 200_000) throw new UsageException("--households-per-township: between 100 and 200,000.");
        var divisions = GenerateCommand.DefaultDivisions();
        Console.WriteLine(divisions is null
            ? "No division codes at ../shared/data/china-division: made-up codes under county 530627 (at most 399 townships)."
            : $"Division codes: {divisions} (townships with at least 4 villages, in code order; fewer than --townships is an error).");
        var plan = GenerateCommand.Plan(townships, households, null, divisions);
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        var rows = new List<string[]>();

        // 1. Generate and import what is not in yet: townships are generated on every core while earlier ones are imported.
        var done = await CountsAsync(db, "SELECT township_code, count(*) FROM household GROUP BY 1", ct);
        var missing = plan.Where(t => done.GetValueOrDefault(t.Code) < households).ToList();
        Console.WriteLine($"import: {plan.Count - missing.Count} of {plan.Count} townships already in; {missing.Count} to generate and import");
        var (generateSeconds, importSeconds, imported, importWall, importCpu) = await ImportAsync(db, missing, work, ct);
        rows.Add(["generate (GeoJSON folders, on every core, beside the import)", $"{missing.Count} townships", $"{generateSeconds:N1} s summed over threads",
            imported > 0 ? $"{imported / generateSeconds:N0} households/s per thread" : "skipped"]);
        rows.Add(["import (binary COPY, per township folder)", $"{imported:N0} households", $"{importWall:N1} s wall ({importSeconds:N1} s importing; CPU of this process {importCpu:N1} s)",
            imported > 0 ? $"{imported / importSeconds:N0} households/s" : "skipped"]);
        Print(rows);

        // 2. Partition through the service's Hangfire workers, one batch.
        var open = await CountsAsync(db, "SELECT t.code, 1 FROM township t LEFT JOIN township_state s ON s.township_code = t.code WHERE s.current_version IS NULL", ct);
        var toPartition = plan.Where(t => open.ContainsKey(t.Code)).Select(t => t.Code).ToList();
        Console.WriteLine($"partition: {plan.Count - toPartition.Count} of {plan.Count} townships already published; {toPartition.Count} to partition");
        if (toPartition.Count > 0)
        {
            var (wall, cpu) = await PartitionAsync(toPartition, ct);
            rows.Add(["partition through the Hangfire workers (POST /api/partitions)", $"{toPartition.Count * (long)households:N0} households",
                $"{wall:N1} s wall (CPU of the API and its job server {cpu:N1} s; PostgreSQL's not counted)", $"{toPartition.Count * (long)households / wall:N0} households/s"]);
        }
        else rows.Add(["partition through the Hangfire workers", "0", "skipped (all published)", ""]);
        long microGrids = await ScalarAsync(db, "SELECT count(*) FROM current_micro_grid", ct);
        long totalHouseholds = await ScalarAsync(db, "SELECT count(*) FROM household", ct);
        long bytes = await ScalarAsync(db, "SELECT pg_database_size(current_database())", ct);
        rows.Add(["database (pg_database_size)", $"{totalHouseholds:N0} households, {microGrids:N0} micro-grids", $"{bytes / 1048576.0:N0} MiB", $"{(double)bytes / totalHouseholds:N0} bytes per household"]);
        Print(rows);

        // 3. The index in this process: bytes per micro-grid, lookups per second on one thread.
        var (inProcess, sample, firsts) = await InProcessAsync(db, totalHouseholds, ct);
        rows.AddRange(inProcess);
        GC.Collect();
        Print(rows);

        // 4. An API process of its own: start until the index is loaded, resident memory, GET at a fixed rate.
        rows.AddRange(await ApiAsync(cs, sample, firsts, rate, seconds, ct));
        Print(rows);
        Console.WriteLine($"targets (issue #20): ≤ 600 bytes per micro-grid, API ≤ 2 GB with the whole index, ≥ 1,000,000 lookups/s in process, GET p99 ≤ 5 ms at 2,000 req/s; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        return 0;
    }

    /// <summary>The index loaded and measured in this process (before the sample is drawn, so the heap holds
    /// nothing else that a collection could take), then one thread's lookups of the sample; the sample, and
    /// its first point in each township.</summary>
    private static async Task<(List<string[]> Rows, Coordinate[] Sample, Coordinate[] Firsts)> InProcessAsync(Npgsql.NpgsqlDataSource db, long households, CancellationToken ct)
    {
        var (index, loaded) = await LookupBench.LoadMeasuredAsync(db);
        var sample = await SampleAsync(db, households, ct);
        var (territories, cells) = index.ArrayBytes;
        int indexed = Math.Max(1, index.MicroGridCount);
        //-- On a shared machine the thread gets part of a core: per CPU second (the process is otherwise idle) beside per wall second.
        var one = LookupBench.OneThread(index, sample);
        var batched = LookupBench.OneThread(index, sample, LookupBench.BatchPoints);
        int threads = Environment.ProcessorCount;
        double everyCore = LookupBench.EveryCore(index, sample), everyCoreBatched = LookupBench.EveryCore(index, sample, LookupBench.BatchPoints);
        var firsts = sample.Select(p => (Point: p, Hit: index.Find(p.X, p.Y))).Where(h => h.Hit is not null)
            .DistinctBy(h => h.Hit!.Township.Code).Select(h => h.Point).ToArray();
        return (
        [
            ["lookup index in process (live managed heap before/after the load)", $"{index.MicroGridCount:N0} micro-grids", $"{loaded.Bytes / 1048576.0:N0} MiB, loaded in {loaded.Seconds:N1} s",
                $"{loaded.Bytes / indexed:N0} bytes per micro-grid (territories {territories / indexed:N0}, cells {cells / indexed:N0})"],
            ["lookups in process, 1 thread", $"{sample.Length:N0} points ({100 * one.Inside:F0} % inside)", $"{one.Lookups:N0} in {one.Seconds:N1} s (CPU {one.CpuSeconds:N1} s)",
                $"{one.Rate:N0} lookups/s ({one.Lookups / one.CpuSeconds:N0} per CPU second)"],
            [$"lookups in process, batches of {LookupBench.BatchPoints:N0}{LookupBench.Warmed(index)}, 1 thread", $"{sample.Length:N0} points", $"{batched.Lookups:N0} in {batched.Seconds:N1} s (CPU {batched.CpuSeconds:N1} s)",
                $"{batched.Rate:N0} lookups/s ({batched.Lookups / batched.CpuSeconds:N0} per CPU second)"],
            [$"lookups in process, {threads} threads (one per core)", $"{sample.Length:N0} points", "3.0 s",
                $"{everyCore:N0} lookups/s"],
            [$"lookups in process, batches of {LookupBench.BatchPoints:N0}{LookupBench.Warmed(index)}, {threads} threads", $"{sample.Length:N0} points", "3.0 s",
                $"{everyCoreBatched:N0} lookups/s"],
        ], sample, firsts);
    }

    private static async Task<(double Generate, double Import, long Households, double Wall, double Cpu)> ImportAsync(
        Npgsql.NpgsqlDataSource db, List<GenerateCommand.Planned> missing, string work, CancellationToken ct)
    {
        if (missing.Count == 0) return (0, 0, 0, 0, 0);
        var importer = new LayerImporter(db, new InputLimits());
        var folders = Channel.CreateBounded<(string Code, string Dir)>(2);
        double generate = 0, import = 0;
        long households = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        //-- Generation is the slow part: on every core, while the import waits on PostgreSQL.
        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, async (t, token) =>
                {
                    var clock = Stopwatch.StartNew();
                    var dir = Path.Combine(work, t.Code);
                    SampleWriter.Write(t.Generate(seed: 118), dir);
                    lock (folders) generate += clock.Elapsed.TotalSeconds;
                    await folders.Writer.WriteAsync((t.Code, dir), token);
                });
            }
            finally { folders.Writer.Complete(); }
        }, ct);
        int count = 0;
        await foreach (var (code, dir) in folders.Reader.ReadAllAsync(ct))
        {
            var clock = Stopwatch.StartNew();
            var results = await ImportCommand.ImportDirAsync(importer, dir, new SourceOptions(), ct);
            import += clock.Elapsed.TotalSeconds;
            households += results.Where(r => r.Result.Layer == "households").Sum(r => (long)r.Result.Received);
            Directory.Delete(dir, recursive: true);
            Console.Error.Write($"\r  imported {++count}/{missing.Count} ({code}), {households / import:N0} households/s   ");
        }
        await producer;
        Console.Error.WriteLine();
        return (generate, import, households, wall.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    private static async Task<(double Wall, double Cpu)> PartitionAsync(List<string> codes, CancellationToken ct)
    {
        await using var host = await BenchHost.StartAsync();
        using var http = host.Client();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var start = await http.PostAsJsonAsync("/api/partitions", new BatchEndpoints.BatchRequest(codes, null, null, null), ct);
        start.EnsureSuccessStatusCode();
        var id = (await start.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("id").GetInt64();
        while (true)
        {
            await Task.Delay(2000, ct);
            var s = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/partitions/{id}", ct);
            Console.Error.Write($"\r  partitioned {s.GetProperty("succeeded").GetInt32()}/{codes.Count}, failed {s.GetProperty("failed").GetInt32()}, {clock.Elapsed.TotalSeconds:N0} s   ");
            if (s.GetProperty("done").GetBoolean())
            {
                Console.Error.WriteLine();
                if (s.GetProperty("failed").GetInt32() > 0) Console.Error.WriteLine($"  {s.GetProperty("failed").GetInt32()} townships failed: see GET /api/partitions/{id}");
                break;
            }
        }
        return (clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>The real executable on a free port without a job server: seconds from its start until its
    /// lookup index says it is loaded, its resident memory then (VmRSS); the first answer in every township
    /// (each loads the township's people snapshot) and the memory after them; GET /api/lookup at a fixed rate.</summary>
    private static async Task<List<string[]>> ApiAsync(string cs, Coordinate[] sample, Coordinate[] firsts, int rate, int seconds, CancellationToken ct)
    {
        var key = Features.Access.ApiKeyStore.NewSecret();
        var loaded = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        using var api = FaultBench.StartApiWithoutJobServer(cs, key, out var address,
            line => { if (line.Contains("Lookup index loaded", StringComparison.Ordinal)) loaded.TrySetResult(line); },
            new Dictionary<string, string> { ["Logging__LogLevel__GridSpatial.GeoApi.Features.Lookup.LookupIndex"] = "Information" });
        try
        {
            await loaded.Task.WaitAsync(TimeSpan.FromMinutes(30), ct);
            double startSeconds = clock.Elapsed.TotalSeconds;
            await Task.Delay(2000, ct);
            long rss = ResidentBytes(api.Id);
            using var http = BenchHost.Client(address, key);
            //-- Steady state: every township answered once (its people snapshot loaded), as a serving
            //-- province is after its first minutes; then a warm-up at the rate (JIT tiers, connection pool).
            var first = Stopwatch.StartNew();
            var firstMs = new System.Collections.Concurrent.ConcurrentBag<double>();
            await Parallel.ForEachAsync(firsts, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (p, token) =>
            {
                var one = Stopwatch.StartNew();
                using var r = await http.GetAsync(new Uri(FormattableString.Invariant($"/api/lookup?lon={p.X}&lat={p.Y}"), UriKind.Relative), token);
                r.EnsureSuccessStatusCode();
                firstMs.Add(one.Elapsed.TotalMilliseconds);
            });
            double firstSeconds = first.Elapsed.TotalSeconds;
            var firstSorted = firstMs.Order().ToArray();
            long rssWarm = ResidentBytes(api.Id);
            await LookupBench.Load(http, sample, "", rate, 3);
            var (p50, p99, achieved, errors) = await LookupBench.Load(http, sample, "", rate, seconds);
            return
            [
                ["API process start until the whole index is loaded", "", $"{startSeconds:N1} s", ""],
                ["API resident memory with the whole index (VmRSS, 2 s after the load)", "", $"{rss / 1048576.0:N0} MiB", $"peak {ResidentBytes(api.Id, "VmHWM:") / 1048576.0:N0} MiB"],
                ["first answer in each township (loads its people snapshot), 4 at a time", $"{firsts.Length:N0} townships in {firstSeconds:N1} s",
                    FormattableString.Invariant($"p50 {firstSorted[firstSorted.Length / 2]:F1} ms, max {firstSorted[^1]:F1} ms"), ""],
                ["API resident memory after every township's first answer (index and people snapshots)", "", $"{rssWarm / 1048576.0:N0} MiB",
                    $"peak {ResidentBytes(api.Id, "VmHWM:") / 1048576.0:N0} MiB"],
                [$"GET /api/lookup at {rate:N0} req/s for {seconds} s", $"{achieved:N0} req/s, {errors} errors", FormattableString.Invariant($"p50 {p50:F2} ms, p99 {p99:F2} ms"), ""],
            ];
        }
        finally
        {
            if (!api.HasExited) api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static long ResidentBytes(int pid, string field = "VmRSS:") =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(field, StringComparison.Ordinal))
            .Select(l => long.Parse(l[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024).FirstOrDefault();

    /// <summary>100,000 points: households drawn at random over the whole province, jittered by up to ~50 m.</summary>
    private static async Task<Coordinate[]> SampleAsync(Npgsql.NpgsqlDataSource db, long households, CancellationToken ct)
    {
        var points = new List<Coordinate>();
        double percent = Math.Min(100, 100.0 * 150_000 / Math.Max(1, households));
        await using (var cmd = db.CreateCommand(FormattableString.Invariant($"SELECT ST_X(geom), ST_Y(geom) FROM household TABLESAMPLE BERNOULLI ({percent}) REPEATABLE (42)")))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) points.Add(new Coordinate(r.GetDouble(0), r.GetDouble(1)));
        if (points.Count == 0) throw new UsageException("No households in the database.");
        var rnd = new Random(42);
        return Enumerable.Range(0, 100_000).Select(_ => points[rnd.Next(points.Count)])
            .Select(p => new Coordinate(p.X + (rnd.NextDouble() - 0.5) * 0.001, p.Y + (rnd.NextDouble() - 0.5) * 0.001)).ToArray();
    }

    private static async Task<Dictionary<string, long>> CountsAsync(Npgsql.NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var cmd = db.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) counts[r.GetString(0).Trim()] = Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture);
        return counts;
    }

    private static async Task<long> ScalarAsync(Npgsql.NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static void Print(List<string[]> rows)
    {
        Console.WriteLine("| step | size | time | rate |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var r in rows) Console.WriteLine("| " + string.Join(" | ", r) + " |");
    }
}
