using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Incremental;
using GridSpatial.Partitioner.Files;
using Spectre.Console;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>partition-all</c>: every township folder of DIR (township.geojson,
/// households.geojson and whichever of buildings, barriers, streets, villages.geojson it has; a previous
/// output of the same name under --out is used for stable codes), partitioned in parallel over the cores, each written in the <c>partition</c>
/// output format, with a progress bar.</summary>
public static class PartitionAllCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "a folder of township folders", HelpName = "DIR", Required = true };
        var output = new Option<string>("--out") { Description = "the output folder (its earlier outputs keep codes stable)", HelpName = "DIR", Required = true };
        var options = new Option<string>("--options") { Description = "partition options (snake_case JSON, README)", HelpName = "O.json" };
        var parallel = new Option<int>("--parallel") { Description = "townships at once", HelpName = "N", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("partition-all", "every township folder of DIR in parallel over the cores, each in the partition format, with a progress bar")
        {
            input, output, options, parallel,
        };
        command.SetAction(p => Run(p.GetRequiredValue(input), p.GetRequiredValue(output), p.GetValue(options), p.GetValue(parallel)));
        return command;
    }

    private static int Run(string input, string output, string? optionsFile, int parallel)
    {
        var (options, crs) = optionsFile is { } o ? GeoJsonInputReader.ReadOptions(o) : new PartitionOptionsFile(new PartitionOptions());
        //-- Parsed once, before any work: a bad name fails the command, not every township.
        var inputCrs = InputCrs.ForFiles(crs);
        var folders = Directory.GetDirectories(input).Where(d => File.Exists(Path.Combine(d, "township.geojson"))).Order(StringComparer.Ordinal).ToList();
        if (folders.Count == 0) throw new UsageException($"No township folder (with township.geojson) under {input}.");

        var failures = new ConcurrentBag<string>();
        long households = 0;
        var clock = Stopwatch.StartNew();
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{folders.Count} townships", maxValue: folders.Count);
                Parallel.ForEach(folders, new ParallelOptions { MaxDegreeOfParallelism = parallel }, dir =>
                {
                    var name = Path.GetFileName(dir);
                    try
                    {
                        var previous = Path.Combine(output, name);
                        var files = TownshipFiles.InFolder(dir, File.Exists(Path.Combine(previous, "assignments.csv")) ? previous : null);
                        var published = files.ReadPrevious();
                        var inputs = files.Read(inputCrs, published);
                        var p = published is null
                            ? new TownshipPartitioner(options).Partition(inputs)
                            : new LocalRecompute(options).Recompute(inputs, published, published.Version + 1).Partition;
                        PartitionWriter.Write(p, previous);
                        Interlocked.Add(ref households, p.Assignments.Count);
                    }
                    catch (ArgumentException e)
                    {
                        failures.Add($"{name}: {e.Message}");
                    }
                    catch (Exception e)
                    {
                        //-- One township the partitioner cannot handle does not stop the others.
                        failures.Add(PartitionDefect.Describe(name, name, e));
                    }
                    task.Increment(1);
                });
            });
        Console.WriteLine($"{folders.Count - failures.Count} of {folders.Count} townships, {households:N0} households in {clock.Elapsed.TotalSeconds:F1} s " +
            $"({households / clock.Elapsed.TotalSeconds:N0} households/s on {parallel} threads) -> {output}");
        foreach (var f in failures.Order(StringComparer.Ordinal)) Console.Error.WriteLine("failed: " + f);
        return failures.IsEmpty ? 0 : 1;
    }
}
