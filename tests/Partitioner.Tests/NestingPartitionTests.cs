using GridSpatial.Partitioner.Incremental;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>Partition that nests in a departmental layer that does not tile (多网合一, issue #19):
/// unit A (west half) and unit B (south-east, overlapping A in a strip, leaving the north-east a gap).
/// By the rule, land in both belongs to A (the code that sorts first) and land in neither is a zone
/// of its own: no grid (or micro-grid) mixes households of two zones, every grid of a unit lies inside
/// it, the report counts what it should, and a local recompute after a household moves in keeps it.</summary>
public class NestingPartitionTests
{
    //-- Drawn past the township's outline, as departments draw: only the inner borders cut.
    private static readonly Geometry A = TestData.Geom("POLYGON ((104.899 27.399, 104.9055 27.399, 104.9055 27.411, 104.899 27.411, 104.899 27.399))");
    private static readonly Geometry B = TestData.Geom("POLYGON ((104.905 27.399, 104.912 27.399, 104.912 27.407, 104.905 27.407, 104.905 27.399))");

    private static PartitionInput Input(NestLevel level, IEnumerable<HouseholdInput>? households = null) =>
        TestData.Input(TestData.SquareTownship, households ?? TestData.Hamlets(600, seed: 11)) with
        {
            Nest = new NestInput("urban", 1, level, [new NestUnit("B", B), new NestUnit("A", A)]),
        };

    /// <summary>The zone of a dwelling by the documented rule.</summary>
    private static string ZoneOf(Coordinate at)
    {
        var p = A.Factory.CreatePoint(at);
        return A.Covers(p) ? "A" : B.Covers(p) ? "B" : "none";
    }

    [Fact]
    public void NestAtGridLevel_GapAndOverlap_EveryGridInOneZone_AndInsideItsUnit()
    {
        var input = Input(NestLevel.Grid);
        var p = new TownshipPartitioner(new PartitionOptions()).Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        AssertZonesPure(p, input, a => a.GridCode);
        AssertZonesPure(p, input, a => a.MicroGridCode);

        var zoneOfGrid = ZonesOf(p, input, a => a.GridCode);
        //-- In the township's metric CRS with 1 cm to spare (edges straight in metres are not straight in lon/lat).
        var metric = GridSpatial.Partitioner.Projection.MetricProjection.For(input.Township.Boundary);
        foreach (var g in p.Grids.Where(g => zoneOfGrid.GetValueOrDefault(g.Code) is "A" or "B"))
            Assert.True(metric.Forward(zoneOfGrid[g.Code] == "A" ? A : B).Buffer(0.01).Covers(metric.Forward(g.Territory)), $"grid {g.Code} of {zoneOfGrid[g.Code]} reaches outside it");

        var nesting = p.Report.Nesting!;
        Assert.Equal(("urban", "grid", 2), (nesting.Layer, nesting.Level, nesting.Units));
        Assert.Equal(input.Households.Count(h => A.Covers(A.Factory.CreatePoint(h.Location)) && B.Covers(A.Factory.CreatePoint(h.Location))), nesting.HouseholdsInOverlaps);
        Assert.Equal(input.Households.Count(h => ZoneOf(h.Location) == "none"), nesting.HouseholdsOutsideUnits);
        Assert.True(nesting.HouseholdsInOverlaps > 0 && nesting.HouseholdsOutsideUnits > 0, "the planted overlap and gap hold no household: they test nothing");
        //-- Grids in the gap nest in nothing; every other grid nests.
        int inUnits = p.Grids.Count(g => zoneOfGrid.GetValueOrDefault(g.Code, "none") != "none");
        Assert.Equal(Math.Round((double)inUnits / p.Grids.Count, 4), nesting.GridsNestedShare);
    }

    [Fact]
    public void NestAtMicroGridLevel_ALocalRecomputeAfterAHouseholdMovesIn_KeepsEveryMicroGridInOneZone()
    {
        var input = Input(NestLevel.MicroGrid);
        var options = new PartitionOptions();
        var first = new TownshipPartitioner(options).Partition(input);
        AssertZonesPure(first, input, a => a.MicroGridCode);

        var near = input.Households.First(h => ZoneOf(h.Location) == "B").Location;
        var more = Input(NestLevel.MicroGrid, [.. input.Households, new HouseholdInput("new-1", new Coordinate(near.X + 0.00002, near.Y + 0.00001))]);
        var next = new LocalRecompute(options).Recompute(more, first, first.Version + 1).Partition;
        PartitionAssert.Valid(next, PartitionInputSummary.Of(more));
        AssertZonesPure(next, more, a => a.MicroGridCode);
        Assert.Equal("micro_grid", next.Report.Nesting!.Level);
    }

    private static Dictionary<string, string> ZonesOf(Partition p, PartitionInput input, Func<Assignment, string> unit)
    {
        var at = input.Households.ToDictionary(h => h.Id, h => h.Location);
        return p.Assignments.GroupBy(unit).ToDictionary(g => g.Key, g => g.Select(a => ZoneOf(at[a.HouseholdId])).Distinct().Single());
    }

    private static void AssertZonesPure(Partition p, PartitionInput input, Func<Assignment, string> unit)
    {
        var at = input.Households.ToDictionary(h => h.Id, h => h.Location);
        foreach (var g in p.Assignments.GroupBy(unit))
        {
            var zones = g.Select(a => ZoneOf(at[a.HouseholdId])).Distinct().ToList();
            Assert.True(zones.Count == 1, $"{g.Key} holds households of {string.Join(", ", zones)}");
        }
    }
}
