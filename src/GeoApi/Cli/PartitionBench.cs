using System.Diagnostics;
using System.Globalization;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Quality;

namespace GridSpatial.GeoApi.Cli;

/// <summary>One township in <c>bench partition</c>: this partitioner (median of N warm runs on one
/// core) beside the PostGIS k-means reference (<see cref="KMeansReference"/>) in the same run,
/// both measured by the partitioner's own report, so every figure has one definition.</summary>
internal sealed class PartitionBench(int repeat, KMeansReference? reference)
{
    private const int ReferenceRuns = 3;

    /// <summary>A row of the table: a partition of one township and how long it took.</summary>
    public sealed record Row(string Township, string Method, double Ms, QualityReport Report, double? ClusteringMs = null);

    public async Task<(Row Ours, Row? Reference)> MeasureAsync(string name, PartitionInput input, CancellationToken ct)
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
        Console.Error.WriteLine($"  {name}: stages (ms, last run): " + string.Join(", ", last!.Report.ElapsedMs.Select(kv => $"{kv.Key} {kv.Value}")));
        var ours = new Row(name, "GridSpatial", times[times.Count / 2], last.Report);
        if (reference is null) return (ours, null);

        var (ms, kmeans, units) = await reference.RunAsync(input, ReferenceRuns, ct);
        return (ours, new Row(name, "PostGIS k-means", ms, ReferenceReport.Measure(input, units, new PartitionOptions()), kmeans));
    }

    public void Print(IReadOnlyList<(Row Ours, Row? Reference)> rows, TextWriter w)
    {
        w.WriteLine($"| township | partitioner | households | micro-grids | time (median of {repeat}; reference {ReferenceRuns}) | clusters 8–12 | mean Polsby–Popper | mean dispersion | border on streets/barriers (micro-grids / grids) | barrier crossings | mean vertices | PP ours/ref | dispersion ours/ref | time ours/ref |");
        w.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (ours, reference) in rows)
        {
            w.WriteLine(Line(ours, reference is null ? ["", "", ""] :
            [
                Ratio(ours.Report.PolsbyPopperMean, reference.Report.PolsbyPopperMean),
                Ratio(ours.Report.DispersionMMean, reference.Report.DispersionMMean),
                Ratio(ours.Ms, reference.Ms),
            ], grids: true));
            if (reference is not null) w.WriteLine(Line(reference, ["", "", ""], grids: false));
        }
        if (reference is null)
            w.WriteLine("\nThe PostGIS k-means reference was skipped: no database (set GRIDSPATIAL_DB or ConnectionStrings:GridSpatial).");
    }

    private static string Line(Row row, string[] ratios, bool grids)
    {
        var r = row.Report;
        string border = Percent(r.BorderOnGuidesShare) + (grids ? " / " + Percent(r.GridLevel.BorderOnGuidesShare) : "");
        string[] cells =
        [
            row.Township, row.Method, N(r.Households), N(r.MicroGrids),
            $"{N(row.Ms)} ms" + (row.ClusteringMs is { } k ? $" (k-means {N(k)})" : ""), Percent(r.ClusterShare8To12),
            r.PolsbyPopperMean.ToString("F3", CultureInfo.InvariantCulture), $"{r.DispersionMMean.ToString("F1", CultureInfo.InvariantCulture)} m",
            border, $"{r.BarrierCrossings} ({Percent(r.MicroGrids == 0 ? 0 : r.BarrierCrossings / (double)r.MicroGrids)})",
            r.VerticesMean?.ToString("F1", CultureInfo.InvariantCulture) ?? "–", .. ratios,
        ];
        return "| " + string.Join(" | ", cells) + " |";
    }

    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Percent(double? v) => v is { } x ? (x * 100).ToString("F1", CultureInfo.InvariantCulture) + " %" : "–";

    private static string Ratio(double ours, double reference) =>
        reference == 0 ? "–" : (ours / reference).ToString("F2", CultureInfo.InvariantCulture) + "×";
}
