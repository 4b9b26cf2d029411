using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Quality;

/// <summary>Shows from the polygons' edges alone that valid polygons overlap nowhere, and gives
/// their union, in time linear in their vertices. With shells counter-clockwise and holes
/// clockwise, the number of polygons over a point is the winding number of all their rings
/// together; a segment met by its reverse (an edge two polygons share) adds nothing to it, so it
/// is the winding number of the segments left over. When those form the rings of one valid
/// polygonal geometry, that number is 0 or 1 everywhere: no point lies in two polygons, and the
/// geometry is their union. Anything else (an invalid polygon, edges that do not match vertex
/// for vertex, rings of the union touching at a vertex) proves nothing: null, and the caller
/// measures the slow way.</summary>
internal static class ExactCoverage
{
    public static Geometry? Union(IReadOnlyList<Geometry> polygons, GeometryFactory factory)
    {
        if (OpenSegments(polygons) is not { } open) return null;
        var next = new Dictionary<Coordinate, Coordinate>(open.Count);
        foreach (var ((from, to), n) in open)
            if (n != 1 || !next.TryAdd(from, to)) return null;

        var shells = new List<LinearRing>();
        var holes = new List<LinearRing>();
        var done = new HashSet<Coordinate>();
        foreach (var start in next.Keys)
        {
            if (done.Contains(start)) continue;
            var ring = new List<Coordinate> { start };
            var at = start;
            do
            {
                done.Add(at);
                if (!next.TryGetValue(at, out var to) || ring.Count > next.Count) return null;
                ring.Add(at = to);
            }
            while (!at.Equals2D(start));
            if (ring.Count < 4) return null;
            var linear = factory.CreateLinearRing(ring.ToArray());
            (Orientation.IsCCW(linear.CoordinateSequence) ? shells : holes).Add(linear);
        }

        var holesOf = shells.Select(_ => new List<LinearRing>()).ToArray();
        var shellArea = shells.Select(s => Area.OfRing(s.CoordinateSequence)).ToArray();
        foreach (var hole in holes)
        {
            int owner = -1;
            for (int s = 0; s < shells.Count; s++)
                if (shells[s].EnvelopeInternal.Contains(hole.EnvelopeInternal)
                    && PointLocation.IsInRing(hole.Coordinates[0], shells[s].Coordinates)
                    && (owner < 0 || shellArea[s] < shellArea[owner]))
                    owner = s;
            if (owner < 0) return null;
            holesOf[owner].Add(hole);
        }
        var parts = shells.Select((s, i) => factory.CreatePolygon(s, holesOf[i].ToArray())).ToArray();
        Geometry union = parts.Length == 1 ? parts[0] : factory.CreateMultiPolygon(parts);
        return union.IsValid ? union : null;
    }

    /// <summary>The segments the polygons' rings leave over (each ring in its polygon's turning sense, a
    /// segment met by its reverse cancelled), with how many times each; null when one is not a valid polygon.</summary>
    internal static Dictionary<(Coordinate From, Coordinate To), int>? OpenSegments(IReadOnlyList<Geometry> polygons)
    {
        var open = new Dictionary<(Coordinate From, Coordinate To), int>();
        foreach (var g in polygons)
        {
            if (!IsValid(g)) return null;
            for (int i = 0; i < g.NumGeometries; i++)
            {
                if (g.GetGeometryN(i) is not Polygon p) return null;
                Add(p.ExteriorRing.CoordinateSequence, counterClockwise: true, open);
                foreach (var hole in p.InteriorRings) Add(hole.CoordinateSequence, counterClockwise: false, open);
            }
        }
        return open;
    }

    /// <summary>Polygons found valid, each with the <see cref="Territories.GeometryStamp"/> it had then (one
    /// changed in place since is checked again): a local recompute's report measures the territories it
    /// carried over again (the same objects, <see cref="MetricTerritories"/>), and checking validity was
    /// most of this union's time.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Geometry, object> Valid = [];

    private static bool IsValid(Geometry g)
    {
        long stamp = Territories.GeometryStamp.Of(g);
        if (Valid.TryGetValue(g, out var checkedAt) && (long)checkedAt == stamp) return true;
        if (!g.IsValid) return false;
        Valid.AddOrUpdate(g, stamp);
        return true;
    }

    /// <summary>Adds the ring's segments in the given turning sense, cancelling any met in reverse.</summary>
    private static void Add(CoordinateSequence ring, bool counterClockwise, Dictionary<(Coordinate, Coordinate), int> open)
    {
        bool reverse = Orientation.IsCCW(ring) != counterClockwise;
        for (int i = 1; i < ring.Count; i++)
        {
            var a = ring.GetCoordinate(i - 1);
            var b = ring.GetCoordinate(i);
            if (a.Equals2D(b)) continue;
            if (reverse) (a, b) = (b, a);
            if (open.TryGetValue((b, a), out var back))
            {
                if (back == 1) open.Remove((b, a));
                else open[(b, a)] = back - 1;
            }
            else open[(a, b)] = open.GetValueOrDefault((a, b)) + 1;
        }
    }
}
