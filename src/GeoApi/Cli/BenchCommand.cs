using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench partition</c>: for a township (a synthetic 10,000-household one, the files
/// given, or every township folder under --shared) this partitioner beside the PostGIS k-means
/// reference in the same run, one table, every figure from the partitioner's own report; then,
/// for the synthetic township, throughput on one core and on every core (a synthetic county of
/// --county-households split into townships of 10,000), with peak memory.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var files = new TownshipFileOptions(required: false);
        var shared = new Option<string>("--shared") { Description = "a folder of township folders (township, households and whichever of buildings, barriers, streets, villages .geojson): a row pair each", HelpName = "DIR" };
        var repeat = new Option<int>("--repeat") { Description = "timed runs on one core (after three to warm up)", HelpName = "N", DefaultValueFactory = _ => 7 };
        var churn = new Option<double?>("--churn") { Description = "instead of timing: partition, churn this fraction of the households (added, removed, moved by up to 50 m), partition again with the first as previous; print code stability, territory kept and the checks", HelpName = "FRACTION" };
        var seed = new Option<int>("--seed") { Description = "seed of --churn", HelpName = "N", DefaultValueFactory = _ => 7 };
        var nest = new Option<int?>("--nest") { Description = "instead of the reference: nest each township's grids in N × N squares and time the partition without nesting beside the nested recompute (which partitions twice: the report's cost of nesting), with the cost figures", HelpName = "N" };
        var county = new Option<int>("--county-households") { Description = "households of the synthetic county (0: none; by default none with --township or --shared)", HelpName = "N", DefaultValueFactory = _ => 1_000_000 };
        var partition = new Command("partition", "this partitioner beside the PostGIS k-means reference (with a database) on a synthetic township, the files given or every township under --shared: " +
            "time, cluster sizes, compactness, dispersion, borders on streets and barriers, crossings, vertices; then throughput on a synthetic county and peak memory");
        foreach (var o in files.All.Concat<Option>([shared, repeat, county, churn, seed, nest])) partition.Options.Add(o);
        partition.SetAction((p, ct) =>
        {
            var townshipFiles = files.Files(p);
            var given = townshipFiles is not null || p.GetValue(shared) is not null;
            var countyHouseholds = given && p.GetResult(county) is null or { Implicit: true } ? 0 : p.GetValue(county);
            if (p.GetValue(churn) is { } fraction) return Task.FromResult(Churn(townshipFiles, p.GetValue(shared), fraction, p.GetValue(seed)));
            if (p.GetValue(nest) is { } squares)
            {
                NestingBench.Run(Townships(townshipFiles, p.GetValue(shared)).Select(t => (t.Name, t.Read())), squares, p.GetValue(repeat), Console.Out);
                return Task.FromResult(0);
            }
            return RunAsync(townshipFiles, p.GetValue(shared), p.GetValue(repeat), countyHouseholds, ct);
        });

        Command[] database = [LookupBench.Create(), AreaBench.Create(), TileBench.Create(), RecomputeBench.Create(), LoadBench.Create()];
        var all = new Command("all", "every benchmark in turn: partition, then lookup, tiles, recompute and load on the database");
        all.SetAction(_ => AllAsync(partition, database));
        var bench = new Command("bench", "benchmarks (the README's tables); no subcommand is bench all") { all, partition };
        foreach (var c in database) bench.Subcommands.Add(c);
        bench.Subcommands.Add(FaultBench.Create());
        bench.Subcommands.Add(ProvinceBench.Create());
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

    private static int Churn(TownshipFiles? files, string? shared, double fraction, int seed)
    {
        if (fraction is <= 0 or >= 0.3) throw new UsageException($"--churn {fraction}: a fraction above 0 and below 0.3 (0.01 is 1 %).");
        var rows = Townships(files, shared).Select(t =>
        {
            var input = t.Read();
            return ChurnBench.Measure(string.IsNullOrEmpty(input.Township.Name) ? t.Name : input.Township.Name, input, fraction, seed);
        }).ToList();
        ChurnBench.Print(rows, fraction, seed, Console.Out);
        return 0;
    }

    private static List<(string Name, Func<PartitionInput> Read)> Townships(TownshipFiles? files, string? shared)
    {
        var townships = new List<(string Name, Func<PartitionInput> Read)>();
        if (shared is not null)
        {
            if (!Directory.Exists(shared)) throw new UsageException($"--shared {shared}: no such folder.");
            foreach (var dir in Directory.GetDirectories(shared).Order(StringComparer.Ordinal).Where(d => File.Exists(Path.Combine(d, "township.geojson"))))
            {
                var folder = TownshipFiles.InFolder(dir, null);
                townships.Add((Path.GetFileName(dir), () => folder.Read()));
            }
            if (townships.Count == 0) throw new UsageException($"--shared {shared}: no folder with a township.geojson.");
        }
        else if (files is not null) townships.Add((Path.GetFileNameWithoutExtension(files.Township), () => files.Read()));
        else townships.Add(("synthetic", () => Synthetic("530627101", 10_000, 101)));
        return townships;
    }

    private static async Task<int> RunAsync(TownshipFiles? files, string? shared, int repeat, int county, CancellationToken ct)
    {
        var townships = Townships(files, shared);

        var cs = Infrastructure.Database.GivenConnectionString();
        await using var db = cs is null ? null : Infrastructure.Database.Create(cs);
        var bench = new PartitionBench(repeat, db is null ? null : new KMeansReference(db));
        var rows = new List<(PartitionBench.Row Ours, PartitionBench.Row? Reference)>();
        foreach (var (name, read) in townships)
        {
            var input = read();
            var label = string.IsNullOrEmpty(input.Township.Name) ? name : input.Township.Name;
            rows.Add(await bench.MeasureAsync(files is null && shared is null ? $"{label} (synthetic)" : label, input, ct));
        }
        bench.Print(rows, Console.Out);

        if (files is null && shared is null)
        {
            var ours = rows[0].Ours;
            var throughput = new List<string[]>
            {
                new[] { "one township, 1 core", N(ours.Report.Households), $"{ours.Ms:F0} ms (median; CPU {ours.CpuMs:F0} ms)", N(ours.Report.Households / ours.Ms * 1000), $"{PeakMiB()} MiB" },
            };
            if (county > 0) throughput.Add(County(county));
            Console.WriteLine();
            Print(throughput);
        }
        return 0;
    }

    private static string[] County(int county)
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
        foreach (var f in failures) Console.Error.WriteLine("failed: " + f);
        return [$"county, {townships} townships, {Environment.ProcessorCount} cores", N(households),
            $"{seconds:F1} s (+{generate:F1} s to generate)", $"{N(households / seconds)} ({N(households / seconds / Environment.ProcessorCount)}/core)", $"{PeakMiB()} MiB"];
    }

    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    internal static PartitionInput Synthetic(string code, int households, int seed, int index = 0)
    {
        var t = new TownshipGenerator(seed).Generate(code, "合成镇", 104.87 + (index % 10) * 0.2, 27.44 + (index / 10) * 0.2, households);
        return new PartitionInput(t.Township,
            t.Households.Select(h => new HouseholdInput(h.Id, h.Location.Coordinate, h.BuildingId, h.Floor, h.Unit)).ToList(), [],
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
