using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Inputs;

/// <summary>Everything one township's partition is computed from, in lon/lat (x = longitude).</summary>
public sealed record PartitionInput(
    TownshipInput Township,
    IReadOnlyList<HouseholdInput> Households,
    IReadOnlyList<BuildingInput> Buildings,
    IReadOnlyList<BarrierInput> Barriers,
    IReadOnlyList<VillageInput> Villages,
    PreviousPartition? Previous = null)
{
    /// <summary>Streets, lanes, tracks, paths and ditches: soft guides that never block a
    /// cluster but that territory borders prefer to follow (DESIGN §1).</summary>
    public IReadOnlyList<StreetInput> Streets { get; init; } = [];

    /// <summary>The departmental layer grids or micro-grids nest in (多网合一), or null.</summary>
    public NestInput? Nest { get; init; }
}

/// <summary>A township (乡镇/街道): 9-digit code, name and its (multi)polygon.</summary>
public sealed record TownshipInput(string Code, string Name, Geometry Boundary);

/// <summary>A village or community (村/居委会): 12-digit code starting with the township code.</summary>
public sealed record VillageInput(string Code, string Name, Geometry Boundary);

/// <summary>One household (户) at its dwelling. Floor is 1 for the ground storey; Unit is the
/// building's unit (单元, a stairwell) the dwelling opens on, e.g. "2" or "3单元".</summary>
public sealed record HouseholdInput(string Id, Coordinate Location, string? BuildingId = null, int? Floor = null, string? Unit = null);

/// <summary>A building footprint (楼栋).</summary>
public sealed record BuildingInput(string Id, Geometry Footprint, int? Floors = null);

/// <summary>A line grids should not cross: major road, river, railway.</summary>
public sealed record BarrierInput(string Id, Geometry Line, string? Kind = null);

/// <summary>A line borders prefer to follow: street, lane, track, path or ditch.</summary>
public sealed record StreetInput(string Id, Geometry Line, string? Kind = null);
