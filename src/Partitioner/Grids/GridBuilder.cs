using GridSpatial.Partitioner.Graphs;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Grids;

/// <summary>Groups territory units (a cluster, a building with all its floor runs, or empty
/// land) into grids of about <see cref="PartitionOptions.GridTarget"/> households inside one
/// village: the same regionalization as micro-grids, one level up, on the adjacency of their
/// territories. A part of a village that touches no other (an exclave) joins the nearest grid.</summary>
internal sealed class GridBuilder(PartitionOptions options)
{
    /// <summary><see cref="Regionalizer.CutWeight"/> of grids: a grid's size unit is a tenth of its
    /// target (30 households), so a border through blocks weighs more than at micro-grid level.
    /// Measured on the shared townships: 300 against 3 takes grid borders on guides from 73–91 %
    /// to 83–96 %, every grid still in its band; 1,000 gains little and makes grids less compact.</summary>
    private const double GridCutWeight = 300;

    public List<List<int>> Build(IReadOnlyList<string> keys, IReadOnlyList<int> weights, IReadOnlyList<Coordinate> positions,
        IReadOnlyList<int> villages, IReadOnlyDictionary<(int, int), double> adjacency, IReadOnlyList<string?>? previousGrid = null,
        IReadOnlyDictionary<string, int>? previousSize = null, IReadOnlyDictionary<(int, int), double>? offGuide = null)
    {
        var graph = new UnitGraph(keys, weights, positions);
        foreach (var ((a, b), _) in adjacency.OrderBy(kv => kv.Key))
            if (villages[a] == villages[b]) graph.Connect(a, b, offGuide?.GetValueOrDefault((a, b)) ?? 0);

        int gridHardMin = Math.Max(1, options.GridMin / 2);
        int gridHardMax = options.GridMax + options.GridMax / 5;
        var band = new SizeBand(options.GridTarget, options.GridMin, options.GridMax, gridHardMin, gridHardMax);
        var regionalizer = new Regionalizer(graph, band) { CutWeight = GridCutWeight, LloydRounds = 0 };
        var seeded = new SeededRegionalizer(graph, band) { HardBoundsOnly = true, CutWeight = GridCutWeight, LloydRounds = 0 };
        var grids = new List<List<int>>();
        foreach (var village in villages.Distinct().Order())
        {
            var units = Enumerable.Range(0, keys.Count).Where(u => villages[u] == village).ToList();
            var comps = graph.Components(units);
            // Exclaves and islands below the grid minimum join the nearest larger part.
            var main = comps.Where(c => c.Sum(u => weights[u]) >= options.GridMin).ToList();
            if (main.Count == 0) main.Add(comps.MaxBy(c => (c.Sum(u => weights[u]), -c[0]))!);
            var attached = main.ToDictionary(c => c, _ => new List<int>());
            foreach (var c in comps.Where(c => !main.Contains(c)))
            {
                var target = main.MinBy(m => MinDistance(c, m, positions))!;
                attached[target].AddRange(c);
            }
            foreach (var m in main)
            {
                var parts = previousGrid is null ? regionalizer.Partition(m) : seeded.Partition(m, previousGrid, previousSize);
                //-- Attached islands go to the part nearest to them.
                foreach (var u in attached[m])
                    parts.MinBy(p => p.Min(v => positions[v].Distance(positions[u])))!.Add(u);
                foreach (var p in parts) p.Sort();
                grids.AddRange(parts);
            }
        }
        return grids;
    }

    private static double MinDistance(List<int> a, List<int> b, IReadOnlyList<Coordinate> positions) =>
        a.Min(u => b.Min(v => positions[u].Distance(positions[v])));
}
