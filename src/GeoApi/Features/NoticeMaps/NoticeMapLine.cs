using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>A street or barrier of the stored layers; <see cref="Kind"/> as stored (river, road,
/// railway, street, …), <see cref="Barrier"/> whether grids may not cross it.</summary>
public sealed record NoticeMapLine(Geometry Line, string Kind, bool Barrier);
