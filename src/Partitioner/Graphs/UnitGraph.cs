using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Graphs;

/// <summary>Units to be grouped (sites into micro-grids, micro-grids into grids): weight,
/// position, a stable key, and adjacency (units whose territories share an edge).</summary>
public sealed class UnitGraph
{
    public UnitGraph(IReadOnlyList<string> keys, IReadOnlyList<int> weights, IReadOnlyList<Coordinate> positions)
    {
        Keys = keys;
        Weights = weights;
        Positions = positions;
        Adjacent = new List<int>[keys.Count];
        CutCost = new List<double>[keys.Count];
        for (int i = 0; i < keys.Count; i++) (Adjacent[i], CutCost[i]) = ([], []);
    }

    public IReadOnlyList<string> Keys { get; }
    public IReadOnlyList<int> Weights { get; }
    public IReadOnlyList<Coordinate> Positions { get; }
    public List<int>[] Adjacent { get; }

    /// <summary>Per unit, parallel to <see cref="Adjacent"/>: metres of the shared border that no
    /// street, barrier or village boundary runs along — what a border between the two costs.</summary>
    public List<double>[] CutCost { get; }
    public int Count => Keys.Count;

    public void Connect(int a, int b, double cutCost = 0)
    {
        if (a == b || Adjacent[a].Contains(b)) return;
        Adjacent[a].Add(b);
        Adjacent[b].Add(a);
        CutCost[a].Add(cutCost);
        CutCost[b].Add(cutCost);
    }

    /// <summary>Connected components of the given units using only edges accepted by <paramref name="keep"/>,
    /// each ordered by unit index, the list ordered by smallest index.</summary>
    public List<List<int>> Components(IReadOnlyCollection<int> units, Func<int, int, bool>? keep = null)
    {
        var inSet = new HashSet<int>(units);
        var seen = new HashSet<int>();
        var result = new List<List<int>>();
        foreach (var start in units.Order())
        {
            if (!seen.Add(start)) continue;
            var comp = new List<int> { start };
            var stack = new Stack<int>();
            stack.Push(start);
            while (stack.Count > 0)
            {
                int u = stack.Pop();
                foreach (var v in Adjacent[u])
                    if (inSet.Contains(v) && (keep is null || keep(u, v)) && seen.Add(v)) { comp.Add(v); stack.Push(v); }
            }
            comp.Sort();
            result.Add(comp);
        }
        return result;
    }
}
