using GridSpatial.Partitioner.Households;

namespace GridSpatial.Partitioner.MicroGrids;

/// <summary>Splits a large building into floor micro-grids. When its households carry units
/// (单元), the split follows units first: a unit of at most
/// <see cref="PartitionOptions.FloorSplitAboveHouseholds"/> households is one micro-grid (all its
/// floors), a larger one is split into runs of its floors; households without a unit form a group
/// of their own; no run ever mixes units. A building without units, and each large unit, is split
/// into runs of consecutive floors of about <see cref="PartitionOptions.FloorTargetHouseholds"/>
/// households, never above the cap: an exact dynamic programme over floor boundaries minimising
/// the squared deviation from the target. A single floor with more households than the cap is cut
/// into equal chunks of that floor. Units come in their natural order
/// (<see cref="BuildingUnit.Order"/>), runs in floor order.</summary>
public sealed class FloorSplitter(PartitionOptions options)
{
    /// <summary>The building's floor runs. With <paramref name="previous"/> (household id → previous
    /// micro-grid code), a group keeps its previous floor runs when they still hold at most the cap
    /// and do not interleave: new households join the run whose floors hold theirs.</summary>
    public IReadOnlyList<FloorRun> Split(IReadOnlyList<Household> households, IReadOnlyDictionary<string, string>? previous = null)
    {
        var groups = households.GroupBy(h => BuildingUnit.Normalize(h.Unit), StringComparer.Ordinal)
            .OrderBy(g => g.Key, BuildingUnit.Order).ToList();
        if (groups.Count == 1 && groups[0].Key is null) return Runs(households, null, previous);
        var runs = new List<FloorRun>();
        foreach (var unit in groups)
        {
            var members = unit.OrderBy(h => h.Id, StringComparer.Ordinal).ToList();
            if (members.Count <= options.FloorSplitAboveHouseholds)
                runs.Add(new FloorRun(unit.Key, members.Min(Floor), members.Max(Floor), members));
            else
                runs.AddRange(Runs(members, unit.Key, previous));
        }
        return runs;
    }

    private static int Floor(Household h) => h.Floor ?? 1;

    private List<FloorRun> Runs(IReadOnlyList<Household> households, string? unit, IReadOnlyDictionary<string, string>? previous) =>
        (previous is null ? null : Keep(households, unit, previous)) ?? Optimal(households, unit);

    private List<FloorRun>? Keep(IReadOnlyList<Household> households, string? unit, IReadOnlyDictionary<string, string> previous)
    {
        var runs = households.Where(h => previous.ContainsKey(h.Id)).GroupBy(h => previous[h.Id], StringComparer.Ordinal)
            .Select(g => (From: g.Min(Floor), To: g.Max(Floor)))
            .OrderBy(r => r.From).ThenBy(r => r.To).ToList();
        if (runs.Count < 2) return null;
        for (int i = 1; i < runs.Count; i++)
            if (runs[i].From <= runs[i - 1].To) return null;
        var members = runs.Select(_ => new List<Household>()).ToList();
        foreach (var h in households.OrderBy(h => h.Id, StringComparer.Ordinal))
        {
            int f = Floor(h);
            int best = 0;
            for (int i = 0; i < runs.Count; i++)
                if (Math.Abs(Math.Clamp(f, runs[i].From, runs[i].To) - f) < Math.Abs(Math.Clamp(f, runs[best].From, runs[best].To) - f)) best = i;
            members[best].Add(h);
        }
        if (members.Any(m => m.Count == 0 || m.Count > options.FloorSplitAboveHouseholds)) return null;
        return members.Select(m => new FloorRun(unit, m.Min(Floor), m.Max(Floor), m)).ToList();
    }

    private List<FloorRun> Optimal(IReadOnlyList<Household> households, string? unit)
    {
        int cap = options.FloorSplitAboveHouseholds;
        int target = options.FloorTargetHouseholds;
        //-- Steps: whole floors, or chunks of a floor too large for one run.
        var steps = new List<(int Floor, List<Household> Households)>();
        foreach (var floor in households.GroupBy(Floor).OrderBy(g => g.Key))
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

        var runs = new List<FloorRun>();
        for (int end = n; end > 0; end = cut[end])
        {
            int start = cut[end];
            var members = steps.Skip(start).Take(end - start).SelectMany(s => s.Households).ToList();
            runs.Add(new FloorRun(unit, steps[start].Floor, steps[end - 1].Floor, members));
        }
        runs.Reverse();
        return runs;
    }
}
