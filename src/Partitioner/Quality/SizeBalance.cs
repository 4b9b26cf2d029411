using System.Text.Json.Serialization;
using GridSpatial.Partitioner.MicroGrids;

namespace GridSpatial.Partitioner.Quality;

/// <summary>The size balance of a partition, the figures nesting in a departmental layer may cost
/// (多网合一): how many units, cluster micro-grids in their target band (8–12) and within their hard
/// bounds (5–15), grids in their band, and compactness, as the partition's own report measures them
/// (<see cref="QualityReport"/>); the counts beside the bounds are counted here once.</summary>
/// <param name="ClustersBelowHardMin">Cluster micro-grids with households, below the hard minimum.</param>
/// <param name="GridPolsbyPopperMean">The report's <c>grid_level.polsby_popper_mean</c>.</param>
public sealed record SizeBalance(
    int Grids,
    int MicroGrids,
    [property: JsonPropertyName("cluster_share_8_12")] double? ClusterShare8To12,
    [property: JsonPropertyName("cluster_share_5_15")] double? ClusterShare5To15,
    int ClustersBelowHardMin,
    int ClustersAboveHardMax,
    double GridShareInBand,
    int GridsBelowMin,
    int GridsAboveMax,
    double PolsbyPopperMean,
    double GridPolsbyPopperMean,
    double DispersionMMean)
{
    /// <summary>The balance of <paramref name="partition"/>, its report's figures and its units counted against <paramref name="options"/>' bounds.</summary>
    public static SizeBalance Of(Partition partition, PartitionOptions options)
    {
        var r = partition.Report;
        var clusters = partition.MicroGrids.Where(m => m.Kind == MicroGridKind.Cluster && m.HouseholdCount > 0).ToList();
        return new SizeBalance(partition.Grids.Count, partition.MicroGrids.Count, r.ClusterShare8To12, r.ClusterShare5To15,
            clusters.Count(c => c.HouseholdCount < options.ClusterHardMin), clusters.Count(c => c.HouseholdCount > options.ClusterHardMax),
            r.GridLevel.ShareInBand,
            partition.Grids.Count(g => g.HouseholdCount < options.GridMin), partition.Grids.Count(g => g.HouseholdCount > options.GridMax),
            r.PolsbyPopperMean, r.GridLevel.PolsbyPopperMean, r.DispersionMMean);
    }

    /// <summary>Figure by figure, this balance less <paramref name="other"/>'s (a share null on either side gives null).</summary>
    public SizeBalance Minus(SizeBalance other) => new(
        Grids - other.Grids, MicroGrids - other.MicroGrids,
        Round(ClusterShare8To12 - other.ClusterShare8To12), Round(ClusterShare5To15 - other.ClusterShare5To15),
        ClustersBelowHardMin - other.ClustersBelowHardMin, ClustersAboveHardMax - other.ClustersAboveHardMax,
        Round(GridShareInBand - other.GridShareInBand)!.Value,
        GridsBelowMin - other.GridsBelowMin, GridsAboveMax - other.GridsAboveMax,
        Round(PolsbyPopperMean - other.PolsbyPopperMean)!.Value, Round(GridPolsbyPopperMean - other.GridPolsbyPopperMean)!.Value,
        Round(DispersionMMean - other.DispersionMMean)!.Value);

    //-- The report's figures are rounded to 4 decimals (dispersion to 0.1 m): their difference to the same, without float noise.
    private static double? Round(double? d) => d is { } v ? Math.Round(v, 4) : null;
}
