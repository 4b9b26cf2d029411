using GridSpatial.Partitioner.Editing;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>The editor is deterministic: the same edit of the same partition gives the same
/// territories (WKT), codes, assignments, history and report, whichever editor applies it and
/// in whatever order the households come.</summary>
public class EditDeterminismTests
{
    private static readonly PartitionInput Input = TestData.Input(TestData.SquareTownship, TestData.Hamlets(900, seed: 9));
    private static readonly Partition Base = new TownshipPartitioner(new PartitionOptions()).Partition(Input);

    public static TheoryData<string> Edits => ["redraw-micro", "split-micro", "merge-micro", "redraw-grid", "split-grid", "merge-grids"];

    private static Edit EditOf(string name)
    {
        var m = Base.MicroGrids.Where(x => x.Kind == MicroGrids.MicroGridKind.Cluster && Base.MicroGrids.Count(y => y.GridCode == x.GridCode) >= 4)
            .OrderBy(x => x.Code, StringComparer.Ordinal).First();
        var g = Base.Grids.OrderByDescending(x => x.HouseholdCount).ThenBy(x => x.Code, StringComparer.Ordinal).First();
        LineString Across(Geometry t)
        {
            var e = t.EnvelopeInternal;
            var y = t.InteriorPoint.Y;
            return t.Factory.CreateLineString([new Coordinate(e.MinX - 0.001, y), new Coordinate(e.MaxX + 0.001, y)]);
        }
        return name switch
        {
            "redraw-micro" => new Edit(EditKind.Redraw, [m.Code], m.Territory.Buffer(0.0003)),
            "split-micro" => new Edit(EditKind.Split, [m.Code], Across(m.Territory)),
            "merge-micro" => new Edit(EditKind.Merge, [m.Code, Base.MicroGrids.First(x => x.GridCode == m.GridCode && x.Code != m.Code
                && x.Kind == MicroGrids.MicroGridKind.Cluster && x.Territory.Intersection(m.Territory).Length > 0).Code]),
            "redraw-grid" => new Edit(EditKind.Redraw, [g.Code], g.Territory.Buffer(0.0004)),
            "split-grid" => new Edit(EditKind.Split, [g.Code], Across(g.Territory)),
            _ => new Edit(EditKind.Merge, [g.Code, Base.Grids.First(x => x.VillageCode == g.VillageCode && x.Code != g.Code
                && x.Territory.Intersection(g.Territory).Length > 0).Code]),
        };
    }

    private static List<string> Fingerprint(Partition p) =>
    [
        .. p.Grids.Select(g => $"{g.Code} {g.VillageCode} {g.HouseholdCount} {g.Territory.ToText()}"),
        .. p.MicroGrids.Select(m => $"{m.Code} {m.GridCode} {m.Kind} {m.HouseholdCount} {m.Territory.ToText()}"),
        .. p.Assignments.Select(a => $"{a.HouseholdId} {a.MicroGridCode} {a.GridCode}"),
        .. p.Codes.Select(c => $"{c.Code} {c.Level} {c.ValidFrom} {c.ValidTo} {string.Join(",", c.Predecessors)} {string.Join(",", c.Successors)}"),
        System.Text.Json.JsonSerializer.Serialize(p.Report),
    ];

    [Theory]
    [MemberData(nameof(Edits))]
    public void Apply_SameEditTwice_GivesIdenticalPartitions(string name)
    {
        var edit = EditOf(name);
        var first = new PartitionEditor(new PartitionOptions()).Apply(Base, new EditContext(Input.Township, Input.Households, Base.Version + 1), edit);
        var second = new PartitionEditor(new PartitionOptions()).Apply(Base, new EditContext(Input.Township, Input.Households, Base.Version + 1), edit);
        Assert.Equal(Fingerprint(first), Fingerprint(second));
        Assert.Equal(Base.Version + 1, first.Version);
    }

    [Theory]
    [MemberData(nameof(Edits))]
    public void Apply_HouseholdsInAnotherOrder_GivesIdenticalPartitions(string name)
    {
        var edit = EditOf(name);
        var reversed = Input.Households.Reverse().ToList();
        var first = new PartitionEditor(new PartitionOptions()).Apply(Base, new EditContext(Input.Township, Input.Households, Base.Version + 1), edit);
        var second = new PartitionEditor(new PartitionOptions()).Apply(Base, new EditContext(Input.Township, reversed, Base.Version + 1), edit);
        Assert.Equal(Fingerprint(first), Fingerprint(second));
    }
}
