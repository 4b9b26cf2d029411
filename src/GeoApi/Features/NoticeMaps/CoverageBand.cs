namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Households against the unit's size band, as the viewer colours coverage: the
/// rule of the vector tiles' <c>fill_class</c> (Tiles/TileLayer) — a cluster micro-grid against
/// the cluster band, a building micro-grid between the building threshold and the floor-split
/// threshold, a floor run up to that threshold, a grid against the grid band.</summary>
public enum CoverageBand { Under, On, Over }
