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
    /// <summary>A row of the table: a partition of one township, the median wall time of its runs,
    /// and the median CPU time (this process, or the database server's process for the reference).</summary>
    public sealed record Row(string Township, string Method, double Ms, double? CpuMs, QualityReport Report, double? ClusteringMs = null);

    public async Task<(Row Ours, Row? Reference)> MeasureAsync(string name, PartitionInput input, CancellationToken ct)
    {
        var partitioner = new TownshipPartitioner(new PartitionOptions());
        //-- Warm up until the JIT has settled (tiered compilation promotes hot methods after a few runs).
        for (int i = 0; i < 3; i++) partitioner.Partition(input);
        await using var session = reference is null ? null : await reference.OpenAsync(input, ct);
        if (session is not null) await session.SolveAsync(ct);
        //-- Ours and the reference take turns, so a machine shared with other work slows both alike.
        var times = new List<double>();
        var cpu = new List<double>();
        var solves = new List<KMeansReference.Solve>();
        Partition? last = null;
        for (int i = 0; i < repeat; i++)
        {
            var cpuBefore = CpuMs();
            var sw = Stopwatch.StartNew();
            last = partitioner.Partition(input);
            times.Add(sw.Elapsed.TotalMilliseconds);
            cpu.Add(CpuMs() - cpuBefore);
            if (session is not null) solves.Add(await session.SolveAsync(ct));
        }
        Console.Error.WriteLine($"  {name}: stages (ms, last run): " + string.Join(", ", last!.Report.ElapsedMs.Select(kv => $"{kv.Key} {kv.Value}")));
        var ours = new Row(name, "GridSpatial", Median(times), Median(cpu), last.Report);
        if (session is null) return (ours, null);

        var units = await session.UnitsAsync(ct);
        return (ours, new Row(name, "PostGIS k-means", Median(solves.Select(s => s.Ms)),
            solves.All(s => s.CpuMs is not null) ? Median(solves.Select(s => s.CpuMs!.Value)) : null,
            ReferenceReport.Measure(input, units, new PartitionOptions()), Median(solves.Select(s => s.KMeansMs))));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>CPU time of this process so far (the partitioner runs on one thread).</summary>
    private static double CpuMs()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalMilliseconds;
    }

    public void Print(IReadOnlyList<(Row Ours, Row? Reference)> rows, TextWriter w)
    {
        w.WriteLine($"| township | partitioner | households | micro-grids | time, median of {repeat} wall (CPU) | clusters 8–12 | mean Polsby–Popper | mean dispersion | border on streets/barriers (micro-grids / grids) | barrier crossings | mean vertices | PP ours/ref | dispersion ours/ref | time ours/ref wall (CPU) |");
        w.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (ours, reference) in rows)
        {
            w.WriteLine(Line(ours, reference is null ? ["", "", ""] :
            [
                Ratio(ours.Report.PolsbyPopperMean, reference.Report.PolsbyPopperMean),
                Ratio(ours.Report.DispersionMMean, reference.Report.DispersionMMean),
                Ratio(ours.Ms, reference.Ms) + (ours.CpuMs is { } a && reference.CpuMs is { } b ? $" ({Ratio(a, b)})" : ""),
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
            $"{N(row.Ms)} ms" + (row.CpuMs is { } c ? $" ({N(c)})" : "") + (row.ClusteringMs is { } k ? $", k-means {N(k)}" : ""), Percent(r.ClusterShare8To12),
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
