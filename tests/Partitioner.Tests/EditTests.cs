using GridSpatial.Partitioner.Editing;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>Staff edits on a partition: whatever is redrawn, split or merged, the result is
/// still a valid partition (coverage, containment, nesting) and codes follow DESIGN §2.</summary>
public class EditTests
{
    private static readonly PartitionInput Input = TestData.Input(TestData.SquareTownship, TestData.Hamlets(1200, seed: 5));
    private static readonly Partition Base = new TownshipPartitioner(new PartitionOptions()).Partition(Input);
    private static readonly PartitionEditor Editor = new(new PartitionOptions());

    private static Partition Apply(Edit edit) => Editor.Apply(Base, new EditContext(Input.Township, Input.Households, Base.Version + 1), edit);

    /// <summary>A cluster micro-grid with a few siblings in its grid, deterministic.</summary>
    private static MicroGrid Cluster(int skip = 0) => Base.MicroGrids
        .Where(m => m.Kind == MicroGrids.MicroGridKind.Cluster && m.HouseholdCount >= 8 && Base.MicroGrids.Count(x => x.GridCode == m.GridCode) >= 4)
        .OrderBy(m => m.Code, StringComparer.Ordinal).Skip(skip).First();

    private static IEnumerable<HouseholdInput> Inside(Geometry g) => Input.Households.Where(h => g.Covers(g.Factory.CreatePoint(h.Location)));

    [Fact]
    public void RedrawMicroGrid_Grown_TakesTheLandAndHouseholdsInside_FromItsSiblingsOnly()
    {
        var m = Cluster();
        var grid = Base.Grids.Single(g => g.Code == m.GridCode).Territory;
        var drawn = m.Territory.Buffer(0.0004);
        var edited = Apply(new Edit(EditKind.Redraw, [m.Code], drawn));

        PartitionAssert.Valid(edited, PartitionInputSummary.Of(Input));
        Assert.Equal(Base.Version + 1, edited.Version);
        var after = edited.MicroGrids.Single(x => x.Code == m.Code);
        var expected = drawn.Intersection(grid);
        Assert.True(Math.Abs(after.Territory.Area - expected.Area) < expected.Area * 1e-6, $"{after.Territory.Area} vs {expected.Area}");
        var mine = edited.Assignments.Where(a => a.MicroGridCode == m.Code).Select(a => a.HouseholdId).ToHashSet();
        var interior = Inside(expected.Buffer(-1e-7)).Select(h => h.Id).ToList();
        Assert.All(interior, id => Assert.Contains(id, mine));
        //-- Other grids did not move (at most they gained a vertex where the new boundary meets them).
        foreach (var g in Base.Grids.Where(g => g.Code != m.GridCode))
            Assert.True(Math.Abs(g.Territory.Area - edited.Grids.Single(x => x.Code == g.Code).Territory.Area) <= g.Territory.Area * 1e-9, g.Code);
    }

    [Fact]
    public void RedrawMicroGrid_ToItsBoundingBox_HoldsTheWholeBoxInsideItsGrid()
    {
        foreach (var m in Base.MicroGrids.Where(m => m.Kind == MicroGrids.MicroGridKind.Cluster).Take(12))
        {
            var grid = Base.Grids.Single(g => g.Code == m.GridCode).Territory;
            var box = m.Territory.Envelope;
            var edited = Apply(new Edit(EditKind.Redraw, [m.Code], box));
            PartitionAssert.Valid(edited, PartitionInputSummary.Of(Input));
            var after = edited.MicroGrids.Single(x => x.Code == m.Code).Territory;
            var expected = box.Intersection(grid);
            Assert.True(Math.Abs(after.Area - expected.Area) < expected.Area * 1e-5, $"{m.Code}: {after.Area} vs {expected.Area}");
        }
    }

    [Fact]
    public void RedrawMicroGrid_Shrunk_GivesTheDifferenceToNeighbours()
    {
        var m = Cluster(1);
        var drawn = m.Territory.Buffer(-0.0001);
        var edited = Apply(new Edit(EditKind.Redraw, [m.Code], drawn));
        PartitionAssert.Valid(edited, PartitionInputSummary.Of(Input));
        var after = edited.MicroGrids.Single(x => x.Code == m.Code);
        Assert.True(after.Territory.Area < m.Territory.Area * 0.99);
        Assert.Equal(Base.Grids.Single(g => g.Code == m.GridCode).Territory, edited.Grids.Single(g => g.Code == m.GridCode).Territory);
    }

