using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Territories;

/// <summary>Which polygons of an exact coverage share an edge, and how long it is: segments
/// with identical end points on both sides (the coverage's own guarantee) are matched.</summary>
internal static class SharedEdges
{
    /// <summary>Shared edge length per ordered pair of polygon indices.</summary>
    public static Dictionary<(int, int), double> Of(IReadOnlyList<Geometry> polygons)
    {
        var shared = new Dictionary<(int, int), double>();
        var firstOwner = new Dictionary<(Coordinate, Coordinate), int>();
        for (int i = 0; i < polygons.Count; i++)
            foreach (var key in Segments(polygons[i]))
            {
                if (firstOwner.Remove(key, out var j))
                {
                    if (j == i) continue;
                    var pair = j < i ? (j, i) : (i, j);
                    shared[pair] = shared.GetValueOrDefault(pair) + key.Item1.Distance(key.Item2);
                }
                else firstOwner[key] = i;
            }
        return shared;
    }

    /// <summary>The segments of the polygons' rings that no two of them share (identical end points), in
    /// coordinate order: the outline of their union and of the holes between them, without the borders
    /// inside it.</summary>
    public static MultiLineString Unshared(IEnumerable<Geometry> polygons, GeometryFactory factory)
    {
        var open = new HashSet<(Coordinate, Coordinate)>();
        foreach (var polygon in polygons)
            foreach (var key in Segments(polygon))
                if (!open.Remove(key)) open.Add(key);
        return factory.CreateMultiLineString(open.OrderBy(s => s.Item1).ThenBy(s => s.Item2)
            .Select(s => factory.CreateLineString([s.Item1.Copy(), s.Item2.Copy()])).ToArray());
    }

    /// <summary>Every segment of the polygon's rings as its end points, the smaller first (a border seen from either side is one key).</summary>
    private static IEnumerable<(Coordinate, Coordinate)> Segments(Geometry polygon)
    {
        foreach (var ring in Rings(polygon))
        {
            var cs = ring.Coordinates;
            for (int k = 0; k + 1 < cs.Length; k++)
                yield return Key(cs[k], cs[k + 1]);
        }
    }

    /// <summary>A segment as its end points, the smaller first: the same key whichever way round it is drawn.</summary>
    public static (Coordinate, Coordinate) Key(Coordinate a, Coordinate b) => a.CompareTo(b) < 0 ? (a, b) : (b, a);

    /// <summary>Every ring of a polygon or of each part of a multipolygon.</summary>
    public static IEnumerable<LineString> Rings(Geometry g)
    {
        for (int n = 0; n < g.NumGeometries; n++)
        {
            if (g.GetGeometryN(n) is not Polygon p) continue;
            yield return p.ExteriorRing;
            foreach (var hole in p.InteriorRings) yield return hole;
        }
    }
}
