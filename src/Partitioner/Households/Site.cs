using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Households;

/// <summary>The households of one building or one location: never split (a large building only
/// by floors). <see cref="Key"/> is stable across runs, so everything ordered by it is too.</summary>
public sealed class Site(string key, IReadOnlyList<Household> households, IReadOnlyList<Coordinate> locations, bool isBuilding)
{
    public string Key { get; } = key;
    public IReadOnlyList<Household> Households { get; } = households;

    /// <summary>Distinct household locations (metric), in a stable order.</summary>
    public IReadOnlyList<Coordinate> Locations { get; } = locations;

    /// <summary>The site takes the building rule (own micro-grid) rather than clustering.</summary>
    public bool IsBuilding { get; } = isBuilding;

    public int Weight => Households.Count;

    public Coordinate Centre { get; } = new(locations.Average(c => c.X), locations.Average(c => c.Y));

    /// <summary>The building id shared by the households, or the smallest one when several buildings stand at one spot.</summary>
    public string? BuildingId { get; } = households.Select(h => h.BuildingId).Where(b => b is not null).Order(StringComparer.Ordinal).FirstOrDefault();

    public override string ToString() => $"{Key} ({Weight})";
}
