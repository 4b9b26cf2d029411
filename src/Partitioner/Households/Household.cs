using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Households;

/// <summary>A household in the township's metric CRS.</summary>
public sealed record Household(string Id, Coordinate Location, string? BuildingId, int? Floor);
