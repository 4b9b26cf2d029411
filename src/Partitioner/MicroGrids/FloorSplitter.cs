using GridSpatial.Partitioner.Households;

namespace GridSpatial.Partitioner.MicroGrids;

/// <summary>Splits a large building into runs of consecutive floors of about
/// <see cref="PartitionOptions.FloorTargetHouseholds"/> households, never above
/// <see cref="PartitionOptions.FloorSplitAboveHouseholds"/>: an exact dynamic programme over
/// floor boundaries minimising the squared deviation from the target. A single floor with
/// more households than the cap is cut into equal chunks of that floor.</summary>
public sealed class FloorSplitter(PartitionOptions options)
{
    /// <summary>Keeps the previous floor runs of the building when they still hold at most the cap
    /// and do not interleave: new households join the run whose floors hold theirs.</summary>
    public IReadOnlyList<(int FloorFrom, int FloorTo, IReadOnlyList<Household> Households)> Split(
        IReadOnlyList<Household> households, IReadOnlyDictionary<string, string>? previous)
    {
        if (previous is not null && Keep(households, previous) is { } kept) return kept;
        return Split(households);
    }

    private List<(int, int, IReadOnlyList<Household>)>? Keep(IReadOnlyList<Household> households, IReadOnlyDictionary<string, string> previous)
    {
        var runs = households.Where(h => previous.ContainsKey(h.Id)).GroupBy(h => previous[h.Id], StringComparer.Ordinal)
            .Select(g => (From: g.Min(h => h.Floor ?? 1), To: g.Max(h => h.Floor ?? 1)))
            .OrderBy(r => r.From).ThenBy(r => r.To).ToList();
        if (runs.Count < 2) return null;
        for (int i = 1; i < runs.Count; i++)
            if (runs[i].From <= runs[i - 1].To) return null;
        var members = runs.Select(_ => new List<Household>()).ToList();
        foreach (var h in households.OrderBy(h => h.Id, StringComparer.Ordinal))
        {
            int f = h.Floor ?? 1;
            int best = 0;
            for (int i = 0; i < runs.Count; i++)
                if (Math.Abs(Math.Clamp(f, runs[i].From, runs[i].To) - f) < Math.Abs(Math.Clamp(f, runs[best].From, runs[best].To) - f)) best = i;
            members[best].Add(h);
        }
        if (members.Any(m => m.Count == 0 || m.Count > options.FloorSplitAboveHouseholds)) return null;
        return members.Select(m => (m.Min(h => h.Floor ?? 1), m.Max(h => h.Floor ?? 1), (IReadOnlyList<Household>)m)).ToList();
    }

    public IReadOnlyList<(int FloorFrom, int FloorTo, IReadOnlyList<Household> Households)> Split(IReadOnlyList<Household> households)
    {
        int cap = options.FloorSplitAboveHouseholds;
        int target = options.FloorTargetHouseholds;
        //-- Steps: whole floors, or chunks of a floor too large for one run.
        var steps = new List<(int Floor, List<Household> Households)>();
        foreach (var floor in households.GroupBy(h => h.Floor ?? 1).OrderBy(g => g.Key))
        {
            var members = floor.OrderBy(h => h.Id, StringComparer.Ordinal).ToList();
            int chunks = (members.Count + cap - 1) / cap;
            for (int c = 0; c < chunks; c++)
            {
                int from = c * members.Count / chunks, to = (c + 1) * members.Count / chunks;
                steps.Add((floor.Key, members.GetRange(from, to - from)));
            }
        }

        int n = steps.Count;
        var best = new double[n + 1];
        var cut = new int[n + 1];
        Array.Fill(best, double.MaxValue);
        best[0] = 0;
        for (int end = 1; end <= n; end++)
        {
            int w = 0;
            for (int start = end - 1; start >= 0; start--)
            {
                w += steps[start].Households.Count;
                if (w > cap) break;
                double cost = best[start] + (w - target) * (double)(w - target);
                if (cost < best[end]) (best[end], cut[end]) = (cost, start);
            }
        }

        var runs = new List<(int, int, IReadOnlyList<Household>)>();
        for (int end = n; end > 0; end = cut[end])
        {
            int start = cut[end];
            var members = steps.Skip(start).Take(end - start).SelectMany(s => s.Households).ToList();
            runs.Add((steps[start].Floor, steps[end - 1].Floor, members));
        }
        runs.Reverse();
        return runs;
    }
}
