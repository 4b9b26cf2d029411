using GridSpatial.Partitioner;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Decides a unit's <see cref="CoverageBand"/> from the configured partition options.</summary>
public sealed class CoverageBands(PartitionOptions options)
{
    /// <summary>A micro-grid of <paramref name="kind"/> (cluster, building, floor).</summary>
    public CoverageBand MicroGrid(string kind, int households) => kind switch
    {
        "cluster" => Band(households, options.ClusterMin, options.ClusterMax),
        "building" => Band(households, options.BuildingMinHouseholds, options.FloorSplitAboveHouseholds),
        _ => Band(households, 1, options.FloorSplitAboveHouseholds),
    };

    public CoverageBand Grid(int households) => Band(households, options.GridMin, options.GridMax);

    private static CoverageBand Band(int households, int min, int max) =>
        households < min ? CoverageBand.Under : households > max ? CoverageBand.Over : CoverageBand.On;
}
