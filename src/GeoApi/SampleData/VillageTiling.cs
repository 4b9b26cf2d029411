using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Triangulate;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>Village (村委会) boundaries that tile the township exactly: Voronoi cells of village
/// seats spread over the township (the town seat first), bent by a smooth fold-free warp so
/// borders wander like ridges and streams do, then cut by the outline on the 1e-7° grid. The
/// township is the union of the pieces, so there is no gap and no overlap by construction.
/// Each village is one polygon: stray pieces join the neighbour they share most border with.</summary>
internal static class VillageTiling
{
    private static readonly PrecisionModel Grid = new(1e7);

    /// <summary>Village polygons in lon/lat (index 0 around <paramref name="townSeat"/>) and the township.</summary>
    public static (List<Polygon> Villages, Polygon Township) Create(Polygon outline, Coordinate townSeat, double townClearance, int count, double radius,
        LocalFrame frame, Random rnd)
    {
        var seats = Seats(outline, townSeat, townClearance, count, radius, rnd);
        var voronoi = new VoronoiDiagramBuilder();
        voronoi.SetSites(seats);
        var env = outline.EnvelopeInternal.Copy();
        env.ExpandBy(radius);
        voronoi.ClipEnvelope = env;
        var cells = voronoi.GetDiagram(LocalFrame.Metric);
        var warp = new Warp(radius, rnd);
        var outlineLonLat = frame.Map(outline);
        var pieces = new List<Polygon>[seats.Count];
        for (int i = 0; i < cells.NumGeometries; i++)
        {
            var cell = (Polygon)cells.GetGeometryN(i);
            int k = seats.FindIndex(s => s.Equals2D((Coordinate)cell.UserData));
            var bent = LocalFrame.Metric.CreatePolygon(Densify(cell.ExteriorRing.Coordinates, 60).Select(warp.Apply).ToArray());
            var clipped = OverlayNG.Overlay(frame.Map(bent), outlineLonLat, SpatialFunction.Intersection, Grid);
            pieces[k] = Polygons(clipped).OrderByDescending(p => p.Area).ToList();
        }
        var villages = pieces.Select(p => p.Count > 0 ? p[0] : LocalFrame.LonLat.CreatePolygon()).ToList();
        //-- Strays (a warped cell cut in two by a bay of the outline) join their longest-bordering neighbour.
        var strays = pieces.SelectMany((p, k) => p.Skip(1).Select(g => (Owner: k, Piece: g))).OrderByDescending(s => s.Piece.Area).ToList();
        foreach (var (owner, piece) in strays)
        {
            int best = Enumerable.Range(0, villages.Count).Where(j => j != owner && !villages[j].IsEmpty)
                .Select(j => (j, shared: OverlayNG.Overlay(villages[j], piece, SpatialFunction.Intersection, Grid).Length))
                .OrderByDescending(x => x.shared).ThenBy(x => x.j).FirstOrDefault(x => x.shared > 0, (owner, 0)).j;
            var merged = Polygons(OverlayNG.Overlay(villages[best], piece, SpatialFunction.Union, Grid));
            if (merged.Count == 1) villages[best] = merged[0];
        }
        var township = Polygons(UnaryUnionNG.Union(LocalFrame.LonLat.BuildGeometry(villages.Where(v => !v.IsEmpty).ToList<Geometry>()), Grid));
        return (villages, township.OrderByDescending(p => p.Area).First());
    }

    /// <summary>Best-candidate sampling: each seat is the farthest of 40 random points from the seats
    /// so far and from the outline, never within <paramref name="townClearance"/> of the town seat.</summary>
    private static List<Coordinate> Seats(Polygon outline, Coordinate townSeat, double townClearance, int count, double radius, Random rnd)
    {
        var seats = new List<Coordinate> { townSeat };
        var env = outline.EnvelopeInternal;
        var edge = new NetTopologySuite.Operation.Distance.IndexedFacetDistance(outline.ExteriorRing);
        while (seats.Count <= count)
        {
            Coordinate? best = null;
            double bestScore = double.NegativeInfinity;
            for (int attempt = 0; attempt < 40; attempt++)
            {
                var c = new Coordinate(env.MinX + rnd.NextDouble() * env.Width, env.MinY + rnd.NextDouble() * env.Height);
                var p = LocalFrame.Metric.CreatePoint(c);
                if (!outline.Contains(p) || c.Distance(townSeat) < townClearance) continue;
                double score = Math.Min(seats.Min(s => s.Distance(c)), 2.2 * edge.Distance(p));
                if (score > bestScore) (best, bestScore) = (c, score);
            }
            seats.Add(best ?? new Coordinate(townSeat.X + radius * 0.7 * Math.Cos(seats.Count), townSeat.Y + radius * 0.5 * Math.Sin(seats.Count)));
        }
        return seats;
    }

    /// <summary>Points every <paramref name="step"/> metres along a ring. Each segment is
    /// interpolated from its lexicographically smaller end, so the two cells sharing an edge get
    /// identical points and stay a tiling after the warp.</summary>
    private static Coordinate[] Densify(Coordinate[] ring, double step)
    {
        var pts = new List<Coordinate>();
        for (int i = 1; i < ring.Length; i++)
        {
            Coordinate a = ring[i - 1], b = ring[i];
            bool flip = b.CompareTo(a) < 0;
            var (p, q) = flip ? (b, a) : (a, b);
            int n = Math.Max(1, (int)Math.Ceiling(p.Distance(q) / step));
            var seg = Enumerable.Range(0, n).Select(k => new Coordinate(p.X + (q.X - p.X) * k / n, p.Y + (q.Y - p.Y) * k / n)).ToList();
            seg.Add(q.Copy());
            if (flip) seg.Reverse();
            pts.AddRange(seg.Take(n));
        }
        pts.Add(pts[0].Copy());
        return pts.ToArray();
    }

    private static List<Polygon> Polygons(Geometry g) =>
        Enumerable.Range(0, g.NumGeometries).Select(g.GetGeometryN).OfType<Polygon>().Where(p => !p.IsEmpty).ToList();

    /// <summary>A smooth displacement of three sine waves whose slopes sum below 1, so the map is
    /// one-to-one: cells bend but never fold over each other.</summary>
    private sealed class Warp
    {
        private readonly (double Ax, double Ay, double Kx, double Ky, double Phase)[] _waves;

        public Warp(double radius, Random rnd)
        {
            _waves = new (double, double, double, double, double)[3];
            for (int i = 0; i < _waves.Length; i++)
            {
                double amplitude = 0.035 * radius, k = 2 * Math.PI / (0.7 * radius), dirA = rnd.NextDouble() * Math.PI, dirK = rnd.NextDouble() * Math.PI;
                _waves[i] = (amplitude * Math.Cos(dirA), amplitude * Math.Sin(dirA), k * Math.Cos(dirK), k * Math.Sin(dirK), rnd.NextDouble() * 6.28);
            }
        }

        public Coordinate Apply(Coordinate c)
        {
            double x = c.X, y = c.Y;
            foreach (var w in _waves)
            {
                double s = Math.Sin(w.Kx * c.X + w.Ky * c.Y + w.Phase);
                x += w.Ax * s;
                y += w.Ay * s;
            }
            return new Coordinate(x, y);
        }
    }
}
