using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench partition</c>: Partitioner throughput, warm, on one core (a synthetic
/// 10,000-household township, or the files given) and on every core (a synthetic county of
/// --county-households split into townships of 10,000), with peak memory. Prints a table.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var files = new TownshipFileOptions(required: false);
        var repeat = new Option<int>("--repeat") { Description = "timed runs on one core (after three to warm up)", HelpName = "N", DefaultValueFactory = _ => 7 };
        var county = new Option<int>("--county-households") { Description = "households of the synthetic county (0: none)", HelpName = "N", DefaultValueFactory = _ => 1_000_000 };
        var partition = new Command("partition", "partitioner throughput on one core (a synthetic township, or the files given) and on a synthetic county, peak memory; " +
            "with a database, the PostGIS ST_ClusterKMeans + ST_VoronoiPolygons reference on the same township");
        foreach (var o in files.All.Concat([repeat, county])) partition.Options.Add(o);
        partition.SetAction(p => Run(files.Files(p), p.GetValue(repeat), p.GetValue(county)));

        Command[] database = [LookupBench.Create(), TileBench.Create(), RecomputeBench.Create(), LoadBench.Create()];
        var all = new Command("all", "every benchmark in turn: partition, then lookup, tiles, recompute and load on the database");
        all.SetAction(_ => AllAsync(partition, database));
        var bench = new Command("bench", "benchmarks (the README's tables); no subcommand is bench all") { all, partition };
        foreach (var c in database) bench.Subcommands.Add(c);
        bench.Subcommands.Add(FaultBench.Create());
        bench.SetAction(_ => AllAsync(partition, database));
        return bench;
    }

    /// <summary>Every benchmark in turn (the README's tables), each with its defaults: the
    /// partitioner, then the service's on the database's data when a database is named.</summary>
    private static async Task<int> AllAsync(Command partition, Command[] database)
    {
        int rc = await partition.Parse([]).InvokeAsync(CliHost.Invocation);
        if (Infrastructure.Database.GivenConnectionString() is null) return rc;
        foreach (var sub in database)
        {
            if (sub.Name == "load" && !File.Exists("/usr/bin/wrk")) continue;
            Console.WriteLine($"\n## bench {sub.Name}");
            rc |= await sub.Parse([]).InvokeAsync(CliHost.Invocation);
        }
        return rc;
    }

    private static int Run(TownshipFiles? files, int repeat, int county)
    {
        var rows = new List<string[]>();

        var input = files is not null ? files.Read() : Synthetic("530627101", 10_000, 101);
        var (median, best, share) = OneCore(input, repeat);
        rows.Add(["one township, 1 core", input.Households.Count.ToString("N0", CultureInfo.InvariantCulture),
            $"{median:F0} ms (best {best:F0}); clusters 8–12: {share:P1}", $"{input.Households.Count / median * 1000:N0}", $"{PeakMiB()} MiB"]);
        if (Reference(input) is { } reference) rows.Add(reference);
        Print(rows);

        if (county > 0)
        {
            int townships = Math.Max(1, county / 10_000);
            var clock = Stopwatch.StartNew();
            var inputs = new PartitionInput[townships];
            Parallel.For(0, townships, i => inputs[i] = Synthetic((530627101 + i).ToString(CultureInfo.InvariantCulture), county / townships, 1000 + i, i));
            var generate = clock.Elapsed.TotalSeconds;
            GC.Collect();
            clock.Restart();
            long households = 0;
            var failures = new ConcurrentBag<string>();
            int done = 0;
            Parallel.ForEach(inputs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, t =>
            {
                try
                {
                    var p = new TownshipPartitioner(new PartitionOptions()).Partition(t);
                    Interlocked.Add(ref households, p.Assignments.Count);
                }
                catch (ArgumentException e) { failures.Add($"{t.Township.Code}: {e.Message}"); }
                var n = Interlocked.Increment(ref done);
                if (n % 10 == 0) Console.Error.Write($"\r  {n}/{townships} townships");
            });
            Console.Error.WriteLine();
            var seconds = clock.Elapsed.TotalSeconds;
            rows.Add([$"county, {townships} townships, {Environment.ProcessorCount} cores", households.ToString("N0", CultureInfo.InvariantCulture),
                $"{seconds:F1} s (+{generate:F1} s to generate)", $"{households / seconds:N0} ({households / seconds / Environment.ProcessorCount:N0}/core)", $"{PeakMiB()} MiB"]);
            foreach (var f in failures) Console.Error.WriteLine("failed: " + f);
            Print(rows);
        }
        return 0;
    }

    /// <summary>The reference a PostGIS user would reach for, on the same township in the same
    /// run: ST_ClusterKMeans with k = households / 10, then ST_VoronoiPolygons of the cluster
    /// centres clipped to the township (no barriers, villages, buildings or size band). Needs
    /// a database (configuration or GRIDSPATIAL_DB); skipped without it.</summary>
    private static string[]? Reference(PartitionInput input)
    {
        var cs = Infrastructure.Database.GivenConnectionString();
        if (cs is null) return null;
        using var db = Infrastructure.Database.Create(cs);
        using var conn = db.OpenConnection();
        using (var create = new Npgsql.NpgsqlCommand("CREATE TEMP TABLE bench_h (geom geometry(Point, 4326))", conn)) create.ExecuteNonQuery();
        using (var w = conn.BeginBinaryImport("COPY bench_h (geom) FROM STDIN (FORMAT BINARY)"))
        {
            var f = new NetTopologySuite.Geometries.GeometryFactory(new NetTopologySuite.Geometries.PrecisionModel(), 4326);
            foreach (var h in input.Households) w.WriteRow(f.CreatePoint(h.Location));
            w.Complete();
        }
        int k = Math.Max(1, input.Households.Count / 10);
        const string sql = """
            WITH c AS (SELECT geom, ST_ClusterKMeans(geom, $1) OVER () AS cid FROM bench_h),
                 sizes AS (SELECT cid, count(*) AS n, ST_Centroid(ST_Collect(geom)) AS centre FROM c GROUP BY cid),
                 cells AS (SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(centre)))).geom AS cell FROM sizes),
                 clipped AS (SELECT ST_Intersection(cell, $2) AS g FROM cells)
            SELECT (SELECT count(*) FILTER (WHERE n BETWEEN 8 AND 12)::float8 / count(*) FROM sizes), (SELECT count(*) FROM clipped WHERE NOT ST_IsEmpty(g))
            """;
        var times = new List<double>();
        double share = 0;
        for (int i = 0; i < 3; i++)
        {
            using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
            cmd.Parameters.AddWithValue(k);
            cmd.Parameters.AddWithValue(input.Township.Boundary);
            var sw = Stopwatch.StartNew();
            using var r = cmd.ExecuteReader();
            r.Read();
            share = r.GetDouble(0);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return ["reference: PostGIS ST_ClusterKMeans + ST_VoronoiPolygons (same township)", input.Households.Count.ToString("N0", CultureInfo.InvariantCulture),
            $"{times[1]:F0} ms; clusters 8–12: {share:P1}", $"{input.Households.Count / times[1] * 1000:N0}", "(server)"];
    }

    private static (double Median, double Best, double Share) OneCore(PartitionInput input, int repeat)
    {
        var partitioner = new TownshipPartitioner(new PartitionOptions());
        //-- Warm up until the JIT has settled (tiered compilation promotes hot methods after a few runs).
        for (int i = 0; i < 3; i++) partitioner.Partition(input);
        var times = new List<double>();
        Partition? last = null;
        for (int i = 0; i < repeat; i++)
        {
            var sw = Stopwatch.StartNew();
            last = partitioner.Partition(input);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.Error.WriteLine("  stages (ms, last run): " + string.Join(", ", last!.Report.ElapsedMs.Select(kv => $"{kv.Key} {kv.Value}")));
        return (times[times.Count / 2], times[0], last.Report.ClusterShare8To12 ?? 0);
    }

    internal static PartitionInput Synthetic(string code, int households, int seed, int index = 0)
    {
        var t = new TownshipGenerator(seed).Generate(code, "合成镇", 104.87 + (index % 10) * 0.2, 27.44 + (index / 10) * 0.2, households);
        return new PartitionInput(t.Township,
            t.Households.Select(h => new HouseholdInput(h.Id, h.Location.Coordinate, h.BuildingId, h.Floor)).ToList(), [],
            t.Barriers.Select(b => new BarrierInput(b.Id, b.Line, b.Kind)).ToList(), t.Villages)
        {
            Streets = t.Streets.Select(s => new StreetInput(s.Id, s.Line, s.Kind)).ToList(),
        };
    }

    private static long PeakMiB() => Process.GetCurrentProcess().PeakWorkingSet64 / 1048576;

    private static void Print(List<string[]> rows)
    {
        Console.WriteLine("| run | households | time | households/s | peak memory |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var r in rows) Console.WriteLine("| " + string.Join(" | ", r) + " |");
    }
}
