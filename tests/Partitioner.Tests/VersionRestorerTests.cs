using GridSpatial.Partitioner.Editing;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>Restoring a past version: its units come back (territories bit for bit, pinned), a
/// grid split since is whole again with the split-off code retired, households follow the past
/// assignments, new ones their containing micro-grid, gone ones are dropped; a unit whose code was
/// retired since comes back under a fresh serial naming it.</summary>
public class VersionRestorerTests
{
    private static readonly PartitionInput Input = TestData.Input(TestData.SquareTownship, TestData.Hamlets(1200, seed: 5));
    private static readonly Partition Base = new TownshipPartitioner(new PartitionOptions()).Partition(Input);
    private static readonly PartitionEditor Editor = new(new PartitionOptions());
    private static readonly VersionRestorer Restorer = new(new PartitionOptions());

    private static VersionRestorer.PastVersion Past => new(Base.Version, Base.Grids, Base.MicroGrids, Base.Assignments);

    private static Partition Edit(Edit edit) => Editor.Apply(Base, new EditContext(Input.Township, Input.Households, Base.Version + 1), edit);

    [Fact]
    public void Restore_AfterAGridSplit_BringsEveryUnitBack_Pinned_WithNewHouseholdsInTheirContainingMicroGrid()
    {
        var g = Base.Grids.OrderByDescending(x => x.HouseholdCount).First();
        var e = g.Territory.EnvelopeInternal;
        var x0 = g.Territory.InteriorPoint.X;
        var edited = Edit(new Edit(EditKind.Split, [g.Code], g.Territory.Factory.CreateLineString([new Coordinate(x0, e.MinY - 0.001), new Coordinate(x0, e.MaxY + 0.001)])));
        var splitOff = edited.Grids.Select(x => x.Code).Except(Base.Grids.Select(x => x.Code)).ToList();
        Assert.NotEmpty(splitOff);

        //-- Today: one household gone, one new at the interior point of a micro-grid.
        var target = Base.MicroGrids.First(m => m.Kind == MicroGrids.MicroGridKind.Cluster);
        var gone = Input.Households[0].Id;
        var households = Input.Households.Skip(1).Append(new HouseholdInput("new-1", target.Territory.InteriorPoint.Coordinate)).ToList();
        var restored = Restorer.Restore(edited, Past, new EditContext(Input.Township, households, edited.Version + 1));

        PartitionAssert.Valid(restored, PartitionInputSummary.Of(Input with { Households = households }));
        Assert.Equal(edited.Version + 1, restored.Version);
        //-- A micro-grid keeps its code where the split left it current; the ones the split moved into the
        //-- new grid were retired, so they come back under fresh serials of their grid, naming their old code.
        Assert.Equal(Base.MicroGrids.Count, restored.MicroGrids.Count);
        var live = edited.MicroGrids.Select(m => m.Code).ToHashSet();
        var codeOf = new Dictionary<string, string>();
        foreach (var before in Base.MicroGrids)
        {
            var after = live.Contains(before.Code) ? restored.MicroGrids.Single(m => m.Code == before.Code)
                : restored.MicroGrids.Single(m => restored.Codes.Single(c => c.Code == m.Code).Predecessors.SequenceEqual([before.Code]));
            Assert.True(before.Territory.EqualsExact(after.Territory), before.Code);
            Assert.Equal(before.GridCode, after.GridCode);
            Assert.True(after.Pinned);
            codeOf[before.Code] = after.Code;
        }
        Assert.Contains(Base.MicroGrids, m => !live.Contains(m.Code));
        Assert.All(restored.Grids, x => Assert.True(x.Pinned));
        Assert.Equal(codeOf[target.Code], restored.Assignments.Single(a => a.HouseholdId == "new-1").MicroGridCode);
        Assert.DoesNotContain(restored.Assignments, a => a.HouseholdId == gone);
        var old = Base.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode);
        Assert.All(restored.Assignments.Where(a => a.HouseholdId != "new-1"), a => Assert.Equal(codeOf[old[a.HouseholdId]], a.MicroGridCode));
        foreach (var code in splitOff)
        {
            var record = restored.Codes.Single(c => c.Code == code);
            Assert.Equal(edited.Version, record.ValidTo);
            Assert.Contains(g.Code, record.Successors);
        }
    }

    [Fact]
    public void Restore_AfterAMerge_GivesTheRetiredCodeNotBack_ButAFreshSerialNamingIt()
    {
        var grid = Base.MicroGrids.GroupBy(m => m.GridCode).First(x => x.Count() >= 4);
        var a = grid.First(m => m.Kind == MicroGrids.MicroGridKind.Cluster);
        var b = grid.First(m => m.Code != a.Code && m.Kind == MicroGrids.MicroGridKind.Cluster && m.Territory.Intersection(a.Territory).Length > 0);
        var merged = Edit(new Edit(EditKind.Merge, [a.Code, b.Code], null));
        var retired = new[] { a.Code, b.Code }.Single(c => merged.MicroGrids.All(m => m.Code != c));

        var restored = Restorer.Restore(merged, Past, new EditContext(Input.Township, Input.Households, merged.Version + 1));
        Assert.DoesNotContain(restored.MicroGrids, m => m.Code == retired);
        var back = restored.MicroGrids.Single(m => m.Territory.EqualsExact(Base.MicroGrids.Single(x => x.Code == retired).Territory));
        Assert.Equal(retired[..15], back.GridCode);
        Assert.True(string.CompareOrdinal(back.Code, grid.Max(m => m.Code)) > 0, back.Code);
        var record = restored.Codes.Single(c => c.Code == back.Code);
        Assert.Equal([retired], record.Predecessors);
        Assert.Equal(restored.Version, record.ValidFrom);
        Assert.Equal(merged.Codes.Single(c => c.Code == retired), restored.Codes.Single(c => c.Code == retired));
    }
}
