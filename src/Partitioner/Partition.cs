using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner;

/// <summary>One township's partition (DESIGN §4): grids and micro-grids with territories in
/// lon/lat that tile the township, every household's assignment, the code history and the
/// quality report.</summary>
public sealed record Partition(
    string TownshipCode,
    string TownshipName,
    int Version,
    IReadOnlyList<VillageUnit> Villages,
    IReadOnlyList<Grid> Grids,
    IReadOnlyList<MicroGrid> MicroGrids,
    IReadOnlyList<Assignment> Assignments,
    IReadOnlyList<CodeRecord> Codes,
    QualityReport Report)
{
    /// <summary>The <see cref="Inputs.InputsDigest"/> of what it was computed from (null when not known:
    /// an older partition, which the next recompute then recomputes whole).</summary>
    public string? InputsDigest { get; init; }
}

/// <summary>A village as the partition used it (the township itself, code segment 000, when
/// no village boundaries were given).</summary>
public sealed record VillageUnit(string Code, string Name, Geometry Boundary);

/// <summary>A grid; <see cref="Pinned"/> when staff drew it and recomputes must leave it alone.</summary>
public sealed record Grid(string Code, string VillageCode, int HouseholdCount, Geometry Territory, bool Pinned = false);

/// <summary>A micro-grid. Floor micro-grids of one building share its territory and are told
/// apart by <see cref="FloorFrom"/>–<see cref="FloorTo"/> and, where households name one, the
/// building's <see cref="Unit"/> (单元).</summary>
public sealed record MicroGrid(
    string Code,
    string GridCode,
    string VillageCode,
    MicroGridKind Kind,
    int HouseholdCount,
    string? BuildingId,
    int? FloorFrom,
    int? FloorTo,
    Geometry Territory,
    bool Pinned = false)
{
    /// <summary>The unit (单元) of a floor micro-grid split by units; null otherwise.</summary>
    public string? Unit { get; init; }
}

public sealed record Assignment(string HouseholdId, string MicroGridCode, string GridCode);
