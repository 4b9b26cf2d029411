using NetTopologySuite.Coverage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Overlay;

namespace GridSpatial.Partitioner.Tests;

/// <summary>The invariants every partition must satisfy, checked on the output itself.</summary>
internal static class PartitionAssert
{
    public static void Valid(Partition p, PartitionInputSummary input)
    {
        var r = p.Report;
        Assert.True(r.GapAreaRatio <= 1e-9, $"gap {r.GapAreaRatio}");
        Assert.True(r.OverlapAreaRatio <= 1e-9, $"overlap {r.OverlapAreaRatio}");
        Assert.True(r.NonContiguous <= r.NonContiguousAllowed, $"non-contiguous {r.NonContiguous} > {r.NonContiguousAllowed}");
        Assert.Equal(0, r.UnassignedHouseholds);
        Assert.Equal(0, r.MultiplyAssignedHouseholds);
        Assert.Equal(0, r.HouseholdsOutsideOwnTerritory);
        Assert.Equal(0, r.MicroGridsOutsideGrid);
        Assert.Equal(input.Households, p.Assignments.Count);

        // Codes nest: village (12) → grid (15) → micro-grid (18), unique.
        Assert.Equal(p.MicroGrids.Count, p.MicroGrids.Select(m => m.Code).Distinct().Count());
        foreach (var m in p.MicroGrids)
        {
            Assert.Equal(18, m.Code.Length);
            Assert.StartsWith(m.GridCode, m.Code, StringComparison.Ordinal);
            Assert.StartsWith(m.VillageCode, m.GridCode, StringComparison.Ordinal);
            Assert.StartsWith(p.TownshipCode, m.VillageCode, StringComparison.Ordinal);
        }
        foreach (var g in p.Grids) Assert.Equal(15, g.Code.Length);

        // Territories: a valid coverage of the township in lon/lat (floor stacks once).
        var stacks = p.MicroGrids.GroupBy(m => m.Territory.Normalized().ToText()).Select(g => g.First().Territory).ToArray();
        var invalid = CoverageValidator.Validate(stacks);
        var bad = invalid.Select((g, i) => (g, i)).Where(x => x.g is not null).ToList();
        Assert.True(bad.Count == 0, $"micro-grid territories are not a valid coverage: {bad.Count} invalid, e.g. {bad.FirstOrDefault().g} in {bad.FirstOrDefault().i}");
        // Measured in metres (DESIGN §5): edges are straight in the metric CRS.
        var metric = Projection.MetricProjection.For(input.Township);
        var union = OverlayNGRobust.Union(stacks[0].Factory.BuildGeometry(stacks.Select(metric.Forward).ToArray()));
        var township = metric.Forward(input.Township);
        var gap = OverlayNGRobust.Overlay(township, union, SpatialFunction.Difference).Area / township.Area;
        var spill = OverlayNGRobust.Overlay(union, township, SpatialFunction.Difference).Area / township.Area;
        Assert.True(gap < 1e-9 && spill < 1e-9, $"gap {gap}, outside {spill}");
    }
}

internal sealed record PartitionInputSummary(Geometry Township, int Households)
{
    public static PartitionInputSummary Of(Inputs.PartitionInput i) => new(i.Township.Boundary, i.Households.Count);
}
