using System.Text.Json.Serialization;
using GridSpatial.GeoApi.Features.People;

namespace GridSpatial.GeoApi.Features.Areas;

/// <summary>The answer of <c>POST /api/area</c>: the area asked about, the townships, villages, grids
/// and micro-grids it touches (each with the share of its land and of its households inside) and the
/// households inside: their count always, the list (id, building, floor, unit) only for keys with the
/// <c>people</c> permission. Grids and micro-grids carry their name and responsible people
/// (<see cref="ResponsibleUnit"/>: roles always, names and phones for keys with <c>people</c>).</summary>
public sealed record AreaAnswer(AreaShape Area, int HouseholdCount, IReadOnlyList<AreaUnit> Townships, IReadOnlyList<AreaUnit> Villages,
    IReadOnlyList<AreaUnit> Grids, IReadOnlyList<AreaUnit> MicroGrids)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AreaHousehold>? Households { get; init; }
}

/// <summary>What was asked: <see cref="Kind"/> <c>polygon</c>, <c>circle</c> (a point and radius_m)
/// or <c>corridor</c> (a line and buffer_m), its area in m² (in the metric projection) and the CRS the
/// coordinates were sent in.</summary>
public sealed record AreaShape(string Kind, double AreaM2, string Crs);

/// <summary>A unit the area touches. <see cref="AreaShare"/>: the share of the unit's land inside
/// (0–1); <see cref="Households"/>: its households; <see cref="HouseholdsInside"/>: how many of them lie
/// inside. <see cref="Responsible"/> for grids and micro-grids.</summary>
public sealed record AreaUnit(string Code, string Name, double AreaShare, int Households, int HouseholdsInside)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Version { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ResponsibleUnit? Responsible { get; init; }
}

/// <summary>A household inside the area (keys with <c>people</c> only), with its units.</summary>
public sealed record AreaHousehold(string Id, string Township, string? Village, string? Grid, string? MicroGrid, string? Building, int? Floor, string? Unit, string? Room);
