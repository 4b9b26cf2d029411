using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Graphs;

/// <summary>One Lloyd step under a size cap, on a graph: each part's weighted centre stays, every
/// unit goes to the nearest centre that still has room (pairs taken nearest first), then each
/// part keeps its heaviest connected piece and the cut-off units join a neighbouring part, wave
/// by wave. Ordered by distance, then unit and part index, so the result does not depend on
/// input order.</summary>
internal static class BalancedAssignment
{
    /// <summary>Centres each unit may go to, nearest first.</summary>
    private const int Nearest = 6;

    /// <returns>The new parts, all connected; null when a unit could not be placed.</returns>
    public static List<List<int>>? Of(UnitGraph graph, SizeBand band, IReadOnlyList<List<int>> parts)
    {
        int k = parts.Count;
        var centres = parts.Select(p => Centre(graph, p)).ToArray();
        var units = parts.SelectMany(p => p).Order().ToArray();
        var pairs = new List<(double D, int Unit, int Part)>(units.Length * Math.Min(k, Nearest));
        foreach (var u in units)
        {
            var at = graph.Positions[u];
            foreach (var p in Enumerable.Range(0, k).OrderBy(p => centres[p].Distance(at)).ThenBy(p => p).Take(Nearest))
                pairs.Add((centres[p].Distance(at), u, p));
        }
        pairs.Sort();
        var part = new Dictionary<int, int>();
        var weight = new int[k];
        foreach (var (_, u, p) in pairs)
        {
            if (part.ContainsKey(u) || weight[p] + graph.Weights[u] > band.Max) continue;
            part[u] = p;
            weight[p] += graph.Weights[u];
        }

        // Connected: each part keeps its heaviest piece; the rest (and units with no room) wait.
        var members = new List<int>[k];
        for (int p = 0; p < k; p++) members[p] = [];
        foreach (var u in units) if (part.TryGetValue(u, out var p)) members[p].Add(u);
        for (int p = 0; p < k; p++)
        {
            var pieces = graph.Components(members[p]);
            if (pieces.Count <= 1) continue;
            var keep = pieces.MaxBy(c => (c.Sum(u => graph.Weights[u]), -c[0]))!;
            foreach (var c in pieces.Where(c => !ReferenceEquals(c, keep)))
                foreach (var u in c) part.Remove(u);
        }
        var waiting = units.Where(u => !part.ContainsKey(u)).ToList();
        while (waiting.Count > 0)
        {
            var placed = new List<(int Unit, int Part)>();
            foreach (var u in waiting)
            {
                int best = -1;
                foreach (var v in graph.Adjacent[u])
                    if (part.TryGetValue(v, out var q) && (best < 0 || weight[q] < weight[best] || (weight[q] == weight[best] && q < best))) best = q;
                if (best >= 0) placed.Add((u, best));
            }
            if (placed.Count == 0) return null;
            foreach (var (u, p) in placed)
            {
                part[u] = p;
                weight[p] += graph.Weights[u];
            }
            waiting = units.Where(u => !part.ContainsKey(u)).ToList();
        }
        var result = new List<int>[k];
        for (int p = 0; p < k; p++) result[p] = [];
        foreach (var u in units) result[part[u]].Add(u);
        return result.Where(p => p.Count > 0).ToList();
    }

    private static Coordinate Centre(UnitGraph graph, List<int> part)
    {
        double w = 0, x = 0, y = 0;
        foreach (var u in part)
        {
            double wu = Math.Max(1, graph.Weights[u]);
            w += wu;
            x += wu * graph.Positions[u].X;
            y += wu * graph.Positions[u].Y;
        }
        return new Coordinate(x / w, y / w);
    }
}
