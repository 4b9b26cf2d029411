namespace GridSpatial.Partitioner.Graphs;

/// <summary>Household bounds of one level: aim for <see cref="Target"/>, stay in
/// [<see cref="Min"/>, <see cref="Max"/>], never leave [<see cref="HardMin"/>, <see cref="HardMax"/>]
/// unless the sites themselves force it.</summary>
public sealed record SizeBand(int Target, int Min, int Max, int HardMin, int HardMax)
{
    /// <summary>How many parts a connected group of weight <paramref name="w"/> splits into: the
    /// count whose mean lies in [Min, Max] closest to Target, else the one closest to Target
    /// that keeps parts under HardMax.</summary>
    public int PartsFor(int w)
    {
        if (w <= Max) return 1;
        int lo = (int)Math.Ceiling(w / (double)Max), hi = w / Min;
        if (lo <= hi)
        {
            int best = lo;
            for (int k = lo; k <= hi; k++)
                if (Math.Abs(w / (double)k - Target) < Math.Abs(w / (double)best - Target)) best = k;
            return best;
        }
        if (w <= HardMax) return 1;
        return Math.Max((int)Math.Round(w / (double)Target), (int)Math.Ceiling(w / (double)HardMax));
    }

    /// <summary>Cost of a part of weight w: squared deviation from target inside the band (in
    /// tenths of the target), a step outside it, a wall outside the hard bounds.</summary>
    public double Cost(int w)
    {
        double unit = Math.Max(1.0, Target / 10.0);
        double dev = (w - Target) / unit;
        if (w >= Min && w <= Max) return dev * dev;
        double outBand = (w < Min ? Min - w : w - Max) / unit;
        if (w >= HardMin && w <= HardMax) return 20 + 10 * outBand + dev * dev;
        double outHard = (w < HardMin ? HardMin - w : w - HardMax) / unit;
        return 1000 + 100 * outHard + 10 * outBand + dev * dev;
    }
}
