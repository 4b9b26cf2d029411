using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>Units (单元): a large building whose households name their unit is split by unit
/// first, floor runs never mix units, and codes stay stable.</summary>
public class UnitTests
{
    private static readonly PartitionOptions Options = new();
    private static readonly TownshipPartitioner Partitioner = new(Options);
    private static readonly Coordinate Tower = new(104.905, 27.405);

    /// <summary>A building's households: <paramref name="perFloor"/> flats on each of
    /// <paramref name="floors"/> floors of each unit, ids "{building}-{unit}-{floor}{flat}".</summary>
    private static List<HouseholdInput> Building(string id, Coordinate at, int floors, IEnumerable<(string? Unit, int PerFloor)> units) =>
        units.SelectMany(u => Enumerable.Range(1, floors).SelectMany(f => Enumerable.Range(1, u.PerFloor)
            .Select(k => new HouseholdInput($"{id}-{u.Unit ?? "x"}-{f:D2}{k:D2}", at, id, f, u.Unit)))).ToList();

    private static List<Household> Metric(IEnumerable<HouseholdInput> households) =>
        households.Select(h => new Household(h.Id, new Coordinate(0, 0), h.BuildingId, h.Floor, h.Unit)).ToList();

    [Fact]
    public void BuildingUnit_Order_NumbersFirstThenTextThenNone()
    {
        string?[] units = [null, "10", "A座", "3单元", "2", "02", "1", "１１"];
        Assert.Equal(["1", "02", "2", "3单元", "10", "１１", "A座", null], units.Order(BuildingUnit.Order));
        Assert.Null(BuildingUnit.Normalize("  "));
        Assert.Equal("2", BuildingUnit.Normalize(" 2 "));
    }

    [Fact]
    public void FloorSplitter_SixtyHouseholdsInThreeUnits_OneMicroGridPerUnit()
    {
        var households = Metric(Building("b", Tower, 10, [("1", 2), ("2", 2), ("3", 2)]));
        var runs = new FloorSplitter(Options).Split(households);
        Assert.Equal(["1", "2", "3"], runs.Select(r => r.Unit));
        Assert.All(runs, r => Assert.All(r.Households, h => Assert.Equal(r.Unit, h.Unit)));
        Assert.All(runs, r => Assert.Equal((1, 10, 20), (r.FloorFrom, r.FloorTo, r.Households.Count)));
        Assert.All(runs, r => Assert.True(r.Households.Count <= Options.FloorSplitAboveHouseholds));
    }

    [Fact]
    public void FloorSplitter_UnitAboveTheCap_IsSplitIntoFloorRunsInsideTheUnit()
    {
        //-- Unit 1: 16 floors × 3 = 48; unit "2单元": 16 × 2 = 32; unit 3: 16; no unit: 16.
        var households = Metric(Building("b", Tower, 16, [("1", 3), ("2单元", 2), ("3", 1), (null, 1)]));
        var runs = new FloorSplitter(Options).Split(households);

        Assert.Equal(households.Count, runs.Sum(r => r.Households.Count));
        Assert.All(runs, r => Assert.All(r.Households, h => Assert.Equal(r.Unit, h.Unit)));
        Assert.All(runs, r => Assert.InRange(r.Households.Count, 1, Options.FloorSplitAboveHouseholds));
        Assert.All(runs, r => Assert.All(r.Households, h => Assert.InRange(h.Floor!.Value, r.FloorFrom, r.FloorTo)));
        // Units in natural order, the households without a unit last; floor runs in floor order.
        Assert.Equal(["1", "2单元", "3", null], runs.Select(r => r.Unit).Distinct());
        foreach (var unit in runs.GroupBy(r => r.Unit))
        {
            var ordered = unit.ToList();
            for (int i = 1; i < ordered.Count; i++) Assert.True(ordered[i].FloorFrom > ordered[i - 1].FloorTo);
        }
        Assert.InRange(runs.Count(r => r.Unit == "1"), 4, 6);
        Assert.InRange(runs.Count(r => r.Unit == "2单元"), 2, 4);
        Assert.Single(runs, r => r.Unit == "3");
        Assert.Single(runs, r => r.Unit is null);
    }

    [Fact]
    public void FloorSplitter_NoUnits_RunsAsBefore()
    {
        var households = Metric(Building("b", Tower, 12, [(null, 5)]));
        var runs = new FloorSplitter(Options).Split(households);
        Assert.All(runs, r => Assert.Null(r.Unit));
        Assert.Equal(6, runs.Count);
        Assert.All(runs, r => Assert.Equal(10, r.Households.Count));
    }

