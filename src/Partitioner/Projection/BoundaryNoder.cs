using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Distance;

namespace GridSpatial.Partitioner.Projection;

/// <summary>Brings the points of villages and barriers that lie on the township boundary onto
/// it, in the metric CRS. An edge that is straight in lon/lat bows slightly once projected
/// (about a centimetre over a kilometre), so a village corner or a barrier end that sits on a
/// township edge in lon/lat lands a hair inside or outside it in metres, and would stop cutting.
/// A point within <see cref="Tolerance"/> of the boundary moves to its nearest boundary point;
/// the township itself never moves.</summary>
public sealed class BoundaryNoder
{
    /// <summary>Metres.</summary>
    public double Tolerance { get; init; } = 0.5;

    public List<Geometry> Node(Geometry township, IReadOnlyList<Geometry> others)
    {
        var facets = new IndexedFacetDistance(township.Boundary);
        var moved = new Dictionary<Coordinate, Coordinate>();
        foreach (var c in others.SelectMany(g => g.Coordinates))
        {
            if (moved.ContainsKey(c)) continue;
            var pt = township.Factory.CreatePoint(c);
            double d = facets.Distance(pt);
            if (d == 0 || d > Tolerance) continue;
            moved[c] = facets.NearestPoints(pt)[0];
        }
        if (moved.Count == 0) return others.ToList();
        return others.Select(g =>
        {
            var copy = CoordinateMapper.Map(g, c => moved.TryGetValue(c, out var to) ? to : c);
            return copy.IsValid ? copy : g;
        }).ToList();
    }
}
