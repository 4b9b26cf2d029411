namespace GridSpatial.Partitioner.Quality;

/// <summary>DESIGN §5 <c>code_stability</c>: of the households present in both versions, the
/// share whose micro-grid code did not change (rounded to 4 places); null when none is in both.</summary>
public static class CodeStability
{
    public static double? Of(IEnumerable<Assignment> assignments, IReadOnlyDictionary<string, string> previousMicroGridOfHousehold)
    {
        int both = 0, same = 0;
        foreach (var a in assignments)
            if (previousMicroGridOfHousehold.TryGetValue(a.HouseholdId, out var old))
            {
                both++;
                if (old == a.MicroGridCode) same++;
            }
        return both == 0 ? null : Math.Round(same / (double)both, 4);
    }
}
