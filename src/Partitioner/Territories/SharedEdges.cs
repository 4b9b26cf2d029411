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
        {
            foreach (var ring in Rings(polygons[i]))
            {
                var cs = ring.Coordinates;
                for (int k = 0; k + 1 < cs.Length; k++)
                {
                    var a = cs[k];
                    var b = cs[k + 1];
                    var key = a.CompareTo(b) < 0 ? (a, b) : (b, a);
                    if (firstOwner.Remove(key, out var j))
                    {
                        if (j == i) continue;
                        var pair = j < i ? (j, i) : (i, j);
                        shared[pair] = shared.GetValueOrDefault(pair) + a.Distance(b);
                    }
                    else firstOwner[key] = i;
                }
            }
        }
        return shared;
    }

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