    [Fact]
    public void SplitMicroGrid_ByALine_KeepsTheCodeOnTheLargerPart_AndRecordsWhereTheOtherCameFrom()
    {
        var m = Cluster(2);
        var e = m.Territory.EnvelopeInternal;
        var y = m.Territory.InteriorPoint.Y;
        var line = m.Territory.Factory.CreateLineString([new Coordinate(e.MinX - 0.001, y), new Coordinate(e.MaxX + 0.001, y)]);
        var edited = Apply(new Edit(EditKind.Split, [m.Code], line));

        PartitionAssert.Valid(edited, PartitionInputSummary.Of(Input));
        Assert.Contains(edited.MicroGrids, x => x.Code == m.Code);
        var born = edited.Codes.Where(c => c.ValidFrom == edited.Version && c.Level == "micro_grid").ToList();
        Assert.NotEmpty(born);
        Assert.All(born, c => Assert.Equal([m.Code], c.Predecessors));
        Assert.All(born, c => Assert.StartsWith(m.GridCode, c.Code, StringComparison.Ordinal));
        //-- New serials are past every serial ever used in the grid.
        var maxBefore = Base.Codes.Where(c => c.Code.Length == 18 && c.Code.StartsWith(m.GridCode, StringComparison.Ordinal)).Max(c => c.Code);
        Assert.All(born, c => Assert.True(string.CompareOrdinal(c.Code, maxBefore) > 0));
    }

    [Fact]
    public void Redraw_FarFromTheUnitsParent_IsRefused_NotADeletion()
    {
        var m = Cluster();
        var far = m.Territory.Factory.CreatePolygon([new(105.5, 28.0), new(105.51, 28.0), new(105.51, 28.01), new(105.5, 28.0)]);
        var e = Assert.Throws<EditException>(() => Apply(new Edit(EditKind.Redraw, [m.Code], far)));
        Assert.Equal("geometry", e.Field);
        var g = Base.Grids[0];
        Assert.Equal("geometry", Assert.Throws<EditException>(() => Apply(new Edit(EditKind.Redraw, [g.Code], far))).Field);
    }

    [Fact]
    public void SplitMicroGrid_ByALineThatDoesNotCrossIt_IsRefused()
    {
        var m = Cluster();
        var c = m.Territory.InteriorPoint.Coordinate;
        var stub = m.Territory.Factory.CreateLineString([c, new Coordinate(c.X + 1e-6, c.Y)]);
        var e = Assert.Throws<EditException>(() => Apply(new Edit(EditKind.Split, [m.Code], stub)));
        Assert.Equal(422, e.Status);
        Assert.Equal("geometry", e.Field);
    }

    [Fact]
    public void MergeNeighbours_LeavesOneUnit_AndRetiresTheOtherWithItsSuccessor()
    {
        var m = Cluster();
        var neighbour = Base.MicroGrids.Where(x => x.GridCode == m.GridCode && x.Code != m.Code && x.Kind == MicroGrids.MicroGridKind.Cluster)
            .First(x => x.Territory.Intersection(m.Territory).Length > 0);
        var edited = Apply(new Edit(EditKind.Merge, [m.Code, neighbour.Code]));

        PartitionAssert.Valid(edited, PartitionInputSummary.Of(Input));
        var live = edited.MicroGrids.Select(x => x.Code).ToHashSet();
        var survivor = live.Contains(m.Code) ? m.Code : neighbour.Code;
        var gone = survivor == m.Code ? neighbour.Code : m.Code;
        Assert.DoesNotContain(gone, live);
        var record = edited.Codes.Single(c => c.Code == gone);
        Assert.Equal(Base.Version, record.ValidTo);
        Assert.Contains(survivor, record.Successors);
        Assert.Equal(m.HouseholdCount + neighbour.HouseholdCount, edited.MicroGrids.Single(x => x.Code == survivor).HouseholdCount);
    }

