using GridSpatial.Partitioner.Incremental;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>A household whose register keeps a building it no longer stands at (moved, building id
/// unchanged) is partitioned where it stands: the building keeps one territory. Before, such
/// households made the building's site span two places, its territory came out in parts and the
/// local recompute of that data failed (found by <c>bench recompute</c>).</summary>
public class BuildingReachTests
{
    private static readonly PartitionOptions Options = new();
    private static readonly Coordinate Tower = new(104.9030, 27.4030);
    private static readonly Coordinate FarAway = new(104.9090, 27.4080);

    private static readonly BuildingInput Footprint = new("T1", TestData.Geom(
        "POLYGON ((104.90290 27.40295, 104.90310 27.40295, 104.90310 27.40305, 104.90290 27.40305, 104.90290 27.40295))"), 20);

    /// <summary>Hamlets (about eight grids) and a 20-storey tower of 40 households (two a floor) at <see cref="Tower"/>.</summary>
    private static List<HouseholdInput> Households() =>
    [
        .. TestData.Hamlets(2400, seed: 9),
        .. Enumerable.Range(0, 40).Select(i => new HouseholdInput($"t{i:D2}", Tower, "T1", 1 + i / 2)),
    ];

    private static PartitionInput Township(IEnumerable<HouseholdInput> households, bool footprint = true) =>
        TestData.Input(TestData.SquareTownship, households) with { Buildings = footprint ? [Footprint] : [] };

    private static List<HouseholdInput> MoveTowerHouseholds(List<HouseholdInput> households, int count) =>
        households.Select(h => h.BuildingId == "T1" && string.CompareOrdinal(h.Id, $"t{count:D2}") < 0
            ? h with { Location = new Coordinate(FarAway.X + int.Parse(h.Id[1..]) * 1e-6, FarAway.Y) } : h).ToList();

    /// <summary>The building's micro-grids share one territory that is one polygon holding <paramref name="at"/>.</summary>
    private static void BuildingIsOnePlace(Partition p, Coordinate at)
    {
        var territories = p.MicroGrids.Where(m => m.BuildingId == "T1").Select(m => m.Territory).Distinct().ToList();
        Assert.NotEmpty(territories);
        var union = NetTopologySuite.Coverage.CoverageUnion.Union(territories.ToArray());
        Assert.IsType<Polygon>(union);
        Assert.True(union.Covers(new Point(at)), "the building's land does not hold the building");
    }

    [Fact]
    public void Partition_MostOfABuildingsHouseholdsStandFarFromItsFootprint_TheBuildingKeepsOneTerritoryAndTheyJoinTheirNeighbours()
    {
        var households = MoveTowerHouseholds(Households(), 24);
        var input = Township(households);

        var p = new TownshipPartitioner(Options).Partition(input);

        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        Assert.Equal(0, p.Report.NonContiguous);
        BuildingIsOnePlace(p, Tower);
        var building = p.MicroGrids.Where(m => m.BuildingId == "T1").Select(m => m.Code).ToHashSet();
        Assert.Equal(16, p.Assignments.Count(a => building.Contains(a.MicroGridCode)));
    }

    [Fact]
    public void Partition_BuildingWithoutFootprintInTwoPlaces_TheLargerGroupIsTheBuilding()
    {
        var households = MoveTowerHouseholds(Households(), 24);
        var input = Township(households, footprint: false);

        var p = new TownshipPartitioner(Options).Partition(input);

        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        Assert.Equal(0, p.Report.NonContiguous);
        BuildingIsOnePlace(p, FarAway);
    }

    [Fact]
    public void Recompute_TowerHouseholdsMovedAwayOneByOne_EachRecomputeStaysLocalAndTheBuildingOnePlace()
    {
        var households = Households();
        var p = new TownshipPartitioner(Options).Partition(Township(households));
        for (int moved = 1; moved <= 12; moved++)
        {
            households = MoveTowerHouseholds(households, moved);
            var result = new LocalRecompute(Options).Partition(Township(households), p, p.Version + 1);
            Assert.True(result is not null, $"move {moved}: the change could not be confined to some grids");
            p = result.Partition;
            PartitionAssert.Valid(p, PartitionInputSummary.Of(Township(households)));
            Assert.True(p.Report.NonContiguous == 0, $"move {moved}: {p.Report.NonContiguous} non-contiguous");
            BuildingIsOnePlace(p, Tower);
        }
        var again = new LocalRecompute(Options).Partition(Township(households), p, p.Version + 1);
        Assert.NotNull(again);
        Assert.Empty(again.Recomputed);
    }
}
