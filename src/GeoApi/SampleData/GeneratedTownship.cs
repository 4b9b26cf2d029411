using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>A synthetic township in lon/lat with every layer the service imports.</summary>
public sealed record GeneratedTownship(
    TownshipInput Township,
    IReadOnlyList<VillageInput> Villages,
    IReadOnlyList<GeneratedBuilding> Buildings,
    IReadOnlyList<GeneratedHousehold> Households,
    IReadOnlyList<GeneratedBarrier> Barriers,
    IReadOnlyList<GeneratedStreet> Streets);

public sealed record GeneratedBuilding(string Id, string VillageCode, Polygon Footprint, int Floors, string Use);

public sealed record GeneratedHousehold(string Id, string VillageCode, Point Location, string BuildingId, int? Floor, string? Unit, string? Room, string Address, int Persons);

public sealed record GeneratedBarrier(string Id, Geometry Line, string Kind, string Name);
