using NetTopologySuite.Geometries;
using NetTopologySuite.Noding;
using NetTopologySuite.Noding.Snapround;

namespace GridSpatial.Partitioner.Territories;

/// <summary>Linework snap-rounded onto a precision grid and dissolved: every vertex on the grid,
/// lines meeting only at their end points, no segment twice. What a polygonizer needs to build an
/// exact coverage (shared edges have identical vertices). The snap-rounding noder on its own: the
/// overlay union does the same noding and then builds and labels a topology graph that
/// polygonizing does not need.</summary>
internal static class NodedLinework
{
    public static Geometry Of(Geometry lines, PrecisionModel precision)
    {
        var factory = lines.Factory;
        var strings = new List<ISegmentString>();
        for (int i = 0; i < lines.NumGeometries; i++)
            Add(lines.GetGeometryN(i), strings);
        if (strings.Count == 0) return factory.CreateMultiLineString();
        var noder = new SnapRoundingNoder(precision);
        noder.ComputeNodes(strings);
        return Dissolve(noder.GetNodedSubstrings().Select(s => s.Coordinates), factory);
    }

    /// <summary>Linework noded on the grid already (the rings of polygons polygonized from noded
    /// linework): only dissolved, each segment once, as <see cref="Of"/> would give it without
    /// snap-rounding it again.</summary>
    public static Geometry OfNoded(IEnumerable<LineString> lines, GeometryFactory factory) =>
        Dissolve(lines.Where(l => l.NumPoints >= 2).Select(l => l.Coordinates), factory);

    private static MultiLineString Dissolve(IEnumerable<Coordinate[]> strings, GeometryFactory factory)
    {
        // Each segment once, whichever string and direction it came from.
        var segments = new List<(Coordinate A, Coordinate B)>();
        var seen = new HashSet<(Coordinate, Coordinate)>();
        var degree = new Dictionary<Coordinate, int>();
        foreach (var cs in strings)
        {
            for (int k = 0; k + 1 < cs.Length; k++)
            {
                var (a, b) = (cs[k], cs[k + 1]);
                if (a.Equals2D(b)) continue;
                if (!seen.Add(SharedEdges.Key(a, b))) continue;
                segments.Add((a, b));
                degree[a] = degree.GetValueOrDefault(a) + 1;
                degree[b] = degree.GetValueOrDefault(b) + 1;
            }
        }

        //-- Consecutive segments become one line until a vertex where other than two segments meet.
        var result = new List<LineString>();
        var run = new List<Coordinate>();
        for (int k = 0; k < segments.Count; k++)
        {
            var (a, b) = segments[k];
            if (run.Count > 0 && (!run[^1].Equals2D(a) || degree[a] != 2))
            {
                result.Add(factory.CreateLineString(run.ToArray()));
                run.Clear();
            }
            if (run.Count == 0) run.Add(a);
            run.Add(b);
        }
        if (run.Count > 0) result.Add(factory.CreateLineString(run.ToArray()));
        return factory.CreateMultiLineString(result.ToArray());
    }

    private static void Add(Geometry g, List<ISegmentString> strings)
    {
        switch (g)
        {
            case GeometryCollection gc:
                for (int i = 0; i < gc.NumGeometries; i++) Add(gc.GetGeometryN(i), strings);
                break;
            case Polygon p:
                Add(p.ExteriorRing, strings);
                foreach (var hole in p.InteriorRings) Add(hole, strings);
                break;
            case LineString l when l.NumPoints >= 2:
                strings.Add(new NodedSegmentString(l.Coordinates, null));
                break;
        }
    }
}