    [Fact]
    public void Partition_TowerWithUnits_FloorMicroGridsFollowUnitsAndShareTheBuilding()
    {
        var households = Building("tower", Tower, 16, [("1", 3), ("2", 2), ("3", 1)]);
        var input = TestData.Input(TestData.SquareTownship, households);
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));

        var unitOf = households.ToDictionary(h => h.Id, h => h.Unit);
        var byCode = p.MicroGrids.ToDictionary(m => m.Code);
        Assert.All(p.MicroGrids, m => Assert.Equal(MicroGridKind.Floor, m.Kind));
        Assert.All(p.MicroGrids, m => Assert.InRange(m.HouseholdCount, 1, Options.FloorSplitAboveHouseholds));
        Assert.All(p.Assignments, a => Assert.Equal(unitOf[a.HouseholdId], byCode[a.MicroGridCode].Unit));
        Assert.Single(p.MicroGrids.Select(m => m.Territory.ToText()).Distinct());
        // Serials follow units, then floors: one reading of the building from unit 1's ground floor.
        var inCodeOrder = p.MicroGrids.OrderBy(m => m.Code, StringComparer.Ordinal).Select(m => (m.Unit, m.FloorFrom)).ToList();
        Assert.Equal(inCodeOrder.OrderBy(x => x.Unit, BuildingUnit.Order).ThenBy(x => x.FloorFrom).ToList(), inCodeOrder);
    }

    [Fact]
    public void Partition_BuildingAtOrBelowTheThreshold_StaysOneMicroGridWhateverItsUnits()
    {
        var households = Building("small", Tower, 5, [("1", 3), ("2", 3)]);
        var p = Partitioner.Partition(TestData.Input(TestData.SquareTownship, households));
        var m = Assert.Single(p.MicroGrids);
        Assert.Equal((MicroGridKind.Building, (string?)null, (int?)null), (m.Kind, m.Unit, m.FloorFrom));
    }

    [Fact]
    public void Partition_OneHouseholdAddedToAUnit_EveryOtherHouseholdKeepsItsCode()
    {
        var households = TestData.Hamlets(200, seed: 5)
            .Concat(Building("east", new Coordinate(104.9085, 27.4075), 16, [("1", 3), ("2", 2), ("3", 1)]))
            .Concat(Building("west", new Coordinate(104.9025, 27.4025), 12, [("1", 2), ("2", 2), (null, 1)]))
            .ToList();
        var first = Partitioner.Partition(TestData.Input(TestData.SquareTownship, households));
        var previous = PreviousPartition.Of(first);

        var added = new HouseholdInput("east-2-0503", new Coordinate(104.9085, 27.4075), "east", 5, "2");
        var second = Partitioner.Partition(TestData.Input(TestData.SquareTownship, [.. households, added], previous: previous));

        var before = first.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode);
        var after = second.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode);
        Assert.All(before, kv => Assert.Equal(kv.Value, after[kv.Key]));
        var joined = second.MicroGrids.Single(m => m.Code == after[added.Id]);
        Assert.Equal(("2", MicroGridKind.Floor), (joined.Unit, joined.Kind));
        Assert.InRange(5, joined.FloorFrom!.Value, joined.FloorTo!.Value);
        Assert.Equal(first.MicroGrids.Select(m => (m.Code, m.Unit, m.FloorFrom)), second.MicroGrids.Select(m => (m.Code, m.Unit, m.FloorFrom)));
    }

    [Fact]
    public void Partition_UnitsInShuffledInput_GiveIdenticalOutput()
    {
        var households = TestData.Hamlets(120, seed: 9).Concat(Building("t", Tower, 16, [("2", 2), ("1", 3), (null, 1)])).ToList();
        var a = Partitioner.Partition(TestData.Input(TestData.SquareTownship, households));
        var b = Partitioner.Partition(TestData.Input(TestData.SquareTownship, households.OrderByDescending(h => h.Id, StringComparer.Ordinal)));
        Assert.Equal(a.Assignments, b.Assignments);
        Assert.Equal(a.MicroGrids.Select(m => (m.Code, m.Unit, m.FloorFrom, m.FloorTo)), b.MicroGrids.Select(m => (m.Code, m.Unit, m.FloorFrom, m.FloorTo)));
    }
}
