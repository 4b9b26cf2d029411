using System.Globalization;
using GridSpatial.Partitioner;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>The one rule of a unit's <see cref="CoverageBand"/>, from the configured partition
/// options: a cluster micro-grid against the cluster band, a building micro-grid between the
/// building threshold and the floor-split threshold, a floor run up to that threshold, a grid
/// against the grid band. Decided in memory (notice maps) or as SQL (the vector tiles' <c>fill_class</c>).</summary>
public sealed class CoverageBands(PartitionOptions options)
{
    /// <summary>The band's bounds (inclusive) for a micro-grid of <paramref name="kind"/> (cluster, building, floor).</summary>
    public (int Min, int Max) MicroGridBounds(string kind) => kind switch
    {
        "cluster" => (options.ClusterMin, options.ClusterMax),
        "building" => (options.BuildingMinHouseholds, options.FloorSplitAboveHouseholds),
        _ => (1, options.FloorSplitAboveHouseholds),
    };

    public (int Min, int Max) GridBounds => (options.GridMin, options.GridMax);

    public CoverageBand MicroGrid(string kind, int households) => Band(households, MicroGridBounds(kind));

    public CoverageBand Grid(int households) => Band(households, GridBounds);

    /// <summary>The band of a micro-grid as SQL (<c>'under'</c>, <c>'on'</c>, <c>'over'</c>) over its kind and count columns.</summary>
    public string MicroGridSql(string kind, string count) =>
        $"CASE {kind} WHEN 'cluster' THEN {Sql(count, MicroGridBounds("cluster"))} WHEN 'building' THEN {Sql(count, MicroGridBounds("building"))} ELSE {Sql(count, MicroGridBounds("floor"))} END";

    /// <summary>The band of a grid as SQL over its count column.</summary>
    public string GridSql(string count) => Sql(count, GridBounds);

    private static CoverageBand Band(int households, (int Min, int Max) band) =>
        households < band.Min ? CoverageBand.Under : households > band.Max ? CoverageBand.Over : CoverageBand.On;

    private static string Sql(string count, (int Min, int Max) band) => string.Create(CultureInfo.InvariantCulture,
        $"CASE WHEN {count} < {band.Min} THEN 'under' WHEN {count} > {band.Max} THEN 'over' ELSE 'on' END");
}
