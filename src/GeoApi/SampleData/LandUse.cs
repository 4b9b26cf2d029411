using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Distance;
using NetTopologySuite.Operation.Polygonize;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>Where a dwelling may stand, in the local frame: which village and which face (the
/// township cut by rivers and roads, as the partitioner and the scorer cut it, and further by
/// village borders, streams and gullies) a point is in, how far it is from barriers, streams and
/// gullies, village borders and water, and whether a spot is still free. A settlement kept inside
/// one face is never split by a barrier, a border or a gully.</summary>
internal sealed class LandUse
{
    private const double Cell = 20;
    private readonly List<(Polygon Face, IndexedPointInAreaLocator Locator)> _faces = [];
    private readonly List<(Polygon Village, IndexedPointInAreaLocator Locator, IndexedFacetDistance Edge)> _villages;
    private readonly IndexedFacetDistance _barriers, _water;
    private readonly IndexedFacetDistance? _guides;
    private readonly Dictionary<(long, long), List<Coordinate>> _taken = [];

    /// <param name="guides">Streams and gullies: they cut faces like barriers, but roads may run beside them.</param>
    public LandUse(Polygon outline, IReadOnlyList<Polygon> villages, IReadOnlyList<LineString> barriers, IReadOnlyList<LineString> water,
        IReadOnlyList<LineString> guides)
    {
        var f = LocalFrame.Metric;
        //-- Guides are lengthened 5 m at both ends so they are noded where they end on a border or on water.
        var lines = f.BuildGeometry(barriers.Concat(guides.Select(g => VillageTiling.Extend(g, 5))).Concat(villages.Select(v => v.ExteriorRing))
            .Append<Geometry>(outline.ExteriorRing).ToList());
        var polygonizer = new Polygonizer();
        polygonizer.Add(NetTopologySuite.Operation.OverlayNG.OverlayNGRobust.Union(lines));
        foreach (var face in polygonizer.GetPolygons().OfType<Polygon>().Where(p => outline.Contains(p.InteriorPoint)))
            _faces.Add((face, new IndexedPointInAreaLocator(face)));
        _villages = villages.Select(v => (v, new IndexedPointInAreaLocator(v), new IndexedFacetDistance(v.Boundary))).ToList();
        _barriers = new IndexedFacetDistance(f.BuildGeometry(barriers.ToList<Geometry>()));
        _water = new IndexedFacetDistance(f.BuildGeometry(water.ToList<Geometry>()));
        _guides = guides.Count == 0 ? null : new IndexedFacetDistance(f.BuildGeometry(guides.ToList<Geometry>()));
    }

    public int FaceAt(Coordinate c)
    {
        for (int i = 0; i < _faces.Count; i++)
            if (_faces[i].Face.EnvelopeInternal.Contains(c) && _faces[i].Locator.Locate(c) == Location.Interior) return i;
        return -1;
    }

    public int VillageAt(Coordinate c)
    {
        for (int i = 0; i < _villages.Count; i++)
            if (_villages[i].Village.EnvelopeInternal.Contains(c) && _villages[i].Locator.Locate(c) == Location.Interior) return i;
        return -1;
    }

    public Polygon Village(int v) => _villages[v].Village;

    public Polygon Face(int face) => _faces[face].Face;

    public double GuideDistance(Coordinate c) => _guides?.Distance(LocalFrame.Metric.CreatePoint(c)) ?? double.PositiveInfinity;

    public double BorderDistance(int village, Coordinate c) => _villages[village].Edge.Distance(LocalFrame.Metric.CreatePoint(c));

    public double BarrierDistance(Coordinate c) => _barriers.Distance(LocalFrame.Metric.CreatePoint(c));

    public double WaterDistance(Coordinate c) => _water.Distance(LocalFrame.Metric.CreatePoint(c));

    /// <summary>Whether no taken spot lies within <paramref name="spacing"/> metres (at most 40).</summary>
    public bool IsFree(Coordinate c, double spacing)
    {
        var (ix, iy) = Key(c);
        for (long dx = -2; dx <= 2; dx++)
        for (long dy = -2; dy <= 2; dy++)
            if (_taken.TryGetValue((ix + dx, iy + dy), out var list) && list.Any(p => p.Distance(c) < spacing)) return false;
        return true;
    }

    public void Take(Coordinate c)
    {
        var key = Key(c);
        if (!_taken.TryGetValue(key, out var list)) _taken[key] = list = [];
        list.Add(c);
    }

    private static (long, long) Key(Coordinate c) => ((long)Math.Floor(c.X / Cell), (long)Math.Floor(c.Y / Cell));
}
