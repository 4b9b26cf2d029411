using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Territories;

/// <summary>A piece of the township cut by barriers and village boundaries, in metric
/// coordinates; <see cref="Village"/> indexes the township's villages.</summary>
public sealed record Face(int Index, Polygon Polygon, int Village);
