using System.CommandLine;
using System.Diagnostics;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Incremental;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Files;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>partition</c>: one township's files, no database; writes the DESIGN §4 output
/// folder and prints a one-line summary. Its options are defined in <see cref="Create"/>.</summary>
public static class PartitionCommand
{
    public static Command Create()
    {
        var files = new TownshipFileOptions(required: true);
        var options = new Option<string>("--options") { Description = "partition options (snake_case JSON, README)", HelpName = "O.json" };
        var inputCrs = new Option<string>("--input-crs") { Description = "coordinates of the input files", HelpName = "wgs84|gcj02|bd09|EPSG:4490…4554" };
        var quiet = new Option<bool>("--quiet") { Description = "no progress on standard error" };
        var whole = new Option<bool>("--whole") { Description = "with --previous: recompute every grid, not only those whose households changed" };
        var outDir = new Option<string>("--out") { Description = "the output folder", HelpName = "DIR", Required = true };
        var command = new Command("partition", "partitions one township, no database; writes the DESIGN §4 folder and prints a one-line summary");
        foreach (var o in files.All.Concat([options, inputCrs, quiet, whole, outDir])) command.Options.Add(o);
        command.SetAction(p => Run(files.Files(p)!, p.GetValue(options), p.GetValue(inputCrs), p.GetValue(quiet), p.GetValue(whole), p.GetRequiredValue(outDir)));
        return command;
    }

    private static int Run(TownshipFiles files, string? optionsFile, string? inputCrs, bool quiet, bool whole, string outDir)
    {
        var (options, fileCrs) = optionsFile is { } o ? GeoJsonInputReader.ReadOptions(o) : new PartitionOptionsFile(new PartitionOptions());
        var previous = files.ReadPrevious();
        var input = files.Read(InputCrs.ForFiles(inputCrs ?? fileCrs), previous);
        var progress = quiet ? null : new Progress<string>(stage => Console.Error.WriteLine($"  {stage} done"));
        var clock = Stopwatch.StartNew();
        Partition partition;
        try
        {
            //-- With a previous partition, only the grids whose households changed are recomputed (DESIGN §8).
            partition = previous is null || whole
                ? new TownshipPartitioner(options) { Progress = progress }.Partition(input)
                : new LocalRecompute(options).Recompute(input, previous, previous.Version + 1).Partition;
        }
        catch (Exception e) when (e is not InputException)
        {
            //-- Valid input the partitioner could not handle is a defect of ours: one line naming the
            //-- township, the details kept for the report, and no output folder written.
            Console.Error.WriteLine("error: " + PartitionDefect.Describe(input.Township.Code, $"township {input.Township.Code} ({input.Township.Name})", e));
            return 1;
        }
        PartitionWriter.Write(partition, outDir);
        var r = partition.Report;
        var stability = r.CodeStability is { } s ? FormattableString.Invariant($"stability {s:P2}; ") : "";
        Console.WriteLine(FormattableString.Invariant(
            $"{r.TownshipCode}: {r.Households} households -> {r.MicroGrids} micro-grids, {r.Grids} grids; cluster 8-12 {r.ClusterShare8To12:P1}, 5-15 {r.ClusterShare5To15:P1}; gap {r.GapAreaRatio:G3}, overlap {r.OverlapAreaRatio:G3}; non-contiguous {r.NonContiguous}; outside own {r.HouseholdsOutsideOwnTerritory}; crossings {r.BarrierCrossings}; {stability}{clock.ElapsedMilliseconds} ms -> {outDir}"));
        return 0;
    }
}
