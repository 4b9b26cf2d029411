using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Import;

public sealed record TownshipRow(string Code, string CountyCode, string Name, string Kind, bool Urban, MultiPolygon Geom);

public sealed record VillageRow(string Code, string Name, bool Urban, MultiPolygon Geom);

public sealed record BuildingRow(string Id, int? Floors, string? Use, string Properties, MultiPolygon Geom);

public sealed record HouseholdRow(string Id, string? BuildingId, int? Floor, string? Unit, string? Room, string? Address, int? Persons, string Properties, Point Geom);

public sealed record BarrierRow(string Id, string Kind, string? Name, string Properties, MultiLineString Geom);
