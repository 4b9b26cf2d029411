using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Quality;

/// <summary>A unit of a reference partition: its territory in lon/lat and its households.</summary>
public sealed record ReferenceUnit(Geometry Territory, IReadOnlyList<string> HouseholdIds);
