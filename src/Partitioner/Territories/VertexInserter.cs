using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Territories;

/// <summary>Puts an edit's new vertices into the untouched territories whose edges they lie on.
/// Where a redrawn boundary meets a parent's border, the edited units gain a vertex on that
/// border; the unit across it was not rebuilt, so without this it would keep the longer edge
/// and the two would no longer share identical vertices (a valid coverage needs them to).
/// The test is made in metres, where edges are straight.</summary>
internal sealed class VertexInserter
{
    private const double Tolerance = 1e-5;
    private readonly MetricProjection _projection;
    private readonly STRtree<(Coordinate Metric, Coordinate LonLat)> _index = new();
    private readonly Envelope _extent = new();
    private readonly Dictionary<Geometry, Geometry> _done = new(ReferenceEqualityComparer.Instance);

    public VertexInserter(MetricProjection projection, IEnumerable<(Coordinate Metric, Coordinate LonLat)> vertices)
    {
        _projection = projection;
        foreach (var v in vertices)
        {
            _index.Insert(new Envelope(v.LonLat), v);
            _extent.ExpandToInclude(v.LonLat);
        }
        _index.Build();
    }

    public Geometry Apply(Geometry lonLat)
    {
        if (_extent.IsNull || !lonLat.EnvelopeInternal.Intersects(_extent)) return lonLat;
        if (_done.TryGetValue(lonLat, out var known)) return known;
        bool changed = false;
        var factory = lonLat.Factory;
        LinearRing Ring(LinearRing ring)
        {
            var src = ring.Coordinates;
            var result = new List<Coordinate>(src.Length) { src[0] };
            for (int i = 1; i < src.Length; i++)
            {
                var (a, b) = (src[i - 1], src[i]);
                var env = new Envelope(a, b);
                env.ExpandBy(1e-9);
                var hits = _index.Query(env);
                if (hits.Count > 0)
                {
                    var ma = _projection.Forward(a);
                    var mb = _projection.Forward(b);
                    var seg = new LineSegment(ma, mb);
                    foreach (var (m, ll) in hits.Select(h => (h.Metric, h.LonLat, F: seg.ProjectionFactor(h.Metric))).Where(h => h.F > 0 && h.F < 1)
                                 .Where(h => seg.Distance(h.Metric) < Tolerance && h.Metric.Distance(ma) > Tolerance && h.Metric.Distance(mb) > Tolerance)
                                 .OrderBy(h => h.F).Select(h => (h.Metric, h.LonLat)))
                    {
                        if (ll.Equals2D(result[^1])) continue;
                        result.Add(ll.Copy());
                        changed = true;
                    }
                }
                result.Add(b);
            }
            return factory.CreateLinearRing(result.ToArray());
        }
        Polygon Poly(Polygon p) => factory.CreatePolygon(Ring((LinearRing)p.ExteriorRing), p.InteriorRings.Select(r => Ring((LinearRing)r)).ToArray());
        Geometry output = lonLat switch
        {
            Polygon p => Poly(p),
            MultiPolygon mp => factory.CreateMultiPolygon(Enumerable.Range(0, mp.NumGeometries).Select(i => Poly((Polygon)mp.GetGeometryN(i))).ToArray()),
            _ => lonLat,
        };
        var kept = changed ? output : lonLat;
        _done[lonLat] = kept;
        return kept;
    }
}
