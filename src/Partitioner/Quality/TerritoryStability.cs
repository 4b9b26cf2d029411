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
        if (lonLat.EqualsExact(earlierLonLat) || lonLat.EqualsNormalized(earlierLonLat)) return true;
        var earlier = toMetric(earlierLonLat);
        if (Math.Abs(metric.Area - earlier.Area) >= Tolerance) return false;
        if (2 * Nudge * (metric.Length + metric.NumPoints * Nudge) < Tolerance && metric.EqualsExact(earlier, Nudge)) return true;
        return OverlayNGRobust.Overlay(metric, earlier, SpatialFunction.SymDifference).Area < Tolerance;
    }
}
