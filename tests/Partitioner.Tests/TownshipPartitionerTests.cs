using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

public class TownshipPartitionerTests
{
    private static readonly TownshipPartitioner Partitioner = new(new PartitionOptions());

    [Fact]
    public void Partition_HamletsInSquareTownship_TileItExactlyWithNestedCodes()
    {
        var input = TestData.Input(TestData.SquareTownship, TestData.Hamlets(400));
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        Assert.True(p.Report.ClusterShare8To12 >= 0.9, $"8-12 share {p.Report.ClusterShare8To12}");
        Assert.All(p.MicroGrids, m => Assert.InRange(m.HouseholdCount, 1, 15));
        Assert.Equal("530627118000", p.Villages.Single().Code);
    }

    [Fact]
    public void Partition_ShuffledInput_GivesIdenticalOutput()
    {
        var households = TestData.Hamlets(300, seed: 3);
        var a = Partitioner.Partition(TestData.Input(TestData.SquareTownship, households));
        var shuffled = households.OrderBy(h => h.Id.GetHashCode(StringComparison.Ordinal)).Reverse().ToList();
        var b = Partitioner.Partition(TestData.Input(TestData.SquareTownship, shuffled));
        Assert.Equal(a.Assignments, b.Assignments);
        Assert.Equal(a.MicroGrids.Select(m => (m.Code, m.Territory.ToText())), b.MicroGrids.Select(m => (m.Code, m.Territory.ToText())));
        Assert.Equal(a.Grids.Select(g => (g.Code, g.Territory.ToText())), b.Grids.Select(g => (g.Code, g.Territory.ToText())));
    }

    [Fact]
    public void Partition_OneHousehold_OneMicroGridCoversTheTownship()
    {
        var input = TestData.Input(TestData.SquareTownship, [new HouseholdInput("only", new Coordinate(104.905, 27.405))]);
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        Assert.Single(p.MicroGrids);
        Assert.Single(p.Grids);
        Assert.Equal("530627118000001001", p.MicroGrids[0].Code);
    }

    [Fact]
    public void Partition_AllHouseholdsAtOnePoint_BecomeOneBuildingSplitByFloors()
    {
        var at = new Coordinate(104.905, 27.405);
        var households = Enumerable.Range(1, 60).Select(i => new HouseholdInput($"a{i:D2}", at, "tower", 1 + (i - 1) / 4)).ToList();
        var input = TestData.Input(TestData.SquareTownship, households);
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        Assert.All(p.MicroGrids, m => Assert.Equal(MicroGridKind.Floor, m.Kind));
        Assert.All(p.MicroGrids, m => Assert.InRange(m.HouseholdCount, 1, 30));
        Assert.Equal(60, p.MicroGrids.Sum(m => m.HouseholdCount));
        // Consecutive, non-overlapping floor runs.
        var runs = p.MicroGrids.OrderBy(m => m.FloorFrom).ToList();
        for (int i = 1; i < runs.Count; i++) Assert.True(runs[i].FloorFrom > runs[i - 1].FloorTo);
    }

    [Fact]
    public void Partition_CollinearHouseholds_TileTheTownship()
    {
        var households = Enumerable.Range(0, 50).Select(i => new HouseholdInput($"c{i:D2}", new Coordinate(104.901 + i * 0.0002, 27.405))).ToList();
        var input = TestData.Input(TestData.SquareTownship, households);
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        Assert.Equal(5, p.MicroGrids.Count);
    }

    [Fact]
    public void Partition_HouseholdExactlyOnABarrier_LiesInsideItsOwnTerritory()
    {
        var road = new BarrierInput("road", TestData.Geom("LINESTRING (104.9 27.405, 104.911 27.405)"), "road");
        var households = TestData.Hamlets(200, seed: 11).Append(new HouseholdInput("on-road", new Coordinate(104.9055, 27.405))).ToList();
        var input = TestData.Input(TestData.SquareTownship, households, [road]);
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        var code = p.Assignments.Single(a => a.HouseholdId == "on-road").MicroGridCode;
        var territory = p.MicroGrids.Single(m => m.Code == code).Territory;
        Assert.True(territory.Contains(territory.Factory.CreatePoint(new Coordinate(104.9055, 27.405))));
    }

    [Fact]
    public void Partition_RoadAcrossTownship_NoClusterCrossesIt()
    {
        var road = new BarrierInput("road", TestData.Geom("LINESTRING (104.899 27.4051, 104.912 27.4049)"), "road");
        var input = TestData.Input(TestData.SquareTownship, TestData.Hamlets(400, seed: 5), [road]);
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        Assert.Equal(0, p.Report.BarrierCrossings);
    }

