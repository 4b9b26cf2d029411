using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay.Snap;
using GridSpatial.Partitioner.Projection;

namespace GridSpatial.Partitioner.Editing;

/// <summary>Nodes the cells' boundaries with the edit's linework on the partitioner's 1 µm grid
/// and polygonizes: every face lies in exactly one old cell (the first, by index, whose interior
/// holds the face's interior point), which it starts out owned by.</summary>
internal static class ScopeFaces
{
    /// <summary>Metres within which a drawn vertex is taken to mean the cell's vertex or edge.</summary>
    private const double SnapToleranceM = 0.001;

    public static List<Face> Of(IReadOnlyList<Cell> cells, Geometry? drawn)
    {
        var factory = cells[0].Metric.Factory;
        var lines = cells.Select(c => c.Metric.Boundary).ToList();
        if (drawn is not null)
        {
            //-- A drawn vertex a hair from a cell's vertex or edge (a box around a territory, a line
            //-- through a corner) is snapped onto it: else noding leaves a sliver micrometres wide
            //-- whose interior point no cell holds, and the coverage gets a gap there.
            var outline = drawn is Polygon or MultiPolygon ? drawn.Boundary : drawn;
            var snapped = new GeometrySnapper(outline).SnapTo(factory.BuildGeometry(lines), SnapToleranceM);
            snapped.Apply(CoordinateMapper.Precise(TownshipPartitioner.Precision));
            snapped.GeometryChanged();
            lines.Add(snapped);
        }
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
