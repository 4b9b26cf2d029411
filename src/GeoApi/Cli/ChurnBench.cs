using System.Globalization;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Incremental;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench partition --churn F</c>: each township is partitioned, its households churned
/// (a fraction F removed, F moved by up to 50 m — losing building, floor and unit —, F added as
/// copies within 50 m of others under new ids; seeded, independent of input order), and partitioned
/// again with the first partition as previous, read back from its files as <c>partition --previous</c>
/// reads it. Prints the stability figures of issue #15 and the checks that must hold after churn.</summary>
internal static class ChurnBench
{
    /// <summary>Metres a moved or added household lands from where it (or its template) stood.</summary>
    private const double MaxMoveM = 50;

    /// <param name="StayedStability">Code stability of the households present in both runs that did not move:
    /// what the partitioner changed on its own (a moved household may well live in another micro-grid now).</param>
    public sealed record Row(string Township, int Households, Partition After, int ClustersOutside5To15, int Clusters, double? StayedStability);

    public static Row Measure(string name, PartitionInput input, double fraction, int seed)
    {
        var options = new PartitionOptions();
        var first = new TownshipPartitioner(options).Partition(input);
        var dir = Directory.CreateTempSubdirectory("gridspatial-churn-");
        try
        {
            PartitionWriter.Write(first, dir.FullName);
            var published = PartitionReader.Read(dir.FullName);
            var churned = input with { Households = Churn(input.Households, input.Township.Boundary, fraction, seed) };
            var after = new LocalRecompute(options).Recompute(churned, published, published.Version + 1).Partition;
            var clusters = after.MicroGrids.Where(m => m.Kind == MicroGridKind.Cluster).ToList();
            return new Row(name, input.Households.Count, after,
                clusters.Count(m => m.HouseholdCount is < 5 or > 15), clusters.Count, StayedStability(input.Households, churned.Households, first, after));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static double? StayedStability(IReadOnlyList<HouseholdInput> before, IReadOnlyList<HouseholdInput> after, Partition first, Partition second)
    {
        var was = before.ToDictionary(h => h.Id, h => h.Location, StringComparer.Ordinal);
        var stayed = after.Where(h => was.TryGetValue(h.Id, out var at) && at.Equals2D(h.Location)).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var previous = first.Assignments.Where(a => stayed.Contains(a.HouseholdId)).ToDictionary(a => a.HouseholdId, a => a.MicroGridCode, StringComparer.Ordinal);
        return CodeStability.Of(second.Assignments, previous);
    }

    /// <summary>The households after churn: <paramref name="fraction"/> of them (at least one each)
    /// removed, moved and added. Moved and added ones stay inside the township.</summary>
    public static List<HouseholdInput> Churn(IReadOnlyList<HouseholdInput> households, Geometry township, double fraction, int seed)
    {
        var rnd = new Random(seed);
        var sorted = households.OrderBy(h => h.Id, StringComparer.Ordinal).ToList();
        int k = Math.Max(1, (int)(sorted.Count * fraction));
        var order = sorted.OrderBy(_ => rnd.Next()).ToList();
        var removed = order.Take(k).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var moved = order.Skip(k).Take(k).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        Coordinate Near(Coordinate c)
        {
            for (int attempt = 0; ; attempt++)
            {
                double r = rnd.NextDouble() * MaxMoveM, a = rnd.NextDouble() * 2 * Math.PI;
                var at = new Coordinate(c.X + r * Math.Cos(a) / (111_320 * Math.Cos(c.Y * Math.PI / 180)), c.Y + r * Math.Sin(a) / 110_540);
                if (attempt >= 20 || township.Contains(township.Factory.CreatePoint(at))) return attempt >= 20 ? c : at;
            }
        }
        var result = sorted.Where(h => !removed.Contains(h.Id))
            .Select(h => moved.Contains(h.Id) ? new HouseholdInput(h.Id, Near(h.Location)) : h).ToList();
        var ids = sorted.Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        int n = 0;
        foreach (var template in order.Skip(2 * k).Take(k))
        {
            string id;
            do id = $"churn{n++:D5}"; while (!ids.Add(id));
            result.Add(new HouseholdInput(id, Near(template.Location)));
        }
        return result;
    }

    public static void Print(IReadOnlyList<Row> rows, double fraction, int seed, TextWriter w)
    {
        string pct = (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture);
        w.WriteLine($"Churn {pct} % added, {pct} % removed, {pct} % moved by up to {MaxMoveM:F0} m (seed {seed}), partitioned again with the first as previous:");
        w.WriteLine("| township | households | code stability | of households not moved | territory kept | non-contiguous | outside own territory | gap | clusters outside 5–15 | barrier crossings |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var r = row.After.Report;
            w.WriteLine(string.Join(" | ", [
                $"| {row.Township}", N(row.Households), F(r.CodeStability), F(row.StayedStability), F(r.TerritoryStability),
                $"{r.NonContiguous}", $"{r.HouseholdsOutsideOwnTerritory}", r.GapAreaRatio.ToString("G3", CultureInfo.InvariantCulture),
                $"{row.ClustersOutside5To15} of {row.Clusters}", $"{r.BarrierCrossings} of {r.MicroGrids} |"]));
        }
    }

    private static string F(double? v) => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "–";

    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
