namespace GridSpatial.Partitioner.Quality;

/// <summary>Sets of parameter intervals in [0, 1].</summary>
internal static class Intervals
{
    /// <summary>Sorted, with overlapping and touching intervals joined, in place.</summary>
    public static List<(double From, double To)> Merge(List<(double From, double To)> intervals)
    {
        if (intervals.Count <= 1) return intervals;
        intervals.Sort();
        int last = 0;
        for (int i = 1; i < intervals.Count; i++)
        {
            var (from, to) = intervals[i];
            if (from <= intervals[last].To) intervals[last] = (intervals[last].From, Math.Max(intervals[last].To, to));
            else intervals[++last] = (from, to);
        }
        intervals.RemoveRange(last + 1, intervals.Count - last - 1);
        return intervals;
    }

    public static double Length(List<(double From, double To)> merged)
    {
        double sum = 0;
        foreach (var (from, to) in merged) sum += to - from;
        return sum;
    }

    /// <summary>The length of the intersection of two merged sets.</summary>
    public static double Common(List<(double From, double To)> x, List<(double From, double To)> y)
    {
        double sum = 0;
        int i = 0, j = 0;
        while (i < x.Count && j < y.Count)
        {
            double from = Math.Max(x[i].From, y[j].From), to = Math.Min(x[i].To, y[j].To);
            if (to > from) sum += to - from;
            if (x[i].To < y[j].To) i++;
            else j++;
        }
        return sum;
    }
}
