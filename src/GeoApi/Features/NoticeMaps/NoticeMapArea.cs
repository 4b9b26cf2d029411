using GridSpatial.GeoApi.Infrastructure;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>A unit filled on the map: its short code (the last three digits) and household
/// count as its label, its colour from the coverage band.</summary>
public sealed record NoticeMapArea(Geometry Territory, string ShortCode, int Households, CoverageBand Band);
