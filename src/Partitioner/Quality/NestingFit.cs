using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Quality;

/// <summary>How a partition nests in the departmental layer it was asked to nest in (多网合一):
/// the share of grids and micro-grids wholly inside one unit (by count and by households),
/// where the layer leaves households outside every unit or in two, and what nesting cost the
/// size balance (units beside their bounds; against the same inputs partitioned without the layer:
/// <see cref="NestingReport.Cost"/>, set by the partitioner that ran both). Measured in the township's metric CRS on the
/// finished territories: a territory nests in a unit when at most <see cref="SliverShare"/> of its
/// area lies outside it, as the fit report of the layer counts (a border drawn on the township's
/// outline is straight in lon/lat, the outline's edges straight in metres: centimetres apart).</summary>
public static class NestingFit
{
    /// <summary>Share of a territory's area that may lie outside its unit; the one home of the rule (the layers' fit report takes it too).</summary>
    public const double SliverShare = 0.001;

    /// <summary>The nesting figures of <paramref name="partition"/>, or null when <paramref name="input"/> does not nest.</summary>
    public static NestingReport? Of(Partition partition, PartitionInput input, PartitionOptions options)
    {
        if (input.Nest is not { } nest) return null;
        var units = new LayerUnits(nest, input.Township.Boundary);
        var grids = partition.Grids.Select(g => (Nested: units.Nests(g.Territory), g.HouseholdCount)).ToList();
        //-- Floor runs of one building share a territory: measured once, counted for each.
        var territoryNests = new Dictionary<Geometry, bool>(ReferenceEqualityComparer.Instance);
        var micro = partition.MicroGrids.Select(m =>
        {
            if (!territoryNests.TryGetValue(m.Territory, out var nested)) territoryNests[m.Territory] = nested = units.Nests(m.Territory);
            return (Nested: nested, m.HouseholdCount);
        }).ToList();

        var locators = nest.Units.Select(u => (u.Area.EnvelopeInternal, Locator: new IndexedPointInAreaLocator(u.Area))).ToList();
        int outside = 0, overlaps = 0;
        foreach (var h in input.Households)
        {
            int holding = locators.Count(l => l.EnvelopeInternal.Contains(h.Location) && l.Locator.Locate(h.Location) != Location.Exterior);
            if (holding == 0) outside++;
            else if (holding > 1) overlaps++;
        }
        var balance = SizeBalance.Of(partition, options);
        return new NestingReport(nest.Layer, nest.LayerVersion, nest.LevelName, nest.Units.Count,
            Share(grids.Count(g => g.Nested), grids.Count), Share(grids.Where(g => g.Nested).Sum(g => g.HouseholdCount), grids.Sum(g => g.HouseholdCount)),
            Share(micro.Count(m => m.Nested), micro.Count), Share(micro.Where(m => m.Nested).Sum(m => m.HouseholdCount), micro.Sum(m => m.HouseholdCount)),
            outside, overlaps,
            options.ClusterHardMin, options.ClusterHardMax, balance.ClustersBelowHardMin, balance.ClustersAboveHardMax,
            options.GridMin, options.GridMax, balance.GridsBelowMin, balance.GridsAboveMax);
    }

    private static double? Share(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
}

/// <summary>The nesting figures of a partition (<see cref="NestingFit"/>), in the quality report as <c>nesting</c>.</summary>
/// <param name="Level"><c>grid</c> or <c>micro_grid</c>: the level asked to nest.</param>
/// <param name="HouseholdsOutsideUnits">Households in no unit of the layer (its gaps): their units nest in nothing.</param>
/// <param name="HouseholdsInOverlaps">Households in two or more units: they count for the unit whose code sorts first.</param>
/// <param name="ClustersBelowHardMin">Cluster micro-grids below the hard minimum: a unit holding too few
/// households to make one keeps them alone rather than cross its border (the cost in size balance,
/// beside <c>cluster_share_8_12</c> and <c>cluster_share_5_15</c> of the whole report).</param>
/// <param name="GridsBelowMin">Grids below the grid band: a unit with fewer households than a grid's band
/// gives a smaller grid when grids nest (beside <c>grid_level.share_in_band</c>).</param>
public sealed record NestingReport(
    string Layer,
    int LayerVersion,
    string Level,
    int Units,
    double? GridsNestedShare,
    double? GridsNestedHouseholdShare,
    double? MicroGridsNestedShare,
    double? MicroGridsNestedHouseholdShare,
    int HouseholdsOutsideUnits,
    int HouseholdsInOverlaps,
    int ClusterHardMin,
    int ClusterHardMax,
    int ClustersBelowHardMin,
    int ClustersAboveHardMax,
    int GridMin,
    int GridMax,
    int GridsBelowMin,
    int GridsAboveMax)
{
    /// <summary>What nesting cost against the same inputs partitioned without the layer (<see cref="NestingCost"/>);
    /// null when the partition was not computed both ways (a report from before the comparison existed).</summary>
    public NestingCost? Cost { get; init; }
}
