using GridSpatial.Partitioner.Graphs;
using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Territories;

namespace GridSpatial.Partitioner.MicroGrids;

/// <summary>Groups the sites that take the cluster rule into contiguous, compact clusters of
/// about <see cref="PartitionOptions.ClusterTarget"/> households. Sites are neighbours when
/// their territories share an edge, so every cluster's territory is connected. Hamlets are the
/// groups of one barrier face joined by neighbours closer than the isolation distance; a
/// hamlet too small to stand alone joins a neighbouring hamlet of its face, and one below the
/// hard minimum joins a neighbouring building of its face (that building's micro-grid takes
/// it in), or else a neighbouring hamlet across a barrier — never across the border of a
/// departmental unit the partition nests in (<see cref="Face.Zone"/>): there it stands alone.</summary>
internal sealed class ClusterBuilder(PartitionOptions options)
{
    /// <summary>Hamlets that stood alone below the hard minimum because nothing touched them.</summary>
    public int StrandedHamlets { get; private set; }

    /// <summary>Small hamlets taken in by the micro-grid of a neighbouring building: building site → cluster sites.</summary>
    public Dictionary<int, List<int>> AttachedToBuilding { get; } = [];

    /// <param name="previousCode">Per site, the micro-grid most of its households had in the
    /// previous partition (null when new); when given, clusters start from those.</param>
    public List<List<int>> Build(IReadOnlyList<Site> sites, IReadOnlyList<int> siteFace, IReadOnlyList<Face> faces,
        IReadOnlyDictionary<(int, int), double> siteAdjacency, IReadOnlyList<string?>? previousCode = null,
        IReadOnlyDictionary<string, int>? previousSize = null, IReadOnlyDictionary<(int, int), double>? siteOffGuide = null)
    {
        var clusterSites = Enumerable.Range(0, sites.Count).Where(s => !sites[s].IsBuilding).ToList();
        var local = new Dictionary<int, int>();
        for (int i = 0; i < clusterSites.Count; i++) local[clusterSites[i]] = i;
        var graph = new UnitGraph(
            clusterSites.Select(s => sites[s].Key).ToList(),
            clusterSites.Select(s => sites[s].Weight).ToList(),
            clusterSites.Select(s => sites[s].Centre).ToList());
        foreach (var ((a, b), _) in siteAdjacency.OrderBy(kv => kv.Key))
            if (a >= 0 && b >= 0 && local.TryGetValue(a, out var la) && local.TryGetValue(b, out var lb))
                graph.Connect(la, lb, siteOffGuide?.GetValueOrDefault((a, b)) ?? 0);
        int FaceOf(int u) => siteFace[clusterSites[u]];
        int VillageOf(int u) => faces[FaceOf(u)].Village;
        //-- A departmental border the partition nests in binds even below the hard minimum (0 everywhere otherwise).
        int ZoneOf(int u) => faces[FaceOf(u)].Zone;
        double Distance(int u, int v) => graph.Positions[u].Distance(graph.Positions[v]);

        // Hamlets: per face, neighbours within the isolation distance.
        var hamletOf = new int[graph.Count];
        var hamlets = new List<List<int>>();
        foreach (var comp in graph.Components(Enumerable.Range(0, graph.Count).ToList(),
                     (u, v) => FaceOf(u) == FaceOf(v) && Distance(u, v) <= options.IsolationDistanceM))
        {
            foreach (var u in comp) hamletOf[u] = hamlets.Count;
            hamlets.Add(comp);
        }

        var buildingNeighbours = new Dictionary<int, List<int>>();
        foreach (var ((a, b), _) in siteAdjacency.OrderBy(kv => kv.Key))
        {
            if (a < 0 || b < 0 || sites[a].IsBuilding == sites[b].IsBuilding || siteFace[a] != siteFace[b]) continue;
            var (c, bld) = sites[a].IsBuilding ? (b, a) : (a, b);
            if (!buildingNeighbours.TryGetValue(local[c], out var list)) buildingNeighbours[local[c]] = list = [];
            list.Add(bld);
        }

        int Weight(List<int> h) => h.Sum(u => graph.Weights[u]);
        Merge(options.ClusterMin, sameFace: true);
        AttachToBuildings();
        Merge(options.ClusterHardMin, sameFace: false);

        void AttachToBuildings()
        {
            var taken = new Dictionary<int, int>();
            for (int h = 0; h < hamlets.Count; h++)
            {
                int w = Weight(hamlets[h]);
                if (hamlets[h].Count == 0 || w >= options.ClusterHardMin) continue;
                int best = -1;
                double bestDistance = double.MaxValue;
                foreach (var u in hamlets[h])
                    foreach (var b in buildingNeighbours.GetValueOrDefault(u) ?? [])
                    {
                        if (sites[b].Weight + taken.GetValueOrDefault(b) + w > options.FloorSplitAboveHouseholds) continue;
                        double d = sites[b].Centre.Distance(graph.Positions[u]);
                        if (d < bestDistance || (d == bestDistance && b < best)) (best, bestDistance) = (b, d);
                    }
                if (best < 0) continue;
                taken[best] = taken.GetValueOrDefault(best) + w;
                if (!AttachedToBuilding.TryGetValue(best, out var list)) AttachedToBuilding[best] = list = [];
                list.AddRange(hamlets[h].Select(u => clusterSites[u]));
                hamlets[h] = [];
            }
        }

        void Merge(int below, bool sameFace)
        {
            while (true)
            {
                var small = Enumerable.Range(0, hamlets.Count)
                    .Where(h => hamlets[h].Count > 0 && Weight(hamlets[h]) < below)
                    .OrderBy(h => Weight(hamlets[h])).ThenBy(h => hamlets[h][0]);
                bool merged = false;
                foreach (var h in small)
                {
                    int best = -1;
                    double bestDistance = double.MaxValue;
                    foreach (var u in hamlets[h])
                        foreach (var v in graph.Adjacent[u])
                        {
                            int other = hamletOf[v];
                            if (other == h) continue;
                            if (sameFace ? FaceOf(u) != FaceOf(v) : VillageOf(u) != VillageOf(v) || ZoneOf(u) != ZoneOf(v)) continue;
                            double d = Distance(u, v);
                            if (d < bestDistance || (d == bestDistance && other < best)) (best, bestDistance) = (other, d);
                        }
                    if (best < 0) continue;
                    foreach (var u in hamlets[h]) hamletOf[u] = best;
                    hamlets[best].AddRange(hamlets[h]);
                    hamlets[best].Sort();
                    hamlets[h] = [];
                    merged = true;
                    break;
                }
                if (!merged) return;
            }
        }

        var band = new SizeBand(options.ClusterTarget, options.ClusterMin, options.ClusterMax, options.ClusterHardMin, options.ClusterHardMax);
        var regionalizer = new Regionalizer(graph, band);
        var seeded = new SeededRegionalizer(graph, band);
        var seeds = previousCode is null ? null : clusterSites.Select(s => previousCode[s]).ToList();
        var clusters = new List<List<int>>();
        foreach (var h in hamlets.Where(h => h.Count > 0).OrderBy(h => h[0]))
        {
            if (Weight(h) < options.ClusterHardMin) StrandedHamlets++;
            var parts = seeds is null ? regionalizer.Partition(h) : seeded.Partition(h, seeds, previousSize);
            foreach (var part in parts)
                clusters.Add(part.Select(u => clusterSites[u]).ToList());
        }
        return clusters;
    }
}
