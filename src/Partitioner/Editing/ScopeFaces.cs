using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Editing;

/// <summary>Nodes the cells' boundaries with the edit's linework on the partitioner's 1 µm grid
/// and polygonizes: every face lies in exactly one old cell (the first, by index, whose interior
/// holds the face's interior point), which it starts out owned by.</summary>
internal static class ScopeFaces
{
    public static List<Face> Of(IReadOnlyList<Cell> cells, Geometry? drawn)
    {
        var factory = cells[0].Metric.Factory;
        var lines = cells.Select(c => c.Metric.Boundary).ToList();
        if (drawn is not null) lines.Add(drawn is Polygon or MultiPolygon ? drawn.Boundary : drawn);
        var noded = FaceBuilder.Node(factory.BuildGeometry(lines), TownshipPartitioner.Precision);
        var index = new STRtree<Cell>();
        foreach (var c in cells) index.Insert(c.Metric.EnvelopeInternal, c);
        index.Build();
        var locators = new Dictionary<int, IndexedPointInAreaLocator>();
        var faces = new List<Face>();
        foreach (var p in FaceBuilder.Polygonize(noded))
        {
            if (p.Area <= 0) continue;
            var at = p.InteriorPoint.Coordinate;
            foreach (var c in index.Query(new Envelope(at)).OrderBy(c => c.Index))
            {
                if (!locators.TryGetValue(c.Index, out var loc)) locators[c.Index] = loc = new IndexedPointInAreaLocator(c.Metric);
                if (loc.Locate(at) != Location.Interior) continue;
                faces.Add(new Face(p, c));
                break;
            }
        }
        return faces;
    }
}
