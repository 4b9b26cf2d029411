namespace GridSpatial.Partitioner.Graphs;

/// <summary>Regionalization that starts from the previous partition, so codes stay stable
/// (DESIGN §8.7): units keep their previous part when it is still connected, new units join
/// the smallest neighbouring part, and only parts that left the size band are split, or merged
/// with a neighbour and re-split. Units no previous part reaches are regionalized afresh.</summary>
public sealed class SeededRegionalizer(UnitGraph graph, SizeBand band)
{
    /// <summary>Previous parts are re-split only when they leave the hard bounds rather than the
    /// band (hysteresis: grids should not churn for a household more or less).</summary>
    public bool HardBoundsOnly { get; init; }

    /// <summary><see cref="Regionalizer.CutWeight"/> of the parts split afresh.</summary>
    public double CutWeight { get; init; } = Regionalizer.DefaultCutWeight;

    /// <summary><see cref="Regionalizer.LloydRounds"/> of the parts split afresh.</summary>
    public int LloydRounds { get; init; } = Regionalizer.DefaultLloydRounds;

    /// <param name="previousWeight">Weight of each previous part; a part is left as it is only
    /// when it still has exactly that weight and nothing joined or left it.</param>
    public List<List<int>> Partition(IReadOnlyList<int> component, IReadOnlyList<string?> seed, IReadOnlyDictionary<string, int>? previousWeight = null)
    {
        _stuck.Clear();
        _intact.Clear();
        var fresh = new Regionalizer(graph, band) { CutWeight = CutWeight, LloydRounds = LloydRounds };
        var inSet = new HashSet<int>(component);
        var partOf = new Dictionary<int, int>();
        var parts = new List<HashSet<int>>();

        // 1. Previous parts, as labels.
        var label = new Dictionary<int, string>();
        foreach (var u in component)
            if (seed[u] is { } s) label[u] = s;

        // 2. New units take the label of a neighbour, preferring one whose part they reconnect
        //    (a new site between two halves of a cluster), else the lightest neighbouring part.
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var labelWeight = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (u, l) in label) labelWeight[l] = labelWeight.GetValueOrDefault(l) + graph.Weights[u];
        for (bool more = true; more;)
        {
            more = false;
            foreach (var u in component.Order())
            {
                if (label.ContainsKey(u)) continue;
                var around = graph.Adjacent[u].Where(v => inSet.Contains(v) && label.ContainsKey(v)).Select(v => label[v]).ToList();
                if (around.Count == 0) continue;
                var pick = around.GroupBy(l => l, StringComparer.Ordinal)
                    .OrderByDescending(g => g.Count() > 1 ? 1 : 0)
                    .ThenBy(g => labelWeight[g.Key])
                    .ThenBy(g => g.Key, StringComparer.Ordinal)
                    .First().Key;
                label[u] = pick;
                labelWeight[pick] += graph.Weights[u];
                changed.Add(pick);
                more = true;
            }
        }

