namespace GridSpatial.Partitioner;

/// <summary>Every bound of DESIGN §1, with its defaults. Read from <c>--options O.json</c>
/// (snake_case names, e.g. <c>cluster_target</c>); anything left out keeps its default.</summary>
public sealed record PartitionOptions
{
    /// <summary>Households within this distance (metres) of each other form one site.</summary>
    public double SiteMergeDistanceM { get; init; } = 1.0;

    /// <summary>A household counts as its building's only within this distance (metres) of the
    /// building's footprint (or, without one, of the building's other households).</summary>
    public double BuildingReachM { get; init; } = 50;

    /// <summary>A site with at least this many households is its own micro-grid (kind building).</summary>
    public int BuildingMinHouseholds { get; init; } = 8;

    /// <summary>A building site above this many households is split into floor runs (kind floor).</summary>
    public int FloorSplitAboveHouseholds { get; init; } = 30;

    /// <summary>Target households of one floor run.</summary>
    public int FloorTargetHouseholds { get; init; } = 10;

    public int ClusterTarget { get; init; } = 10;
    public int ClusterMin { get; init; } = 8;
    public int ClusterMax { get; init; } = 12;

    /// <summary>No cluster ever holds more than this (sites are never split, so a single larger
    /// site is the only exception, and only below <see cref="BuildingMinHouseholds"/>).</summary>
    public int ClusterHardMax { get; init; } = 15;

    /// <summary>A group below this many households never stands alone when it can join a
    /// neighbour, even across a barrier.</summary>
    public int ClusterHardMin { get; init; } = 5;

    /// <summary>Sites farther apart than this (metres) belong to different hamlets.</summary>
    public double IsolationDistanceM { get; init; } = 500;

    public int GridTarget { get; init; } = 300;
    public int GridMin { get; init; } = 150;
    public int GridMax { get; init; } = 500;

    /// <summary>Households a grid of <paramref name="households"/> lies outside <see cref="GridMin"/>–<see cref="GridMax"/> by (0 inside).</summary>
    public int GridOutsideBandBy(int households) => Math.Max(0, Math.Max(GridMin - households, households - GridMax));

    public void Validate()
    {
        static void Require(bool ok, string name, string why)
        {
            if (!ok) throw new ArgumentException($"Option '{name}' {why}.", name);
        }
        Require(SiteMergeDistanceM is >= 0 and <= 50, nameof(SiteMergeDistanceM), "must be between 0 and 50 metres");
        Require(BuildingReachM is >= 1 and <= 1000, nameof(BuildingReachM), "must be between 1 and 1000 metres");
        Require(BuildingMinHouseholds >= 2, nameof(BuildingMinHouseholds), "must be at least 2");
        Require(FloorSplitAboveHouseholds >= BuildingMinHouseholds, nameof(FloorSplitAboveHouseholds), "must be at least BuildingMinHouseholds");
        Require(FloorTargetHouseholds >= 1 && FloorTargetHouseholds <= FloorSplitAboveHouseholds, nameof(FloorTargetHouseholds), "must be between 1 and FloorSplitAboveHouseholds");
        Require(ClusterHardMin >= 1 && ClusterHardMin <= ClusterMin, nameof(ClusterHardMin), "must be between 1 and ClusterMin");
        Require(ClusterMin <= ClusterTarget && ClusterTarget <= ClusterMax, nameof(ClusterTarget), "must lie between ClusterMin and ClusterMax");
        Require(ClusterMax <= ClusterHardMax, nameof(ClusterHardMax), "must be at least ClusterMax");
        Require(IsolationDistanceM > 0, nameof(IsolationDistanceM), "must be positive");
        Require(GridMin >= 1 && GridMin <= GridTarget && GridTarget <= GridMax, nameof(GridTarget), "must satisfy 1 <= GridMin <= GridTarget <= GridMax");
    }
}
