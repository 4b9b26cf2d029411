using System.Diagnostics;
using System.Globalization;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Incremental;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench recompute --in-process</c>: the compute stage of <c>bench recompute</c> alone, in
/// this process without the database (CPU time is the process's, its collector's threads included): the same synthetic township and the same edits
/// (a household moved next to another one, one at a time), each recomputed by <see cref="LocalRecompute"/>
/// from the partition before it as published: the first read back from its files, as the service reads it
/// back from the database, the later ones as the service keeps what it published. Every fifth edit the whole township is also recomputed from the same published
/// partition: the reference measured in the same run. Prints the stages of each version's report.</summary>
internal static class LocalRecomputeBench
{
    private static readonly string[] Stages = ["prepare", "changes", "partition", "report"];

    /// <summary>One edit recomputed: the result, its wall and CPU time, and (every fifth edit) the
    /// whole recompute of the same input and previous, timed the same way.</summary>
    internal sealed record Step(int Edit, LocalRecompute.Result Result, double WallMs, double CpuMs, (double WallMs, double CpuMs)? Whole);

    public static int Run(int households, int edits)
    {
        var rows = new List<Step>();
        foreach (var step in Replay(households, edits, wholeEvery: 5))
        {
            rows.Add(step);
            Console.Error.WriteLine($"  edit {step.Edit}: {step.WallMs:F0} ms, " + string.Join(", ", step.Result.Partition.Report.ElapsedMs.Select(kv => $"{kv.Key} {kv.Value}"))
                + $"; grids {string.Join(" ", step.Result.Recomputed)}");
        }
        Print(households, edits, rows);
        return 0;
    }

    /// <summary>The bench's township and edits, each recomputed from the partition before it as published.</summary>
    internal static IEnumerable<Step> Replay(int households, int edits, int wholeEvery = 0)
    {
        var t = new TownshipGenerator(170).Generate("530627170", "测速镇", 105.9, 26.9, households);
        var dir = Directory.CreateTempSubdirectory("gridspatial-local-");
        try
        {
            SampleWriter.Write(t, dir.FullName);
            var input = TownshipFiles.InFolder(dir.FullName, null).Read();
            var options = new PartitionOptions();
            var published = RoundTrip(new TownshipPartitioner(options).Partition(input), dir);
            var rnd = new Random(1);
            var ids = t.Households.Select(h => h.Id).ToList();
            for (int i = 0; i < edits; i++)
            {
                //-- The same choices as the service bench: the household, then where it goes.
                var id = ids[rnd.Next(ids.Count)];
                var to = t.Households[rnd.Next(ids.Count)].Location.Coordinate;
                var moved = BenchEdit.Beside(to);
                input = input with { Households = input.Households.Select(h => h.Id == id ? h with { Location = moved } : h).ToList() };
                var current = published;
                var (result, wall, cpu) = Timed(() => new LocalRecompute(options).Recompute(input, current, current.Version + 1));
                (double, double)? whole = null;
                if (wholeEvery > 0 && i % wholeEvery == 0)
                {
                    var (_, w, c) = Timed(() => new TownshipPartitioner(options).Partition(input with { Previous = PreviousPartition.Of(current) }, current.Version + 1));
                    whole = (w, c);
                }
                yield return new Step(i + 1, result, wall, cpu, whole);
                //-- What the service keeps of the version it published (PublishedPartitions): the next recompute starts from it.
                published = Features.Partitions.PublishedPartitions.AsStored(result.Partition);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static Partition RoundTrip(Partition p, DirectoryInfo dir)
    {
        var output = Path.Combine(dir.FullName, "published");
        PartitionWriter.Write(p, output);
        return PartitionReader.Read(output);
    }

    private static (T Result, double WallMs, double CpuMs) Timed<T>(Func<T> run)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = run();
        return (result, clock.Elapsed.TotalMilliseconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
    }

    private static void Print(int households, int edits, List<Step> steps)
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = steps.Select(s => (Wall: s.WallMs, Cpu: s.CpuMs, Stages: s.Result.Partition.Report.ElapsedMs, Grids: s.Result.Recomputed.Count)).ToList();
        var whole = steps.Where(s => s.Whole is not null).Select(s => (Wall: s.Whole!.Value.WallMs, Cpu: s.Whole!.Value.CpuMs)).ToList();
        string P(IEnumerable<double> values, double q)
        {
            var sorted = values.Order().ToList();
            return sorted.Count == 0 ? "" : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)].ToString("F0", inv);
        }
        Console.WriteLine($"Compute stage in process (no database), {households:N0} households, {edits} edits; wall (CPU) ms:");
        Console.WriteLine();
        Console.WriteLine("| recompute | runs | p50 | p95 | max | " + string.Join(" | ", Stages.Select(s => s + " p50 / p95")) + " | grids recomputed (p50 / max) |");
        Console.WriteLine("|---|---:|---:|---:|---:|" + string.Concat(Stages.Select(_ => "---:|")) + "---:|");
        string Stage(string s) => $"{P(rows.Select(r => (double)r.Stages.GetValueOrDefault(s)), 0.5)} / {P(rows.Select(r => (double)r.Stages.GetValueOrDefault(s)), 0.95)}";
        Console.WriteLine($"| local (this edit's grids) | {rows.Count} | {P(rows.Select(r => r.Wall), 0.5)} ({P(rows.Select(r => r.Cpu), 0.5)}) | {P(rows.Select(r => r.Wall), 0.95)} ({P(rows.Select(r => r.Cpu), 0.95)}) | {P(rows.Select(r => r.Wall), 1)} | "
            + string.Join(" | ", Stages.Select(Stage)) + $" | {P(rows.Select(r => (double)r.Grids), 0.5)} / {P(rows.Select(r => (double)r.Grids), 1)} |");
        Console.WriteLine($"| whole township, same input and previous (reference) | {whole.Count} | {P(whole.Select(r => r.Wall), 0.5)} ({P(whole.Select(r => r.Cpu), 0.5)}) | {P(whole.Select(r => r.Wall), 0.95)} ({P(whole.Select(r => r.Cpu), 0.95)}) | {P(whole.Select(r => r.Wall), 1)} |" + string.Concat(Stages.Select(_ => " |")) + " |");
        //-- An edit the local recompute could not confine is a whole recompute in the "local" row: say how many and why.
        var fellBack = steps.Where(s => s.Result.WholeBecause is not null).GroupBy(s => s.Result.WholeBecause).ToList();
        Console.WriteLine();
        Console.WriteLine($"Recomputed whole instead of locally: {fellBack.Sum(g => g.Count())} of {steps.Count}"
            + string.Concat(fellBack.Select(g => $"; {g.Count()} × {g.Key}")));
    }
}
