using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace GridSpatial.Partitioner.Quality;

/// <summary>DESIGN §5 <c>territory_stability</c>: of the micro-grids whose household set is the
/// same in both versions (exactly the households of one earlier micro-grid), the share whose
/// territory did not change: symmetric difference with the earlier territory under
/// <see cref="Tolerance"/> in the metric CRS. An earlier micro-grid without a territory counts as
/// changed. Rounded to 4 places; null when no micro-grid kept its households.</summary>
internal static class TerritoryStability
{
    /// <summary>Square metres.</summary>
    public const double Tolerance = 1;

    /// <summary>Metres a vertex may move with the territory still unchanged without an overlay:
    /// edges whose ends each move by d sweep at most 2·d·(perimeter + vertices·d).</summary>
    private const double Nudge = 1e-6;

    public static double? Of(MeasuredPartition p, MeasuredPrevious previous)
    {
        var before = previous.MicroGridOfHousehold;
        var size = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var code in before.Values) size[code] = size.GetValueOrDefault(code) + 1;
        var members = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var a in p.Assignments)
        {
            if (!members.TryGetValue(a.MicroGridCode, out var list)) members[a.MicroGridCode] = list = [];
            list.Add(a.HouseholdId);
        }

        int same = 0, kept = 0;
        foreach (var m in p.MicroGrids)
        {
            if (!members.TryGetValue(m.Code, out var ids) || !before.TryGetValue(ids[0], out var old)
                || size[old] != ids.Count || ids.Any(id => !before.TryGetValue(id, out var o) || o != old))
                continue;
            same++;
            if (previous.Territory.GetValueOrDefault(old) is { } was && Unchanged(p.UnitTerritories[m.Unit], previous.UnitLonLat[m.Unit], was, previous.ToMetric))
                kept++;
        }
        return same == 0 ? null : Math.Round(kept / (double)same, 4);
    }

    /// <summary>Whether the territory moved by less than the tolerance: the same lon/lat vertices
    /// (rings may start elsewhere), or the same metric vertices to a micrometre on a territory
    /// short enough that this cannot add up to a square metre, or else the symmetric difference
    /// measured.</summary>
    private static bool Unchanged(Geometry metric, Geometry lonLat, Geometry earlierLonLat, Func<Geometry, Geometry> toMetric)
    {
        //-- A territory carried over is the earlier version's object itself.
        if (ReferenceEquals(lonLat, earlierLonLat) || lonLat.EqualsExact(earlierLonLat) || lonLat.EqualsNormalized(earlierLonLat)) return true;
        var earlier = toMetric(earlierLonLat);
        if (Math.Abs(metric.Area - earlier.Area) >= Tolerance) return false;
        if (2 * Nudge * (metric.Length + metric.NumPoints * Nudge) < Tolerance)
        {
            if (metric.EqualsExact(earlier, Nudge)) return true;
            //-- A neighbour's redrawn border often only added a vertex on this territory's edge: the same
            //-- shape once vertices within a micrometre of their neighbours' segment are dropped (each
            //-- dropped vertex moves the border by under a micrometre, as above).
            var a = WithoutStraightVertices(metric);
            var b = WithoutStraightVertices(earlier);
            if (a is not null && b is not null && a.Normalized().EqualsExact(b.Normalized(), Nudge)) return true;
        }
        return SymDifferenceArea(toMetric(lonLat), earlier) < Tolerance;
    }

    /// <summary>The area of the symmetric difference of two territories projected from lon/lat alike (so the
    /// vertices they share are the same doubles), measured where their borders differ: once both are
    /// normalized, a directed edge found in both has the same side inside in both, so the difference is
    /// bounded by the edges found in one only and lies within their envelope. Both are clipped to it (a
    /// metre wider) before the overlay: a neighbour redrawn along one stretch of a long border no longer
    /// costs an overlay of the whole territory (14 ms each in a drifted township's recompute).</summary>
    internal static double SymDifferenceArea(Geometry a, Geometry b)
    {
        a = a.Normalized();
        b = b.Normalized();
        var edgesA = Edges(a);
        var edgesB = Edges(b);
        var differ = new Envelope();
        foreach (var e in edgesA) if (!edgesB.Contains(e)) Expand(differ, e);
        foreach (var e in edgesB) if (!edgesA.Contains(e)) Expand(differ, e);
        if (differ.IsNull) return 0;
        differ.ExpandBy(1);
        if (differ.Covers(a.EnvelopeInternal) && differ.Covers(b.EnvelopeInternal))
            return OverlayNGRobust.Overlay(a, b, SpatialFunction.SymDifference).Area;
        var clip = a.Factory.ToGeometry(differ);
        return OverlayNGRobust.Overlay(OverlayNGRobust.Overlay(a, clip, SpatialFunction.Intersection),
            OverlayNGRobust.Overlay(b, clip, SpatialFunction.Intersection), SpatialFunction.SymDifference).Area;

        static void Expand(Envelope e, (double X1, double Y1, double X2, double Y2) edge)
        {
            e.ExpandToInclude(edge.X1, edge.Y1);
            e.ExpandToInclude(edge.X2, edge.Y2);
        }
    }

    /// <summary>Every ring's edges, directed as the ring runs.</summary>
    private static HashSet<(double, double, double, double)> Edges(Geometry polygonal)
    {
        var edges = new HashSet<(double, double, double, double)>();
        foreach (var ring in Territories.SharedEdges.Rings(polygonal))
        {
            var seq = ring.CoordinateSequence;
            for (int k = 1; k < seq.Count; k++) edges.Add((seq.GetX(k - 1), seq.GetY(k - 1), seq.GetX(k), seq.GetY(k)));
        }
        return edges;
    }

    /// <summary>The polygon(s) with every vertex that lies within <see cref="Nudge"/> of the segment
    /// joining its neighbours removed, or null when that would leave a ring of fewer than three corners.</summary>
    private static Geometry? WithoutStraightVertices(Geometry polygonal)
    {
        var polygons = new List<Polygon>();
        for (int i = 0; i < polygonal.NumGeometries; i++)
        {
            if (polygonal.GetGeometryN(i) is not Polygon p) return null;
            var shell = Straightened(p.Shell.Coordinates, p.Factory);
            var holes = p.Holes.Select(h => Straightened(h.Coordinates, p.Factory)).ToArray();
            if (shell is null || holes.Any(h => h is null)) return null;
            polygons.Add(p.Factory.CreatePolygon(shell, holes!));
        }
        return polygons.Count == 1 ? polygons[0] : polygonal.Factory.CreateMultiPolygon([.. polygons]);
    }

    private static LinearRing? Straightened(Coordinate[] ring, GeometryFactory factory)
    {
        //-- The ring without its closing point; a vertex goes when it lies on the segment of the kept one
        //-- before it and the next one, checked around the ring until nothing more goes.
        var kept = new List<Coordinate>(ring.AsSpan(0, ring.Length - 1).ToArray());
        for (bool removed = true; removed && kept.Count > 3;)
        {
            removed = false;
            for (int i = 0; i < kept.Count && kept.Count > 3; i++)
            {
                var before = kept[(i + kept.Count - 1) % kept.Count];
                var after = kept[(i + 1) % kept.Count];
                if (NetTopologySuite.Algorithm.DistanceComputer.PointToSegment(kept[i], before, after) <= Nudge)
                {
                    kept.RemoveAt(i);
                    removed = true;
                    i--;
                }
            }
        }
        if (kept.Count < 3) return null;
        kept.Add(kept[0]);
        return factory.CreateLinearRing([.. kept]);
    }
}