        // 3. Each part keeps its largest connected piece; cut-off pieces join the lightest
        //    neighbouring part, wave by wave.
        foreach (var group in label.GroupBy(kv => kv.Value, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var comps = graph.Components(group.Select(kv => kv.Key).ToList());
            var keep = comps.MaxBy(c => (c.Sum(u => graph.Weights[u]), -c[0]))!;
            if (comps.Count > 1) changed.Add(group.Key);
            var p = new HashSet<int>(keep);
            foreach (var u in keep) partOf[u] = parts.Count;
            if (!changed.Contains(group.Key) && previousWeight is not null
                && previousWeight.TryGetValue(group.Key, out var before) && before == keep.Sum(u => graph.Weights[u]))
                _intact.Add(parts.Count);
            parts.Add(p);
        }
        bool progress = true;
        while (progress)
        {
            progress = false;
            foreach (var u in component.Order())
            {
                if (partOf.ContainsKey(u)) continue;
                int best = -1;
                foreach (var v in graph.Adjacent[u])
                    if (inSet.Contains(v) && partOf.TryGetValue(v, out var p) && (best < 0 || Weight(parts[p]) < Weight(parts[best]) || (Weight(parts[p]) == Weight(parts[best]) && p < best)))
                        best = p;
                if (best < 0) continue;
                partOf[u] = best;
                parts[best].Add(u);
                _intact.Remove(best);
                progress = true;
            }
        }

        // 4. What no previous part reaches is regionalized afresh.
        var rest = component.Where(u => !partOf.ContainsKey(u)).ToList();
        foreach (var comp in graph.Components(rest))
            foreach (var p in fresh.Partition(comp))
                Add(p);

        // 5. Parts that left the band: split, or merge with a neighbour and re-split.
        int rounds = 2 * parts.Count + 4;
        for (int round = 0; round < rounds; round++)
        {
            int bad = -1;
            for (int p = 0; p < parts.Count; p++)
                if (parts[p].Count > 0 && OutOfBand(Weight(parts[p])) && !Stuck(p) && !_intact.Contains(p)) { bad = p; break; }
            if (bad < 0) break;
            int w = Weight(parts[bad]);
            if (w > (HardBoundsOnly ? band.HardMax : band.Max) && band.PartsFor(w) >= 2)
            {
                Replace([bad], fresh.Partition(parts[bad].Order().ToList()));
                continue;
            }
            //-- Merge with the neighbour that gives the best re-split; accept only if it helps. A part below
            //-- the hard minimum counts the neighbour's score too (two parts of one merge into a part of two,
            //-- still below the hard minimum, but one part so is better than two); others their own only.
            var best = (Part: -1, Gain: 0.0);
            foreach (var q in Neighbours(bad).Order())
            {
                int total = w + Weight(parts[q]);
                int k = band.PartsFor(total);
                double before = w < band.HardMin ? BandScore([w, Weight(parts[q])]) : BandScore([w]);
                double gain = before - BandScore(Enumerable.Repeat(total / Math.Max(1, k), k).ToArray());
                if (gain > best.Gain + 1e-9) best = (q, gain);
            }
            if (best.Part < 0) { _stuck.Add(bad); continue; }
            var union = parts[bad].Concat(parts[best.Part]).Order().ToList();
            Replace([bad, best.Part], fresh.Partition(union));
        }

        return parts.Where(p => p.Count > 0).Select(p => p.Order().ToList()).OrderBy(p => p[0]).ToList();

        int Weight(HashSet<int> p) => p.Sum(u => graph.Weights[u]);

        void Add(List<int> units)
        {
            foreach (var u in units) partOf[u] = parts.Count;
            parts.Add([.. units]);
        }

        void Replace(int[] old, List<List<int>> pieces)
        {
            foreach (var p in old) { parts[p] = []; _stuck.Remove(p); _intact.Remove(p); }
            foreach (var piece in pieces) Add(piece);
        }

        IEnumerable<int> Neighbours(int p) => parts[p]
            .SelectMany(u => graph.Adjacent[u])
            .Where(v => inSet.Contains(v) && partOf[v] != p)
            .Select(v => partOf[v])
            .Distinct();

        bool Stuck(int p) => _stuck.Contains(p);
    }

    private readonly HashSet<int> _stuck = [];

    /// <summary>Parts exactly as before (nothing joined, nothing cut off): left alone even when
    /// outside the band, so an unchanged township recomputes to the same partition.</summary>
    private readonly HashSet<int> _intact = [];

    private bool OutOfBand(int w) => HardBoundsOnly ? w < band.HardMin || w > band.HardMax : w < band.Min || w > band.Max;

    private double BandScore(int[] weights) => weights.Sum(w => OutOfBand(w) ? (w < band.HardMin || w > band.HardMax ? 100 : 1) : 0);
}
