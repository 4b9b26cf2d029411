using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Polygonize;

namespace GridSpatial.Partitioner.Territories;

/// <summary>Cuts the township by barrier lines and village boundaries (noded with the
/// township boundary, then polygonized). Dangling lines cut nothing. Faces come out in a
/// stable order (by interior point), and each knows its village (and its zone when nesting).</summary>
public sealed class FaceBuilder(PrecisionModel precision)
{
    public (IReadOnlyList<Face> Faces, Geometry Linework) Build(Geometry township, IEnumerable<Geometry> barriers, IReadOnlyList<Geometry> villages) =>
        Build(township, barriers, villages, null);

    /// <param name="zones">When the partition nests, the departmental units whose zone each face
    /// takes (their borders must be among <paramref name="barriers"/>).</param>
    internal (IReadOnlyList<Face> Faces, Geometry Linework) Build(Geometry township, IEnumerable<Geometry> barriers, IReadOnlyList<Geometry> villages, NestZones? zones)
    {
        var factory = township.Factory;
        var lines = new List<Geometry> { township.Boundary };
        var cuts = barriers.SelectMany(Linear).Concat(villages.Select(v => v.Boundary)).SelectMany(Linear).ToList();
        if (cuts.Count > 0)
        {
            var inside = OverlayNGRobust.Overlay(factory.BuildGeometry(cuts), township, SpatialFunction.Intersection);
            if (!inside.IsEmpty) lines.Add(inside);
        }
        var linework = Node(factory.BuildGeometry(lines.SelectMany(Linear)), precision);

        var township_ = new IndexedPointInAreaLocator(township);
        var villageLocators = villages.Select(v => new IndexedPointInAreaLocator(v)).ToArray();
        var polygons = Polygonize(linework)
            .Select(p => (Polygon: p, At: p.InteriorPoint.Coordinate))
            .Where(p => township_.Locate(p.At) == Location.Interior)
            .OrderBy(p => p.At.X).ThenBy(p => p.At.Y)
            .ToList();

        var faces = new List<Face>(polygons.Count);
        foreach (var (polygon, at) in polygons)
            faces.Add(new Face(faces.Count, polygon, VillageOf(polygon, at, villages, villageLocators), zones?.ZoneOf(at) ?? 0));
        //-- Only face boundaries: dangling lines cut nothing, not even the tessellation.
        var boundaries = NodedLinework.OfNoded(faces.SelectMany(f => SharedEdges.Rings(f.Polygon)), factory);
        return (faces, boundaries);
    }

    /// <summary>Nodes and dissolves linework on the precision grid (snap-rounding), so that
    /// every shared edge of the polygons made from it has identical vertices.</summary>
    internal static Geometry Node(Geometry lines, PrecisionModel precision) =>
        NodedLinework.Of(lines, precision);

    internal static IReadOnlyList<Polygon> Polygonize(Geometry noded)
    {
        //-- The linework is noded already: checking every ring's validity again would node it again.
        var polygonizer = new Polygonizer(extractOnlyPolygonal: false) { IsCheckingRingsValid = false };
        polygonizer.Add(noded);
        return polygonizer.GetPolygons().Cast<Polygon>().ToList();
    }

    private static IEnumerable<Geometry> Linear(Geometry g)
    {
        for (int i = 0; i < g.NumGeometries; i++)
        {
            var part = g.GetGeometryN(i);
            if (part is LineString) yield return part;
            else if (part is Polygon) yield return part.Boundary;
            else if (part is GeometryCollection) foreach (var inner in Linear(part)) yield return inner;
        }
    }

    private static int VillageOf(Polygon face, Coordinate at, IReadOnlyList<Geometry> villages, IndexedPointInAreaLocator[] locators)
    {
        if (villages.Count == 0) return 0;
        for (int i = 0; i < villages.Count; i++)
            if (locators[i].Locate(at) != Location.Exterior) return i;
        //-- Not inside any village (villages leave a gap): the nearest one takes it.
        int best = 0;
        double bestDistance = double.MaxValue;
        for (int i = 0; i < villages.Count; i++)
        {
            double d = villages[i].Distance(face);
            if (d < bestDistance) (best, bestDistance) = (i, d);
        }
        return best;
    }
}
