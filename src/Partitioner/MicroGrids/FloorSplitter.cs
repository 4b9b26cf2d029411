using GridSpatial.Partitioner.Households;

namespace GridSpatial.Partitioner.MicroGrids;

/// <summary>Splits a large building into runs of consecutive floors of about
/// <see cref="PartitionOptions.FloorTargetHouseholds"/> households, never above
/// <see cref="PartitionOptions.FloorSplitAboveHouseholds"/>: an exact dynamic programme over
/// floor boundaries minimising the squared deviation from the target. A single floor with
/// more households than the cap is cut into equal chunks of that floor.</summary>
public sealed class FloorSplitter(PartitionOptions options)
{
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
