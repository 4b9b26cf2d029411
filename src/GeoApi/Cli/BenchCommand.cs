using System.Diagnostics;
using System.Globalization;
using GridSpatial.Partitioner;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench partition --township T --households H [--barriers R] [--repeat N]</c>:
/// households per second of the Partitioner on one core, warm, and peak memory.</summary>
public static class BenchCommand
{
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] != "partition") throw new UsageException("bench partition --township T --households H [--barriers R] [--repeat N]");
        var cl = new CommandLine(args[1..], new HashSet<string>());
        var input = PartitionCommand.ReadInput(cl);
        int repeat = cl.Number("repeat", 3);
        var partitioner = new TownshipPartitioner(new PartitionOptions());
        partitioner.Partition(input);
        var times = new List<double>();
        for (int i = 0; i < repeat; i++)
        {
            var sw = Stopwatch.StartNew();
            var p = partitioner.Partition(input);
            times.Add(sw.Elapsed.TotalMilliseconds);
            Console.WriteLine(string.Join(" ", p.Report.ElapsedMs.Select(kv => $"{kv.Key}={kv.Value}")));
        }
        Console.WriteLine(string.Join(" ", GridSpatial.Partitioner.Territories.Tessellation.Timing.Select(kv => $"{kv.Key}={kv.Value / (repeat + 1)}")));
        double median = times.Order().ElementAt(times.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{input.Households.Count} households: median {median:F0} ms, {input.Households.Count / median * 1000:F0} households/s, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB"));
        return 0;
    }
}
