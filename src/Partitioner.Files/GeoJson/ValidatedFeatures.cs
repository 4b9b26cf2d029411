using GridSpatial.Partitioner.Codes;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Files.GeoJson;

/// <summary>A township to store; <see cref="Code"/> is parsed (9 digits), so its county is its first six.</summary>
public sealed record TownshipRow(DivisionCode Code, string Name, string Kind, bool Urban, MultiPolygon Geom)
{
    public string CountyCode => Code.Value[..6];
}

public sealed record VillageRow(DivisionCode Code, string Name, bool Urban, MultiPolygon Geom);

public sealed record BuildingRow(string Id, int? Floors, string? Use, string Properties, MultiPolygon Geom);

public sealed record HouseholdRow(string Id, string? BuildingId, int? Floor, string? Unit, string? Room, string? Address, int? Persons, string Properties, Point Geom);

public sealed record LineRow(string Id, string Kind, string? Name, string Properties, MultiLineString Geom);

/// <summary>A unit of a departmental layer: the department's own code and name.</summary>
public sealed record DepartmentalUnitRow(string Code, string? Name, string Properties, MultiPolygon Geom);
