using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Territories;

/// <summary>The same drawing of a territory: the same coordinates on the same rings, up to where each ring
/// starts, its direction, the order of rings and parts, and a polygon held as a one-part multipolygon (both
/// compared as multipolygons in normal form, coordinate for coordinate). A vertex added to a border is
/// another polygon. What a redraw may hand back for land that did not move, and what stores as the same row.</summary>
public static class SamePolygon
{
    public static bool Of(Geometry a, Geometry b) =>
        ReferenceEquals(a, b) || a.EqualsExact(b) || a.NumPoints == b.NumPoints && Multi(a).Normalized().EqualsExact(Multi(b).Normalized());

    private static Geometry Multi(Geometry g) => g is Polygon p ? g.Factory.CreateMultiPolygon([p]) : g;
}
