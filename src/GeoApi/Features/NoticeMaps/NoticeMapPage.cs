using GridSpatial.Partitioner.Codes;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>What one notice-map page shows, every geometry already in the township's metric CRS
/// (metres, x = easting), so the renderer only scales and draws.</summary>
/// <param name="Title">The unit's name (a grid's generated name such as 木卓村第3网格, a village's own).</param>
/// <param name="Subtitle">Where it lies: township and village.</param>
/// <param name="Outline">The unit's territory: the map is framed on it and draws it strongest.</param>
/// <param name="Areas">What the unit is made of, filled in coverage colours and labelled: a grid's
/// micro-grids, a village's grids.</param>
/// <param name="Context">Neighbouring grids, drawn in grey.</param>
/// <param name="PublishedOn">The day the version was published (China Standard Time).</param>
public sealed record NoticeMapPage(
    string Code, DivisionLevel Level, string Title, string Subtitle, int Version, DateOnly PublishedOn, int Households,
    Geometry Outline, IReadOnlyList<NoticeMapArea> Areas, IReadOnlyList<Geometry> Context,
    IReadOnlyList<NoticeMapLine> Lines, IReadOnlyList<Coordinate> HouseholdPoints, string ViewerUrl,
    IReadOnlyList<NoticeMapPerson> People);
