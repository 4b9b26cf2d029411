using System.Diagnostics;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Files;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>partition --township T --households H [--buildings B] [--barriers R]
/// [--villages V] [--previous DIR] [--options O.json] [--input-crs wgs84|gcj02] --out DIR</c>:
/// no database; writes the DESIGN §4 output folder and prints a one-line summary.</summary>
public static class PartitionCommand
{
    public const string Usage =
        "partition --township T.geojson --households H.geojson [--buildings B.geojson] [--barriers R.geojson]\n" +
        "          [--villages V.geojson] [--previous DIR] [--options O.json] [--input-crs wgs84|gcj02] [--quiet] --out DIR";

    public static int Run(string[] args)
    {
        var cl = new CommandLine(args, new HashSet<string> { "quiet" });
        var options = cl.Get("options") is { } o ? GeoJsonInputReader.ReadOptions(o) : new PartitionOptions();
        if (cl.Get("input-crs") is { } crs) options = options with { InputCrs = crs };
        var input = ReadInput(cl);
        var progress = cl.Has("quiet") ? null : new Progress<string>(stage => Console.Error.WriteLine($"  {stage} done"));
        var clock = Stopwatch.StartNew();
        var partition = new TownshipPartitioner(options) { Progress = progress }.Partition(input);
        var outDir = cl.Required("out");
        PartitionWriter.Write(partition, outDir);
        var r = partition.Report;
        var stability = r.CodeStability is { } s ? FormattableString.Invariant($"stability {s:P2}; ") : "";
        Console.WriteLine(FormattableString.Invariant(
            $"{r.TownshipCode}: {r.Households} households -> {r.MicroGrids} micro-grids, {r.Grids} grids; cluster 8-12 {r.ClusterShare8To12:P1}, 5-15 {r.ClusterShare5To15:P1}; gap {r.GapAreaRatio:G3}, overlap {r.OverlapAreaRatio:G3}; non-contiguous {r.NonContiguous}; outside own {r.HouseholdsOutsideOwnTerritory}; crossings {r.BarrierCrossings}; {stability}{clock.ElapsedMilliseconds} ms -> {outDir}"));
        return 0;
    }

    public static PartitionInput ReadInput(CommandLine cl) => new(
        GeoJsonInputReader.ReadTownship(cl.Required("township")),
        GeoJsonInputReader.ReadHouseholds(cl.Required("households")),
        cl.Get("buildings") is { } b ? GeoJsonInputReader.ReadBuildings(b) : [],
        cl.Get("barriers") is { } r ? GeoJsonInputReader.ReadBarriers(r) : [],
        cl.Get("villages") is { } v ? GeoJsonInputReader.ReadVillages(v) : [],
        cl.Get("previous") is { } p ? GeoJsonInputReader.ReadPrevious(p) : null);
}
