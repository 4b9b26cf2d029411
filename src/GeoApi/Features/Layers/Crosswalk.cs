namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>A departmental layer's version against a partition version of one township: every
/// pair (departmental unit, grid) and (departmental unit, micro-grid) that overlaps by area or
/// shares a household (<see cref="CrosswalkReader"/>).</summary>
public sealed record Crosswalk(string Township, string Layer, int LayerVersion, int PartitionVersion,
    IReadOnlyList<CrosswalkUnit> Units, IReadOnlyList<CrosswalkPair> Pairs);

/// <summary>A departmental unit: its area inside the township and outside it (m² in the township's
/// metric CRS), and the households of the partition version it covers.</summary>
public sealed record CrosswalkUnit(string Code, string? Name, double Area, double OutsideArea, int Households);

/// <summary>One overlapping pair. <see cref="Level"/> is <c>grid</c> or <c>micro_grid</c>;
/// <see cref="OverlapArea"/> in m²: PostGIS <c>ST_Area(ST_Intersection(…))</c> of both sides projected into the
/// township's metric CRS (the CGCS2000 Gauss–Krüger zone the quality report measures in).
/// Shares of the departmental side (<see cref="UnitAreaShare"/>, <see cref="UnitHouseholdShare"/>)
/// are of the unit's area inside the township and of its households, so over one level they sum to 1
/// per unit; shares of the comprehensive side (<see cref="AreaShare"/>, <see cref="HouseholdShare"/>)
/// are of the grid's or micro-grid's area and households, and sum to 1 per grid only where the
/// layer tiles it. Floor micro-grids stacked on one building territory share its area: each stack
/// member carries its part of the unit's area share, so the stack counts once.</summary>
public sealed record CrosswalkPair(string Level, string Unit, string? UnitName, string Code, double OverlapArea, double UnitAreaShare,
    int Households, double? UnitHouseholdShare, double AreaShare, double? HouseholdShare)
{
    /// <summary>Share of either side's area below which an overlap without households is digitising
    /// noise (borders drawn a metre or two apart), not a correspondence: the partitioner's nesting rule
    /// (<see cref="Partitioner.Quality.NestingFit.SliverShare"/>), so the fit report and a nested partition's report agree.</summary>
    public const double SliverShare = GridSpatial.Partitioner.Quality.NestingFit.SliverShare;

    /// <summary>The two sides correspond: they share a household, or more than a sliver of either's area.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Substantial => Households > 0 || AreaShare >= SliverShare || UnitAreaShare >= SliverShare;
}