    [Fact]
    public void Partition_EmptyVillage_GetsItsOwnEmptyMicroGridAndGrid()
    {
        var west = new VillageInput("530627118201", "西村", TestData.Geom("POLYGON ((104.9 27.4, 104.905 27.4, 104.905 27.41, 104.9 27.41, 104.9 27.4))"));
        var east = new VillageInput("530627118202", "东村", TestData.Geom("POLYGON ((104.905 27.4, 104.911 27.4, 104.911 27.41, 104.905 27.41, 104.905 27.4))"));
        var households = TestData.Hamlets(300, seed: 2).Where(h => h.Location.X < 104.9049).ToList();
        var input = TestData.Input(TestData.SquareTownship, households, villages: [west, east]);
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        var empty = Assert.Single(p.MicroGrids, m => m.VillageCode == "530627118202");
        Assert.Equal(0, empty.HouseholdCount);
        Assert.Single(p.Grids, g => g.VillageCode == "530627118202");
        Assert.All(p.MicroGrids.Where(m => m.VillageCode == "530627118201"), m => Assert.StartsWith("530627118201", m.Code, StringComparison.Ordinal));
    }

    [Fact]
    public void Partition_MultipartTownship_CoversEveryPart()
    {
        const string twoParts = "MULTIPOLYGON (((104.9 27.4, 104.906 27.4, 104.906 27.41, 104.9 27.41, 104.9 27.4)), ((104.92 27.4, 104.922 27.4, 104.922 27.402, 104.92 27.402, 104.92 27.4)))";
        var households = TestData.Hamlets(200, seed: 9).Where(h => h.Location.X < 104.9059).ToList();
        var input = TestData.Input(twoParts, households);
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        Assert.Equal(1, p.Report.NonContiguousAllowed);
    }

    [Fact]
    public void Partition_HouseholdOutsideTheTownship_IsRefusedNamingIt()
    {
        var households = TestData.Hamlets(20).Append(new HouseholdInput("stray", new Coordinate(105.5, 27.405))).ToList();
        var e = Assert.Throws<InputException>(() => Partitioner.Partition(TestData.Input(TestData.SquareTownship, households)));
        Assert.Equal("stray", e.FeatureId);
        Assert.Equal("geometry", e.Field);
    }

    [Fact]
    public void Partition_DuplicateHouseholdIds_AreRefused()
    {
        var households = TestData.Hamlets(20).Append(new HouseholdInput("h00003", new Coordinate(104.905, 27.405))).ToList();
        var e = Assert.Throws<InputException>(() => Partitioner.Partition(TestData.Input(TestData.SquareTownship, households)));
        Assert.Equal("h00003", e.FeatureId);
    }

    [Fact]
    public void Partition_LargeBuilding_IsOneBuildingMicroGridUpToThirtyHouseholds()
    {
        var at = new Coordinate(104.907, 27.407);
        var households = TestData.Hamlets(100).Concat(Enumerable.Range(1, 20).Select(i => new HouseholdInput($"b{i}", at, "block"))).ToList();
        var p = Partitioner.Partition(TestData.Input(TestData.SquareTownship, households));
        var building = Assert.Single(p.MicroGrids, m => m.Kind == MicroGridKind.Building);
        Assert.Equal("block", building.BuildingId);
        Assert.Equal(20, building.HouseholdCount);
    }

    [Fact]
    public void Partition_HouseholdBetweenTheEntrancesOfABuilding_LeavesTheBuildingOneTerritory()
    {
        //-- A tower whose two stairwells stand 20 m apart, and a household with no building drawn on the
        //-- line between them (as churn put one on the sample): the Voronoi cells of the two stairwells
        //-- alone do not meet, so the tower's territory fell in two.
        var west = new Coordinate(104.907, 27.407);
        var east = new Coordinate(104.9072, 27.407);
        var tower = Enumerable.Range(0, 40).Select(i => new HouseholdInput($"t{i:D2}", i < 20 ? west : east, "tower", 1 + i % 10, i < 20 ? "1" : "2")).ToList();
        //-- Neighbours 15 m north and south close the cell of the household between off.
        var between = new[] { 0.000003, 0.000135, -0.000135 }.Select((dy, i) => new HouseholdInput($"n{i}", new Coordinate(104.9071, 27.407 + dy)));
        var households = TestData.Hamlets(200, seed: 3).Concat(tower).Concat(between).ToList();
        var input = TestData.Input(TestData.SquareTownship, households);
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        var floors = p.MicroGrids.Where(m => m.BuildingId == "tower").ToList();
        Assert.True(floors.Count > 1, "the tower is split by floors");
        Assert.All(floors, m => Assert.Equal(1, m.Territory.NumGeometries));
        Assert.Equal(0, p.Report.NonContiguous);
    }
}
