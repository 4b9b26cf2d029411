using GridSpatial.Partitioner.Incremental;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>What nesting costs in size balance (多网合一, issue #19 item 4): a township of two villages
/// (west and east of 104.9045° E) nested in 3 × 3 squares whose borders cut both villages, so nesting
/// must cost something. The report's un-nested figures are those of a separate partition of the same
/// inputs without the layer, the difference is nested − unnested, and a local recompute carries the
/// comparison over saying so.</summary>
public class NestingCostTests
{
    private static readonly VillageInput[] Villages =
    [
        new("530627118001", "西村", TestData.Geom("POLYGON ((104.9 27.4, 104.9045 27.4, 104.9045 27.41, 104.9 27.41, 104.9 27.4))")),
        new("530627118002", "东村", TestData.Geom("POLYGON ((104.9045 27.4, 104.911 27.4, 104.911 27.41, 104.9045 27.41, 104.9045 27.4))")),
    ];

    /// <summary>3 × 3 squares over the township, drawn 0.0005° past its outline.</summary>
    private static List<NestUnit> Squares()
    {
        var units = new List<NestUnit>();
        double x0 = 104.8995, y0 = 27.3995, dx = 0.012 / 3, dy = 0.011 / 3;
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++)
            {
                double ax = x0 + i * dx, ay = y0 + j * dy, bx = ax + dx, by = ay + dy;
                units.Add(new NestUnit($"S{i}-{j}", TestData.Geom(FormattableString.Invariant($"POLYGON (({ax} {ay}, {bx} {ay}, {bx} {by}, {ax} {by}, {ax} {ay}))"))));
            }
        return units;
    }

    private static PartitionInput Input(IEnumerable<HouseholdInput> households) =>
        TestData.Input(TestData.SquareTownship, households, villages: Villages) with { Nest = new NestInput("squares", 1, NestLevel.Grid, Squares()) };

    [Fact]
    public void NestAtGridLevel_SquaresCuttingVillages_UnnestedFiguresAreThoseOfAPartitionWithoutTheLayer_AndTheCostIsTheDifference()
    {
        var options = new PartitionOptions();
        var input = Input(TestData.Hamlets(900, seed: 19));
        var nested = new TownshipPartitioner(options).Partition(input);
        var alone = new TownshipPartitioner(options).Partition(input with { Nest = null });

        var cost = nested.Report.Nesting!.Cost!;
        Assert.Equal((nested.Version, false), (cost.MeasuredAtVersion, cost.Carried));
        Assert.True(nested.Report.ElapsedMs.ContainsKey("unnested"), "the time of the un-nested run is not in elapsed_ms");
        AssertFiguresOf(alone, cost.Unnested, options);
        AssertFiguresOf(nested, cost.Nested, options);
        //-- Nesting must cost something here: squares cut both villages, so grids stop at their borders.
        Assert.NotEqual(cost.Nested, cost.Unnested);
        var (n, u, d) = (cost.Nested, cost.Unnested, cost.Difference);
        Assert.Equal(n.Grids - u.Grids, d.Grids);
        Assert.Equal(n.MicroGrids - u.MicroGrids, d.MicroGrids);
        Assert.Equal(n.ClustersBelowHardMin - u.ClustersBelowHardMin, d.ClustersBelowHardMin);
        Assert.Equal(n.GridsBelowMin - u.GridsBelowMin, d.GridsBelowMin);
        Assert.Equal(n.ClusterShare8To12!.Value - u.ClusterShare8To12!.Value, d.ClusterShare8To12!.Value, 9);
        Assert.Equal(n.GridShareInBand - u.GridShareInBand, d.GridShareInBand, 9);
        Assert.Equal(n.PolsbyPopperMean - u.PolsbyPopperMean, d.PolsbyPopperMean, 9);
        Assert.Equal(n.DispersionMMean - u.DispersionMMean, d.DispersionMMean, 9);
    }

    [Fact]
    public void LocalRecompute_OfANestedPartition_CarriesTheComparisonOverAndSaysSo()
    {
        var options = new PartitionOptions();
        var input = Input(TestData.Hamlets(900, seed: 19));
        var first = new TownshipPartitioner(options).Partition(input);
        var near = input.Households[0].Location;
        var more = Input([.. input.Households, new HouseholdInput("new-1", new Coordinate(near.X + 0.00002, near.Y + 0.00001))]);

        var local = new LocalRecompute(options).Partition(more, first, first.Version + 1);
        Assert.NotNull(local);
        var cost = local.Partition.Report.Nesting!.Cost!;
        Assert.Equal(first.Report.Nesting!.Cost! with { Carried = true }, cost);
        Assert.Equal(first.Version, cost.MeasuredAtVersion);
        Assert.False(local.Partition.Report.ElapsedMs.ContainsKey("unnested"), "a local recompute ran the un-nested partition");
    }

    /// <summary>The balance figures against the partition and its report, counted here.</summary>
    private static void AssertFiguresOf(Partition p, SizeBalance b, PartitionOptions o)
    {
        var clusters = p.MicroGrids.Where(m => m.Kind == MicroGridKind.Cluster && m.HouseholdCount > 0).Select(m => m.HouseholdCount).ToList();
        Assert.Equal((p.Grids.Count, p.MicroGrids.Count), (b.Grids, b.MicroGrids));
        Assert.Equal((p.Report.ClusterShare8To12, p.Report.ClusterShare5To15), (b.ClusterShare8To12, b.ClusterShare5To15));
        Assert.Equal((clusters.Count(c => c < o.ClusterHardMin), clusters.Count(c => c > o.ClusterHardMax)), (b.ClustersBelowHardMin, b.ClustersAboveHardMax));
        Assert.Equal((p.Report.GridLevel.ShareInBand, p.Grids.Count(g => g.HouseholdCount < o.GridMin), p.Grids.Count(g => g.HouseholdCount > o.GridMax)),
            (b.GridShareInBand, b.GridsBelowMin, b.GridsAboveMax));
        Assert.Equal((p.Report.PolsbyPopperMean, p.Report.GridLevel.PolsbyPopperMean, p.Report.DispersionMMean),
            (b.PolsbyPopperMean, b.GridPolsbyPopperMean, b.DispersionMMean));
    }
}
