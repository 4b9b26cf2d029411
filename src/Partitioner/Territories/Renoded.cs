using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Territories;

/// <summary>Makes territories that tile almost exactly (kept ones from a previous version beside
/// fresh ones, off by a micrometre here and there after the round trip through lon/lat) an exact
/// coverage again: all their borders are noded together on the precision grid and polygonized,
/// and each face goes to the territory holding its interior point (a sliver between two, to the
/// nearest). Shapes change by micrometres at most.</summary>
internal static class Renoded
{
    public static Geometry[] Of(IReadOnlyList<Geometry> territories, GeometryFactory factory, PrecisionModel precision)
    {
        var lines = territories.Where(t => !t.IsEmpty).Select(t => t.Boundary).ToList();
        var noded = FaceBuilder.Node(factory.BuildGeometry(lines), precision);
        var index = new STRtree<int>();
        for (int u = 0; u < territories.Count; u++) if (!territories[u].IsEmpty) index.Insert(territories[u].EnvelopeInternal, u);
        var locators = new Dictionary<int, IndexedPointInAreaLocator>();
        var parts = new List<Geometry>[territories.Count];
        for (int u = 0; u < parts.Length; u++) parts[u] = [];
        foreach (var face in FaceBuilder.Polygonize(noded))
        {
            var at = face.InteriorPoint.Coordinate;
            int owner = -1;
            foreach (var u in index.Query(new Envelope(at)).Order())
            {
                if (!locators.TryGetValue(u, out var loc)) locators[u] = loc = new IndexedPointInAreaLocator(territories[u]);
                if (loc.Locate(at) == Location.Interior) { owner = u; break; }
            }
            if (owner < 0)
            {
                var probe = new Envelope(face.EnvelopeInternal);
                probe.ExpandBy(1e-3);
                var point = factory.CreatePoint(at);
                owner = index.Query(probe).Order().Select(u => (u, d: territories[u].Distance(point))).OrderBy(x => x.d).ThenBy(x => x.u)
                    .Select(x => x.u).DefaultIfEmpty(-1).First();
                if (owner < 0) continue;
            }
            parts[owner].Add(face);
        }
        return parts.Select((ps, u) => ps.Count == 0 ? territories[u] : Unite.Of(ps, factory, precision)).ToArray();
    }
}
