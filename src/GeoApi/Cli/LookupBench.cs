using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using GridSpatial.GeoApi.Features.Lookup;
using GridSpatial.GeoApi.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench lookup</c>: point lookups measured side by side in one run: the in-memory
/// index against a PostGIS ST_Intersects query per point, then through the running API (batch
/// POST, and GET at a fixed request rate with latency percentiles), each against the same
/// request answered from PostGIS.</summary>
public static class LookupBench
{
    public static Command Create()
    {
        var rate = new Option<int>("--rate") { Description = "single REST lookups per second", HelpName = "R", DefaultValueFactory = _ => 2000 };
        var seconds = new Option<int>("--seconds") { Description = "how long each fixed-rate run lasts", HelpName = "S", DefaultValueFactory = _ => 10 };
        var copies = new Option<int>("--copies") { Description = "also time in-process lookups on this many copies of the loaded townships laid side by side (a province's size without building one; 1,200 copies of the sample database's townships are 1,130,400 micro-grids)", HelpName = "N" };
        var command = new Command("lookup", "lookups: in-process, batch REST, single REST at a fixed rate (and wrk), each against PostGIS") { rate, seconds, copies };
        command.SetAction(p => RunAsync(p.GetValue(rate), p.GetValue(seconds), p.GetValue(copies)));
        return command;
    }

