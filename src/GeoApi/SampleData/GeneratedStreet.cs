using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>A line that never blocks a cluster but that borders prefer to follow: <c>Kind</c> is
/// lane (村内巷道), street (镇区街道), track (机耕路), path (小路), ditch (沟渠) or stream (箐, 支沟).</summary>
public sealed record GeneratedStreet(string Id, LineString Line, string Kind, string Name);
