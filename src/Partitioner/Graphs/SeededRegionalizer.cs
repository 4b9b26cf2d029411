namespace GridSpatial.Partitioner.Graphs;

/// <summary>Regionalization that starts from the previous partition, so codes stay stable
/// (DESIGN §8.7): units keep their previous part when it is still connected, new units join
/// the smallest neighbouring part, and only parts that left the size band change: first by the
/// fewest units shifted between them and their neighbours, else split, or merged with a neighbour
/// and re-split. Units no previous part reaches are regionalized afresh.</summary>
public sealed class SeededRegionalizer(UnitGraph graph, SizeBand band)
{
    /// <summary>Previous parts are re-split only when they leave the hard bounds rather than the
    /// band (hysteresis: grids should not churn for a household more or less), unless their weight
    /// moved by half the target or more since the previous partition.</summary>
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
        var previousOf = new Dictionary<int, int>();
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
            if (previousWeight is not null && previousWeight.TryGetValue(group.Key, out var was)) previousOf[parts.Count] = was;
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

        // 5. Parts that left the band: units shifted with their neighbours, else split, or merged with a
        //    neighbour and re-split.
        int rounds = 2 * parts.Count + 4;
        for (int round = 0; round < rounds; round++)
        {
            int bad = -1;
            for (int p = 0; p < parts.Count; p++)
                if (parts[p].Count > 0 && Outside(p, Weight(parts[p])) && !Stuck(p) && !_intact.Contains(p)) { bad = p; break; }
            if (bad < 0) break;
            int w = Weight(parts[bad]);
            var (lo, hi) = Bounds(bad, w);
            //-- First by the fewest households: units shifted between the part and its neighbours. A grid that
            //-- grew past its bounds sheds a micro-grid or two rather than splitting (which would re-code all of
            //-- them); a micro-grid that did splits in two of about the target, leaving its neighbours room.
            bool heavy = w > hi && band.PartsFor(w) >= 2;
            if ((HardBoundsOnly || !heavy) && Shift(bad, lo, hi)) continue;
            if (heavy)
            {
                Replace([bad], fresh.Partition(parts[bad].Order().ToList()));
                continue;
            }
            //-- Else merge with a neighbour and split the two afresh, the neighbours tried by the gain an even
            //-- split would give; a merge is kept only when the actual split helps (sites are indivisible: two
            //-- parts of 6 and 10 may split into 6 and 10 again, and every household would have been moved for
            //-- nothing). A part below the hard minimum counts the neighbour's score too (two parts of one merge
            //-- into a part of two, still below the hard minimum, but one part so is better than two); others
            //-- their own only.
            var tries = new List<(int Part, double Before, double Gain)>();
            foreach (var q in Neighbours(bad).Order())
            {
                int total = w + Weight(parts[q]);
                int k = band.PartsFor(total);
                double before = w < band.HardMin ? BandScore([w, Weight(parts[q])]) : BandScore([w]);
                double gain = before - BandScore(Enumerable.Repeat(total / Math.Max(1, k), k).ToArray());
                if (gain > 1e-9) tries.Add((q, before, gain));
            }
            bool merged = false;
            foreach (var (q, before, _) in tries.OrderByDescending(t => t.Gain).ThenBy(t => t.Part))
            {
                var pieces = fresh.Partition(parts[bad].Concat(parts[q]).Order().ToList());
                if (before - BandScore(pieces.Select(Weight).ToArray()) <= 1e-9) continue;
                Replace([bad, q], pieces);
                merged = true;
                break;
            }
            if (!merged) _stuck.Add(bad);
        }

        return parts.Where(p => p.Count > 0).Select(p => p.Order().ToList()).OrderBy(p => p[0]).ToList();

        int Weight(IEnumerable<int> p) => p.Sum(u => graph.Weights[u]);

        void Add(List<int> units)
        {
            foreach (var u in units) partOf[u] = parts.Count;
            parts.Add([.. units]);
        }

        void Replace(int[] old, List<List<int>> pieces)
        {
            foreach (var p in old) { parts[p] = []; _stuck.Remove(p); _intact.Remove(p); previousOf.Remove(p); }
            foreach (var piece in pieces) Add(piece);
        }

        //-- The part and its neighbours as a local search that may only repair the part (LocalSearch.Repair);
        //-- the parts it changed take their new members in place.
        bool Shift(int bad, int min, int max)
        {
            var involved = new List<int> { bad };
            involved.AddRange(Neighbours(bad).Order());
            if (involved.Count == 1) return false;
            var search = new LocalSearch(graph, band, involved.Select(p => (IReadOnlyList<int>)parts[p].Order().ToList()).ToList(), fresh.CompactnessWeight, CutWeight);
            if (!search.Repair(0, (i, w) => i == 0 ? (min, max) : Bounds(involved[i], w), MaxShiftMoves)) return false;
            for (int i = 0; i < involved.Count; i++)
            {
                var members = search.Members(i);
                int p = involved[i];
                if (members.Count == parts[p].Count && members.All(parts[p].Contains)) continue;
                parts[p] = [.. members];
                foreach (var u in members) partOf[u] = p;
                _intact.Remove(p);
                _stuck.Remove(p);
            }
            return true;
        }

        //-- The bounds a part must keep: the band, or with HardBoundsOnly the hard bounds, unless the part
        //-- drifted from its previous weight by half the target or more (a grid half emptied is
        //-- recomputed to the band; one a household lighter is left alone).
        (int Lo, int Hi) Bounds(int p, int w) =>
            !HardBoundsOnly || (previousOf.TryGetValue(p, out var was) && Math.Abs(w - was) >= Math.Max(1, band.Target / 2))
                ? (band.Min, band.Max) : (band.HardMin, band.HardMax);

        bool Outside(int p, int w)
        {
            var (lo, hi) = Bounds(p, w);
            return w < lo || w > hi;
        }

        IEnumerable<int> Neighbours(int p) => parts[p]
            .SelectMany(u => graph.Adjacent[u])
            .Where(v => inSet.Contains(v) && partOf[v] != p)
            .Select(v => partOf[v])
            .Distinct();

        bool Stuck(int p) => _stuck.Contains(p);
    }

    /// <summary>Units a part out of its bounds may take from or give to its neighbours before it is
    /// merged and split afresh instead (which moves more households).</summary>
    private const int MaxShiftMoves = 4;

    private readonly HashSet<int> _stuck = [];

    /// <summary>Parts exactly as before (nothing joined, nothing cut off): never mended themselves even
    /// when outside the band, so an unchanged township recomputes to the same partition (a neighbour
    /// out of its band may still take or give one of their units).</summary>
    private readonly HashSet<int> _intact = [];

    /// <summary>Outside the hard bounds 100 per part, outside the band 1.</summary>
    private double BandScore(int[] weights) => weights.Sum(w => w < band.HardMin || w > band.HardMax ? 100 : w < band.Min || w > band.Max ? 1 : 0);
}
