using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Files;

namespace GridSpatial.Partitioner.Tests;

/// <summary>The partitioner's targets on every real township of ../shared/data/liechtenstein
/// (skipped when the folder is absent).</summary>
public class LiechtensteinTests
{
    public static TheoryData<string> Townships => ["balzers", "eschen", "mauren", "ruggell", "schaan", "schellenberg", "triesen"];

    /// <summary>The figures of issue #15 that need no reference run, from the report of a partition
    /// with every layer (buildings, barriers, streets); compactness beside the k-means reference is
    /// in <c>bench partition --shared</c>.</summary>
    [SkippableTheory]
    [MemberData(nameof(Townships))]
    public void Partition_RealTownship_MeetsTheTargets(string name)
    {
        var root = TestData.Liechtenstein();
        Skip.If(root is null, "../shared/data/liechtenstein is absent");
        var dir = Path.Combine(root!, name);
        var input = new PartitionInput(
            GeoJsonInputReader.ReadTownship(Path.Combine(dir, "township.geojson")),
            GeoJsonInputReader.ReadHouseholds(Path.Combine(dir, "households.geojson")),
            GeoJsonInputReader.ReadBuildings(Path.Combine(dir, "buildings.geojson")),
            GeoJsonInputReader.ReadBarriers(Path.Combine(dir, "barriers.geojson")),
            [])
        { Streets = GeoJsonInputReader.ReadStreets(Path.Combine(dir, "streets.geojson")) };
        var p = new TownshipPartitioner(new PartitionOptions()).Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        var r = p.Report;
        Assert.True(r.ClusterShare8To12 >= 0.95, $"8-12 share {r.ClusterShare8To12}");
        Assert.True(r.ClusterShare5To15 >= 0.99, $"5-15 share {r.ClusterShare5To15}");
        Assert.All(p.MicroGrids.Where(m => m.Kind == MicroGrids.MicroGridKind.Cluster), m => Assert.True(m.HouseholdCount <= 15));
        //-- Faces here are stricter than the scorer's: barrier ends within 0.5 m of the boundary
        // reach it, so more faces exist; a township of under 100 micro-grids may keep one house
        // cut off by a road together with its neighbours across it.
        Assert.True(r.BarrierCrossings <= Math.Max(1, 0.01 * r.MicroGrids), $"barrier crossings {r.BarrierCrossings} of {r.MicroGrids}");
        //-- Borders a person would draw: along streets and barriers (within 10 m).
        Assert.True(r.BorderOnGuidesShare >= 0.60, $"micro-grid borders on guides {r.BorderOnGuidesShare}");
        Assert.True(r.GridLevel.BorderOnGuidesShare >= 0.80, $"grid borders on guides {r.GridLevel.BorderOnGuidesShare}");
    }
}