    [Fact]
    public void MergeOfUnitsThatDoNotTouch_IsRefused()
    {
        var m = Cluster();
        var far = Base.MicroGrids.Where(x => x.GridCode == m.GridCode && x.Code != m.Code && x.Kind == MicroGrids.MicroGridKind.Cluster)
            .First(x => !x.Territory.Intersects(m.Territory));
        var e = Assert.Throws<EditException>(() => Apply(new Edit(EditKind.Merge, [m.Code, far.Code])));
        Assert.Equal("codes", e.Field);
    }

    [Fact]
    public void RedrawGrid_MovesCutMicroGridsIntoIt_WithNewCodesUnderIt()
    {
        var g = Base.Grids.OrderBy(x => x.Code, StringComparer.Ordinal).First(x => Base.Grids.Count(y => y.VillageCode == x.VillageCode) > 1);
        var drawn = g.Territory.Buffer(0.0005);
        var edited = Apply(new Edit(EditKind.Redraw, [g.Code], drawn));

        PartitionAssert.Valid(edited, PartitionInputSummary.Of(Input));
        var after = edited.Grids.Single(x => x.Code == g.Code);
        Assert.True(after.Territory.Area > g.Territory.Area);
        var moved = edited.Codes.Where(c => c.ValidFrom == edited.Version && c.Level == "micro_grid").ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, c => Assert.StartsWith(g.Code, c.Code, StringComparison.Ordinal));
        Assert.All(moved, c => Assert.Single(c.Predecessors));
    }

    [Fact]
    public void SplitGrid_ByALine_MakesANewGridWithItsOwnMicroGrids()
    {
        var g = Base.Grids.OrderByDescending(x => x.HouseholdCount).First();
        var e = g.Territory.EnvelopeInternal;
        var x0 = g.Territory.InteriorPoint.X;
        var line = g.Territory.Factory.CreateLineString([new Coordinate(x0, e.MinY - 0.001), new Coordinate(x0, e.MaxY + 0.001)]);
        var edited = Apply(new Edit(EditKind.Split, [g.Code], line));

        PartitionAssert.Valid(edited, PartitionInputSummary.Of(Input));
        var born = edited.Codes.Where(c => c.ValidFrom == edited.Version && c.Level == "grid").ToList();
        Assert.NotEmpty(born);
        Assert.All(born, c => Assert.Equal([g.Code], c.Predecessors));
        Assert.All(born, c => Assert.Contains(edited.MicroGrids, m => m.GridCode == c.Code));
    }

    [Fact]
    public void PinAndUnpin_MakeANewVersionAndMoveNothing()
    {
        var m = Cluster();
        var pinned = Apply(new Edit(EditKind.Pin, [m.Code]));
        Assert.Equal(Base.Version + 1, pinned.Version);
        Assert.True(pinned.MicroGrids.Single(x => x.Code == m.Code).Pinned);
        Assert.Equal(Base.Assignments, pinned.Assignments);
    }

    [Fact]
    public void Apply_VersionGiven_WritesThatVersionInReportAndHistory()
    {
        var m = Cluster(2);
        var e = m.Territory.EnvelopeInternal;
        var y = m.Territory.InteriorPoint.Y;
        var line = m.Territory.Factory.CreateLineString([new Coordinate(e.MinX - 0.001, y), new Coordinate(e.MaxX + 0.001, y)]);
        var edited = Editor.Apply(Base, new EditContext(Input.Township, Input.Households, Base.Version + 5), new Edit(EditKind.Split, [m.Code], line));

        Assert.Equal(Base.Version + 5, edited.Version);
        Assert.Equal(Base.Version + 5, edited.Report.Version);
        Assert.Contains(edited.Codes, c => c.ValidFrom == Base.Version + 5);
        Assert.DoesNotContain(edited.Codes, c => c.ValidFrom > Base.Version && c.ValidFrom != Base.Version + 5);
    }

    [Fact]
    public void Apply_VersionBeforeTheEditedOne_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Editor.Apply(Base, new EditContext(Input.Township, Input.Households, Base.Version - 1), new Edit(EditKind.Pin, [Cluster().Code])));

    [Theory]
    [InlineData("530627118000999999", 404, "code")]
    [InlineData("530627118000999", 404, "code")]
    public void EditsOfUnknownCodes_AreNotFound(string code, int status, string field)
    {
        var e = Assert.Throws<EditException>(() => Apply(new Edit(EditKind.Redraw, [code], Base.MicroGrids[0].Territory)));
        Assert.Equal(status, e.Status);
        Assert.Equal(field, e.Field);
    }
}
