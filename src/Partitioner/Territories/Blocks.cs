using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace GridSpatial.Partitioner.Territories;

/// <summary>The township's faces (barriers, village boundaries) cut further by streets into
/// blocks: the land a person would outline between streets. A household standing on a street
/// or barrier line gets a small disc of its own, so it lies inside a block rather than on its
/// edge. Blocks come out in a stable order, each with its face.</summary>
internal sealed class Blocks
{
    /// <summary>Radius (metres) of the disc around a household on a line.</summary>
    public const double DiscRadius = 0.5;

    /// <summary>Metres: a location closer than this to an edge counts as standing on it.</summary>
    private const double NearEdge = 0.01;

    private readonly STRtree<int> _index = new();
    private readonly IndexedPointInAreaLocator[] _locators;

    private Blocks(List<Polygon> polygons, int[] face, IReadOnlySet<Coordinate> discs)
    {
        Discs = discs;
        Polygons = polygons;
        Face = face;
        _locators = polygons.Select(p => new IndexedPointInAreaLocator(p)).ToArray();
        for (int i = 0; i < polygons.Count; i++) _index.Insert(polygons[i].EnvelopeInternal, i);
        _index.Build();
    }

    public IReadOnlyList<Polygon> Polygons { get; }

    /// <summary>Locations that got a disc: every block of the disc belongs to the location's site.</summary>
    public IReadOnlySet<Coordinate> Discs { get; }

    /// <summary>Face of every block.</summary>
    public IReadOnlyList<int> Face { get; }

    public static Blocks Build(Geometry township, IReadOnlyList<Face> faces, Geometry faceLinework,
        IReadOnlyList<Geometry> streets, IEnumerable<Coordinate> locations, PrecisionModel precision)
    {
        var factory = township.Factory;
        var lines = new List<Geometry> { faceLinework };
        if (streets.Count > 0)
        {
            //-- Only streets that leave the township are clipped; the others are noded as drawn.
            var within = PreparedGeometryFactory.Prepare(township);
            var leaving = new List<Geometry>();
            foreach (var street in streets)
                if (within.ContainsProperly(street)) lines.Add(street);
                else leaving.Add(street);
            if (leaving.Count > 0)
            {
                var inside = OverlayNG.Overlay(factory.BuildGeometry(leaving), township, SpatialFunction.Intersection, precision);
                if (!inside.IsEmpty) lines.Add(inside);
            }
        }
        //-- A location within a hair of an edge (a household drawn on a street, rounded onto the
        //-- precision grid) would end up on its territory's border or just outside it. Found on the
        //-- lines before noding (which moves them by a micrometre at most), so the township is noded once.
        var edges = new STRtree<LineSegment>();
        foreach (var line in lines.SelectMany(Linear).SelectMany(l => Enumerable.Range(0, l.NumGeometries).Select(l.GetGeometryN)))
        {
            var cs = line.Coordinates;
            for (int k = 0; k + 1 < cs.Length; k++) edges.Insert(new Envelope(cs[k], cs[k + 1]), new LineSegment(cs[k], cs[k + 1]));
        }
        bool NearLine(Coordinate at)
        {
            var near = new Envelope(at);
            near.ExpandBy(NearEdge);
            return edges.Query(near).Any(e => e.Distance(at) < NearEdge);
        }
        var faceIndex = new STRtree<Face>();
        foreach (var f in faces) faceIndex.Insert(f.Polygon.EnvelopeInternal, f);
        faceIndex.Build();
        var faceLocators = faces.Select(f => new IndexedPointInAreaLocator(f.Polygon)).ToArray();
        bool InFace(Coordinate at) => faceIndex.Query(new Envelope(at)).Any(f => faceLocators[f.Index].Locate(at) != Location.Exterior);
        var discs = locations.Distinct().Where(at => !InFace(at) || NearLine(at)).ToList();
        foreach (var at in discs) lines.Add(factory.CreatePoint(at).Buffer(DiscRadius, 4).Boundary);

        var noded = FaceBuilder.Node(factory.BuildGeometry(lines.SelectMany(Linear).ToList()), precision);
        var found = new List<(Polygon Polygon, Coordinate At, int Face)>();
        foreach (var p in FaceBuilder.Polygonize(noded))
        {
            var at = p.InteriorPoint.Coordinate;
            var face = faceIndex.Query(new Envelope(at)).OrderBy(f => f.Index)
                .FirstOrDefault(f => faceLocators[f.Index].Locate(at) == Location.Interior);
            if (face is not null) found.Add((p, at, face.Index));
        }
        found.Sort((a, b) => a.At.X != b.At.X ? a.At.X.CompareTo(b.At.X) : a.At.Y.CompareTo(b.At.Y));
        return new Blocks(found.Select(f => f.Polygon).ToList(), found.Select(f => f.Face).ToArray(), discs.ToHashSet());
    }

    /// <summary>The block holding <paramref name="at"/> (in its interior, else on its edge), or -1.</summary>
    public int Locate(Coordinate at, out bool onEdge)
    {
        onEdge = false;
        int edgeBlock = -1;
        foreach (var b in _index.Query(new Envelope(at)).Order())
        {
            var loc = _locators[b].Locate(at);
            if (loc == Location.Interior) return b;
            if (loc == Location.Boundary && edgeBlock < 0) edgeBlock = b;
        }
        onEdge = edgeBlock >= 0;
        return edgeBlock;
    }

    /// <summary>The blocks of a location: the one holding it, or for a location with a disc every
    /// block of its disc (a street through the disc halves it) and every block around the disc,
    /// so the site's Voronoi cell reaches on beyond its disc as it would without one.</summary>
    public IEnumerable<int> Of(Coordinate at)
    {
        if (!Discs.Contains(at))
        {
            int b = Locate(at, out _);
            if (b >= 0) yield return b;
            yield break;
        }
        var near = new Envelope(at);
        near.ExpandBy(DiscRadius * 1.01);
        var point = Polygons[0].Factory.CreatePoint(at);
        foreach (var b in _index.Query(near).Order())
            if (Polygons[b].Distance(point) <= DiscRadius * 1.01) yield return b;
    }

    private static IEnumerable<Geometry> Linear(Geometry g)
    {
        if (g is GeometryCollection gc) { for (int i = 0; i < gc.NumGeometries; i++) foreach (var x in Linear(gc.GetGeometryN(i))) yield return x; }
        else if (g is LineString) yield return g;
        else if (g is Polygon p) yield return p.Boundary;
    }
}
