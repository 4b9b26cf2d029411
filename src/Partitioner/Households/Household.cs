using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Households;

/// <summary>A household in the township's metric CRS, with its building's unit (单元) when given.</summary>
public sealed record Household(string Id, Coordinate Location, string? BuildingId, int? Floor, string? Unit = null);
