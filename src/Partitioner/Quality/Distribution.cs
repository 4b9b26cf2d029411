namespace GridSpatial.Partitioner.Quality;

/// <summary>Min, 5th percentile, median, 95th percentile and max (linear interpolation between
/// order statistics, as numpy's default).</summary>
public sealed record Distribution(double Min, double P5, double Median, double P95, double Max)
{
    public static Distribution Of(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return new Distribution(0, 0, 0, 0, 0);
        return new Distribution(v[0], Percentile(v, 5), Percentile(v, 50), Percentile(v, 95), v[^1]);
    }

    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return 0;
        double rank = p / 100 * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
