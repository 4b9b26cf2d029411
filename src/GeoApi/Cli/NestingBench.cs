using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench partition --nest N</c>: what nesting in a departmental layer (多网合一) costs, on a
/// layer of N × N squares over each township nesting its grids. The township is partitioned without
/// the layer (the reference) and with it, which partitions it a second time without the layer for the
/// report's comparison (<see cref="NestingCost"/>), taking turns, median of the runs; printed beside
/// each other with the report's cost figures.</summary>
internal static class NestingBench
{
    public static void Run(IEnumerable<(string Name, PartitionInput Input)> townships, int squares, int repeat, TextWriter w)
    {
        if (squares is < 1 or > 20) throw new UsageException($"--nest {squares}: 1 to 20 squares a side.");
        w.WriteLine($"| township | households | squares | partition without nesting, median of {repeat} | nested recompute (both runs) | of it the un-nested run | grids nested / unnested | clusters 8–12 | clusters below 5 | grids in band | mean Polsby–Popper |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, input) in townships)
        {
            var nested = input with { Nest = Squares(input.Township.Boundary, squares) };
            var partitioner = new TownshipPartitioner(new PartitionOptions());
            partitioner.Partition(input);
            partitioner.Partition(nested);
            var (plain, both, second) = (new List<double>(), new List<double>(), new List<double>());
            Partition? last = null;
            for (int i = 0; i < repeat; i++)
            {
                var sw = Stopwatch.StartNew();
                partitioner.Partition(input);
                plain.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                last = partitioner.Partition(nested);
                both.Add(sw.Elapsed.TotalMilliseconds);
                second.Add(last.Report.ElapsedMs["unnested"]);
            }
            var cost = last!.Report.Nesting!.Cost!;
            var (n, u) = (cost.Nested, cost.Unnested);
            w.WriteLine("| " + string.Join(" | ", name, N(last.Report.Households), $"{squares} × {squares} ({last.Report.Nesting.Units})",
                $"{N(Median(plain))} ms", $"{N(Median(both))} ms ({(Median(both) / Median(plain)).ToString("F2", CultureInfo.InvariantCulture)}×)", $"{N(Median(second))} ms",
                $"{n.Grids} / {u.Grids}", $"{P(n.ClusterShare8To12)} / {P(u.ClusterShare8To12)}", $"{n.ClustersBelowHardMin} / {u.ClustersBelowHardMin}",
                $"{P(n.GridShareInBand)} / {P(u.GridShareInBand)}", $"{F(n.PolsbyPopperMean)} / {F(u.PolsbyPopperMean)}") + " |");
            Console.Error.WriteLine($"  {name}: nesting.cost " + JsonSerializer.Serialize(cost, Partitioner.Files.PartitionJson.Options));
        }
    }

    /// <summary>n × n squares over the township's extent grown by 1 %, those that reach into it, nesting grids.</summary>
    private static NestInput Squares(Geometry township, int n)
    {
        var e = township.EnvelopeInternal;
        double x0 = e.MinX - e.Width * 0.01, y0 = e.MinY - e.Height * 0.01, dx = e.Width * 1.02 / n, dy = e.Height * 1.02 / n;
        var units = new List<NestUnit>();
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                var square = township.Factory.ToGeometry(new Envelope(x0 + i * dx, x0 + (i + 1) * dx, y0 + j * dy, y0 + (j + 1) * dy));
                if (square.Intersects(township)) units.Add(new NestUnit($"S{i}-{j}", square));
            }
        return new NestInput("squares", 1, NestLevel.Grid, units);
    }

    private static double Median(List<double> values) => values.Order().ToList()[values.Count / 2];

    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

    private static string P(double? v) => v is { } x ? (x * 100).ToString("F1", CultureInfo.InvariantCulture) + " %" : "–";
}
