using GridSpatial.Partitioner.MicroGrids;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Quality;

/// <summary>A finished partition as the figures of DESIGN §5 see it, in the township's metric
/// CRS: territory units (a micro-grid, or one building's floor runs, which share a territory),
/// micro-grids, grids, assignments, and the street and barrier lines borders are measured
/// against (null when not known: the figure is then carried). Lists are measured in the order
/// given (sums of floating-point figures depend on it), so each caller keeps its own order.</summary>
internal sealed record MeasuredPartition(
    Geometry Township,
    IReadOnlyList<string> HouseholdIds,
    IReadOnlyList<Assignment> Assignments,
    IReadOnlyList<Geometry> UnitTerritories,
    IReadOnlyList<MeasuredMicroGrid> MicroGrids,
    IReadOnlyList<MeasuredMembers> Members,
    IReadOnlyList<MeasuredGrid> Grids,
    IReadOnlyList<Geometry>? Guides,
    MeasuredPrevious? Previous);

/// <summary>A micro-grid: its code, kind, household count, territory unit and grid (an index into
/// the grids, -1 when its grid is missing).</summary>
internal sealed record MeasuredMicroGrid(string Code, MicroGridKind Kind, int Households, int Unit, int Grid);

/// <summary>The version before, for the stability figures: each household's micro-grid code then,
/// each earlier micro-grid's territory (lon/lat) by code, this version's unit territories in
/// lon/lat (unchanged ones are equal vertex for vertex), and the projection to the metric CRS.</summary>
internal sealed record MeasuredPrevious(
    IReadOnlyDictionary<string, string> MicroGridOfHousehold,
    IReadOnlyDictionary<string, Geometry?> Territory,
    IReadOnlyList<Geometry> UnitLonLat,
    Func<Geometry, Geometry> ToMetric);

/// <summary>The households of one micro-grid, where they stand, and the unit they belong to.</summary>
internal sealed record MeasuredMembers(int Unit, IReadOnlyList<Coordinate> Households);

internal sealed record MeasuredGrid(int Households, Geometry Territory);

/// <summary>Figures a partition's territories and assignments cannot give: who and which version
/// it is, and what only the build saw (barrier faces, stranded hamlets, stage times; the border
/// shares on streets and barriers when the guides are not given), which an edit carries over
/// from the version it edited.</summary>
internal sealed record CarriedFigures(
    string TownshipCode,
    int Version,
    string Crs,
    int NonContiguousAllowed,
    int BarrierCrossings,
    int Faces,
    int StrandedHamlets,
    IReadOnlyDictionary<string, long> ElapsedMs,
    double? BorderOnGuidesShare = null,
    double? GridBorderOnGuidesShare = null);
