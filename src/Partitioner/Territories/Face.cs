using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Territories;

/// <summary>A piece of the township cut by barriers and village boundaries, in metric
/// coordinates; <see cref="Village"/> indexes the township's villages, <see cref="Zone"/> the
/// departmental unit it lies in when the partition nests (<see cref="NestZones"/>; 0 otherwise).</summary>
public sealed record Face(int Index, Polygon Polygon, int Village, int Zone = 0);
