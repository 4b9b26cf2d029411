namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Households against the unit's size band (<see cref="CoverageBands"/>): the coverage
/// colour of the viewer's tiles (<c>fill_class</c>) and of notice maps.</summary>
public enum CoverageBand { Under, On, Over }