    private static async Task<int> RunAsync(int rate, int seconds, int copies)
    {
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        var (index, loaded) = await LoadMeasuredAsync(db);
        if (index.MicroGridCount == 0) throw new UsageException("No partitioned township in the database: run scripts/run.sh (or import and recompute) first.");

        // Points: household locations jittered by up to ~50 m, so most fall inside a township.
        var points = new List<Coordinate>();
        await using (var cmd = db.CreateCommand("SELECT ST_X(geom), ST_Y(geom) FROM household ORDER BY id"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) points.Add(new Coordinate(r.GetDouble(0), r.GetDouble(1)));
        var rnd = new Random(42);
        var sample = Enumerable.Range(0, 100_000).Select(_ => points[rnd.Next(points.Count)])
            .Select(p => new Coordinate(p.X + (rnd.NextDouble() - 0.5) * 0.001, p.Y + (rnd.NextDouble() - 0.5) * 0.001)).ToArray();
        var rows = new List<string[]>();

        // 1. In-process, one thread.
        var (inProcess, inside, _, _, _) = OneThread(index, sample);
        var clock = Stopwatch.StartNew();
        int pg = 0;
        while (clock.Elapsed.TotalSeconds < 3)
            for (int i = 0; i < 200; i++, pg++) await LookupEndpoints.Fallback(db, sample[i].X, sample[i].Y, CancellationToken.None);
        double postgis = pg / clock.Elapsed.TotalSeconds;
        rows.Add(["in-process index, 1 thread", $"{inProcess:N0} lookups/s", $"{postgis:N0} lookups/s", $"{inProcess / postgis:N0}×"]);
        if (copies > 0) rows.AddRange(Copies(index, sample, copies, inProcess));
        Print(rows);
        Console.WriteLine($"index: {index.MicroGridCount:N0} micro-grids, {loaded.Bytes / 1048576.0:N1} MiB managed heap ({loaded.Bytes / Math.Max(1, index.MicroGridCount):N0} bytes per micro-grid; territories {index.ArrayBytes.Territories / Math.Max(1, index.MicroGridCount):N0}, cells {index.ArrayBytes.Cells / Math.Max(1, index.MicroGridCount):N0}), loaded in {loaded.Seconds:N1} s");

        // 2. Through the API on loopback.
        await using var host = await BenchHost.StartAsync("--Hangfire:Server=false");
        var address = host.Address;
        using var http = host.Client();
        var index2 = host.Services.GetRequiredService<LookupIndex>();
        for (int i = 0; i < 100 && !index2.Loaded; i++) await Task.Delay(100);

        var batch = "[" + string.Join(",", sample.Take(10_000).Select(p => FormattableString.Invariant($"[{p.X},{p.Y}]"))) + "]";
        double Batch(string query, int rounds)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < rounds; i++)
            {
                using var response = http.PostAsync(new Uri("/api/lookup" + query, UriKind.Relative), new StringContent(batch, Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
                response.EnsureSuccessStatusCode();
                response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            }
            return rounds * 10_000 / sw.Elapsed.TotalSeconds;
        }
        Batch("", 2);
        double batchRate = Batch("", 10);
        double batchPg = Batch("?source=postgis", 1);
        rows.Add(["POST /api/lookup, 10,000 points per request", $"{batchRate:N0} points/s", $"{batchPg:N0} points/s", $"{batchRate / batchPg:N0}×"]);
        Print(rows);

        //-- A warm-up at the same rate first: the JIT's tiering and the connection pool settle.
        await Load(http, sample, "", rate, 3);
        var (p50, p99, achieved, errors) = await Load(http, sample, "", rate, seconds);
        await Load(http, sample, "&source=postgis", rate, 1);
        var (pgP50, pgP99, pgAchieved, pgErrors) = await Load(http, sample, "&source=postgis", rate, seconds);
        rows.Add([$"GET /api/lookup at {rate:N0} req/s for {seconds} s", $"p50 {p50:F2} ms, p99 {p99:F2} ms ({achieved:N0} req/s, {errors} errors)",
            $"p50 {pgP50:F2} ms, p99 {pgP99:F2} ms ({pgAchieved:N0} req/s, {pgErrors} errors)", $"{pgP99 / p99:N0}× (p99)"]);
        if (File.Exists("/usr/bin/wrk")) rows.Add(await Wrk(address, sample, seconds, host.Key));
        Print(rows);
        Console.WriteLine($"{inside * 100:F0} % of the sample points inside a micro-grid; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
        return 0;
    }

    /// <summary>In-process lookups on <paramref name="copies"/> copies of the loaded townships side by side, one
    /// thread and one per core, the sample spread over the copies; beside the one copy measured before.</summary>
    private static List<string[]> Copies(LookupIndex loaded, Coordinate[] sample, int copies, double oneCopy)
    {
        var (index, shifts) = loaded.Copies(copies);
        var rnd = new Random(7);
        var spread = sample.Select(p => shifts[rnd.Next(shifts.Length)] is var (dx, dy) ? new Coordinate(p.X + dx, p.Y + dy) : p).ToArray();
        //-- The copies' half a gigabyte allocated: collected now, not in the middle of the timing.
        CollectAll();
        var (one, inside, _, _, _) = OneThread(index, spread);
        var (batched, _, _, _, _) = OneThread(index, spread, BatchPoints);
        int threads = Environment.ProcessorCount;
        double every = EveryCore(index, spread), everyBatched = EveryCore(index, spread, BatchPoints);
        var size = $"{copies:N0} copies, {index.MicroGridCount:N0} micro-grids";
        return
        [
            [$"in-process index, {size}, 1 thread", $"{one:N0} lookups/s ({100 * inside:F0} % inside a micro-grid)", $"one copy {oneCopy:N0} lookups/s", $"{one / oneCopy:F2}× one copy"],
            [$"in-process index, {size}, batches of {BatchPoints:N0}{Warmed(index)}, 1 thread", $"{batched:N0} lookups/s", $"one at a time {one:N0} lookups/s", $"{batched / one:F2}× one at a time"],
            [$"in-process index, {size}, {threads} threads", $"{every:N0} lookups/s", "", ""],
            [$"in-process index, {size}, batches of {BatchPoints:N0}{Warmed(index)}, {threads} threads", $"{everyBatched:N0} lookups/s", $"one at a time {every:N0} lookups/s", $"{everyBatched / every:F2}× one at a time"],
        ];
    }

    /// <summary>Whether the batched rows interleaved their points' walks (<see cref="LookupIndex.FindAll"/>), as a row says it.</summary>
    internal static string Warmed(LookupIndex index) => index.WarmsBatches ? " (warmed)" : " (not warmed: the index fits the cache)";

    /// <summary>Points answered together by the batched rows: a batch request's most (POST /api/lookup).</summary>
    internal const int BatchPoints = LookupEndpoints.MaxBatch;

    /// <summary>In-process lookups on this thread for 3 s (after 20,000 to warm up), each answer's micro-grid read: how
    /// many, in how many wall and process-CPU seconds, and the share of the points inside a micro-grid. With
    /// <paramref name="batch"/> above 1, the points are asked in batches of that many (<see cref="LookupIndex.FindAll"/>,
    /// as the batch endpoint asks them) instead of one at a time.</summary>
    internal static (double Rate, double Inside, long Lookups, double Seconds, double CpuSeconds) OneThread(LookupIndex index, Coordinate[] points, int batch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var xy = points.Select(p => (p.X, p.Y)).ToArray();
        var hits = new LookupHit?[batch];
        long Answer(int from)
        {
            int n = Math.Min(batch, xy.Length - from);
            if (batch == 1) hits[0] = index.Find(xy[from].X, xy[from].Y);
            else index.FindAll(xy.AsSpan(from, n), hits);
            long inside = 0;
            for (int i = 0; i < n; i++) if (hits[i]?.MicroGrid is not null) inside++;
            return inside;
        }
        for (int warmed = 0, i = 0; warmed < 20_000; warmed += Math.Min(batch, xy.Length - i), i = (i + batch) % xy.Length) Answer(i);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long n = 0, hit = 0;
        while (clock.Elapsed.TotalSeconds < 3)
            for (int i = 0; i < xy.Length; i += batch)
            {
                hit += Answer(i);
                n += Math.Min(batch, xy.Length - i);
            }
        double seconds = clock.Elapsed.TotalSeconds, cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return (n / seconds, hit / (double)Math.Max(1, n), n, seconds, cpuSeconds);
    }

    /// <summary>In-process lookups a second for 3 s on a thread per core, each through the points from its own offset
    /// (one at a time, or in batches as <see cref="OneThread"/>): what one API process answers on every core.</summary>
    internal static double EveryCore(LookupIndex index, Coordinate[] points, int batch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        int threads = Environment.ProcessorCount;
        var counts = new long[threads];
        var xy = points.Select(p => (p.X, p.Y)).ToArray();
        var all = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
        {
            long c = 0;
            var hits = new LookupHit?[batch];
            for (int i = k * xy.Length / threads; all.Elapsed.TotalSeconds < 3;)
                for (int j = 0; j < 10_000; j += batch)
                {
                    int n = Math.Min(batch, xy.Length - i);
                    if (batch == 1) index.Find(xy[i].X, xy[i].Y); else index.FindAll(xy.AsSpan(i, n), hits);
                    c += n;
                    i = i + n == xy.Length ? 0 : i + n;
                }
            counts[k] = c;
        });
        return counts.Sum() / all.Elapsed.TotalSeconds;
    }

    /// <summary>A fresh index loaded from the database, with what it holds: the managed heap after a
    /// full collection, before and after the load (connection buffers included, so it errs high).</summary>
    internal static async Task<(LookupIndex Index, (long Bytes, double Seconds) Loaded)> LoadMeasuredAsync(Npgsql.NpgsqlDataSource db)
    {
        long before = LiveBytes();
        var clock = Stopwatch.StartNew();
        var index = new LookupIndex(db, NullLogger<LookupIndex>.Instance);
        await index.LoadAllAsync(CancellationToken.None);
        double seconds = clock.Elapsed.TotalSeconds;
        long after = LiveBytes();
        GC.KeepAlive(index);
        return (index, (after - before, seconds));
    }

    /// <summary>Bytes live on the managed heap: after a full, blocking, compacting collection (earlier
    /// steps' finalizable garbage included), the heap less its free space.</summary>
    private static long LiveBytes()
    {
        CollectAll();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return info.HeapSizeBytes - info.FragmentedBytes;
    }

    /// <summary>A full, blocking, compacting collection of this process (large objects too), its finalizers run.</summary>
    internal static void CollectAll()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    /// <summary>Open-loop load (<see cref="FixedRate"/>): requests start on a fixed schedule whatever the
    /// latency, so a slow server shows up as latency rather than as a lower request rate; each latency
    /// runs from when its request was due, so a late generator shows up too.</summary>
    internal static Task<(double P50, double P99, double Achieved, int Errors)> Load(HttpClient http, Coordinate[] sample, string query, int rate, int seconds) =>
        Load(http, sample.Select(p => new Uri(FormattableString.Invariant($"/api/lookup?lon={p.X}&lat={p.Y}{query}"), UriKind.Relative)).ToArray(), rate, seconds);

    /// <summary>The same for any addresses, asked in turn.</summary>
    internal static async Task<(double P50, double P99, double Achieved, int Errors)> Load(HttpClient http, Uri[] uris, int rate, int seconds)
    {
        int total = rate * seconds;
        var latencies = new double[total];
        int errors = 0;
        //-- Addresses made once and the answers drained, not copied: the generator's own collections pause its
        //-- requests too (they count against the server, measured from when each was due), so it allocates little.
        var clock = Stopwatch.StartNew();
        await FixedRate.RunAsync(total, rate, async (k, due) =>
        {
            //-- From when the request was due: the generator's own lag counts against it.
            long start = due;
            try
            {
                using var r = await http.GetAsync(uris[k % uris.Length], HttpCompletionOption.ResponseHeadersRead);
                await r.Content.CopyToAsync(Stream.Null);
                if ((int)r.StatusCode >= 500) Interlocked.Increment(ref errors);
            }
            catch (HttpRequestException) { Interlocked.Increment(ref errors); }
            latencies[k] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        });
        var achieved = total / clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return (latencies[total / 2], latencies[(int)(total * 0.99)], achieved, errors);
    }

    /// <summary>wrk (Debian's) as an outside load generator: 4 connections, as fast as the
    /// server answers, random points from the sample.</summary>
    internal static async Task<string[]> Wrk(string address, Coordinate[] sample, int seconds, string key)
    {
        var script = Path.Combine(Path.GetTempPath(), $"gs-wrk-{Environment.ProcessId}.lua");
        var paths = string.Join(",\n", sample.Take(2000).Select(p => FormattableString.Invariant($"\"/api/lookup?lon={p.X}&lat={p.Y}\"")));
        await File.WriteAllTextAsync(script, "local paths = {" + paths + "}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n");
        var psi = new ProcessStartInfo("wrk", ["-t1", "-c4", $"-d{seconds}s", "--latency", "-H", $"X-Api-Key: {key}", "-s", script, address]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        File.Delete(script);
        string Find(string key) => output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?[key.Length..].Trim() ?? "?";
        return [$"GET /api/lookup, wrk 4 connections, {seconds} s", $"{Find("Requests/sec:")} req/s, p50 {Find("50%")}, p99 {Find("99%")}", "", ""];
    }

    private static void Print(List<string[]> rows)
    {
        Console.WriteLine("| lookup | GridSpatial | PostGIS per point (same run) | ratio |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var r in rows) Console.WriteLine("| " + string.Join(" | ", r) + " |");
    }
}
