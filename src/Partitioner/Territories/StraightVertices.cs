using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Territories;

/// <summary>Vertices a coverage keeps for no reason: a point of a border between two territories
/// (the same two neighbours on the ring of each, no third territory meeting there) that lies on the
/// straight line between those neighbours. Such a vertex is what is left of a junction after the
/// border that met there was redrawn elsewhere; unremoved, every local recompute left its junctions
/// behind and a tower's land grew from 27 vertices to 617 over 300 edits (half of them straight),
/// every one of them stored again with each of its floor runs whenever the land changed (#21).
/// The vertex goes from both sides at once, and from the grids' rings when it is on a grid border
/// too, so the coverage stays exact and nested. Only territories that change anyway lose vertices:
/// an unchanged unit stays byte for byte what it was (its row is not written again).</summary>
internal static class StraightVertices
{
    /// <summary>Metres off the line between its neighbours a vertex may be and still be straight: the
    /// tolerance a junction was put onto a border with (<see cref="VertexInserter"/>), so what goes is
    /// land of micrometres, never a corner a person drew.</summary>
    private const double StraightM = 1e-5;

    /// <summary>Each territory of <paramref name="changing"/> that loses vertices, mapped to itself without
    /// them; empty when nothing goes or when a territory would come out invalid (then nothing goes).</summary>
    /// <param name="micro">The micro-grid territories (floor runs share one object: counted once).</param>
    /// <param name="grids">The grid territories.</param>
    /// <param name="changing">The territories (by object) that are new in this partition anyway.</param>
    public static Dictionary<Geometry, Geometry> Drop(IEnumerable<Geometry> micro, IEnumerable<Geometry> grids, IReadOnlySet<Geometry> changing,
        MetricProjection projection)
    {
        var result = new Dictionary<Geometry, Geometry>(ReferenceEqualityComparer.Instance);
        var changedMicro = micro.Where(changing.Contains).Distinct(ReferenceEqualityComparer.Instance).Cast<Geometry>().ToList();
        if (changedMicro.Count == 0) return result;
        var extent = new Envelope();
        foreach (var t in changedMicro) extent.ExpandToInclude(t.EnvelopeInternal);
        var candidates = new HashSet<Coordinate>(changedMicro.SelectMany(t => t.Coordinates));
        //-- Where each candidate stands on every ring that has it: its territory, and its neighbours there.
        var seen = new Dictionary<Coordinate, List<(Geometry Owner, bool Grid, Coordinate Before, Coordinate After)>>();
        void Scan(IEnumerable<Geometry> territories, bool grid)
        {
            foreach (var t in territories.Distinct(ReferenceEqualityComparer.Instance).Cast<Geometry>())
            {
                if (!t.EnvelopeInternal.Intersects(extent)) continue;
                foreach (var ring in SharedEdges.Rings(t))
                {
                    var c = ring.Coordinates;
                    int n = c.Length - 1;
                    for (int i = 0; i < n; i++)
                    {
                        if (!candidates.Contains(c[i])) continue;
                        if (!seen.TryGetValue(c[i], out var list)) seen[c[i]] = list = [];
                        list.Add((t, grid, c[(i + n - 1) % n], c[(i + 1) % n]));
                    }
                }
            }
        }
        Scan(micro, grid: false);
        Scan(grids, grid: true);

        var drop = new HashSet<Coordinate>();
        foreach (var (v, at) in seen.OrderBy(kv => kv.Key))
        {
            var (a, b) = Pair(at[0].Before, at[0].After);
            if (drop.Contains(a) || drop.Contains(b)) continue;
            int microOwners = at.Count(x => !x.Grid), gridOwners = at.Count(x => x.Grid);
            //-- A border point: two territories either side (one would be the township's outline), and the
            //-- two grids either side when it is on a grid border; each once, each allowed to change.
            if (microOwners != 2 || gridOwners is not (0 or 2)) continue;
            if (at.Where(x => !x.Grid).Select(x => x.Owner).Distinct(ReferenceEqualityComparer.Instance).Count() != 2) continue;
            if (gridOwners == 2 && at.Where(x => x.Grid).Select(x => x.Owner).Distinct(ReferenceEqualityComparer.Instance).Count() != 2) continue;
            if (!at.All(x => changing.Contains(x.Owner) && Same(Pair(x.Before, x.After), (a, b)))) continue;
            var (vm, am, bm) = (projection.Forward(v), projection.Forward(a), projection.Forward(b));
            var segment = new LineSegment(am, bm);
            double f = segment.ProjectionFactor(vm);
            if (f <= 0 || f >= 1 || DistanceComputer.PointToSegment(vm, am, bm) > StraightM) continue;
            drop.Add(v);
        }
        if (drop.Count == 0) return result;
        foreach (var owner in seen.Where(kv => drop.Contains(kv.Key)).SelectMany(kv => kv.Value).Select(x => x.Owner).Distinct(ReferenceEqualityComparer.Instance).Cast<Geometry>())
        {
            var without = VertexMap.Apply(owner, c => drop.Contains(c) ? null : c);
            if (without is null) return new Dictionary<Geometry, Geometry>(ReferenceEqualityComparer.Instance);
            result[owner] = without;
        }
        return result;
    }

    /// <summary>Two neighbours, the smaller first: the same pair whichever way the ring runs.</summary>
    private static (Coordinate, Coordinate) Pair(Coordinate p, Coordinate q) => p.CompareTo(q) < 0 ? (p, q) : (q, p);

    private static bool Same((Coordinate, Coordinate) x, (Coordinate, Coordinate) y) => x.Item1.Equals2D(y.Item1) && x.Item2.Equals2D(y.Item2);
}
