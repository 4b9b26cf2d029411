namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>What changed from one crosswalk to another (a new version of the layer, of the
/// partition, or both): units added to or removed from the layer, and for every unit in both, the
/// grids and micro-grids it gained and lost (substantial pairs only, <see cref="CrosswalkPair.Substantial"/>),
/// so a department holding records by its units learns which comprehensive codes they now map to.</summary>
public sealed record CrosswalkDiff(string Township, string Layer, CrosswalkDiff.Versions From, CrosswalkDiff.Versions To,
    IReadOnlyList<string> UnitsAdded, IReadOnlyList<string> UnitsRemoved, IReadOnlyList<CrosswalkDiff.UnitChange> Changed)
{
    public sealed record Versions(int LayerVersion, int PartitionVersion);

    public sealed record UnitChange(string Unit, IReadOnlyList<string> GridsAdded, IReadOnlyList<string> GridsRemoved,
        IReadOnlyList<string> MicroGridsAdded, IReadOnlyList<string> MicroGridsRemoved);

    public static CrosswalkDiff Between(Crosswalk from, Crosswalk to)
    {
        var before = from.Units.Select(u => u.Code).ToHashSet(StringComparer.Ordinal);
        var after = to.Units.Select(u => u.Code).ToHashSet(StringComparer.Ordinal);
        ILookup<(string, string), string> Codes(Crosswalk c) => c.Pairs.Where(p => p.Substantial).ToLookup(p => (p.Unit, p.Level), p => p.Code);
        var (a, b) = (Codes(from), Codes(to));
        static List<string> Minus(IEnumerable<string> x, IEnumerable<string> y) => [.. x.Except(y, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var changed = new List<UnitChange>();
        foreach (var unit in after.Where(before.Contains).Order(StringComparer.Ordinal))
        {
            var change = new UnitChange(unit,
                Minus(b[(unit, "grid")], a[(unit, "grid")]), Minus(a[(unit, "grid")], b[(unit, "grid")]),
                Minus(b[(unit, "micro_grid")], a[(unit, "micro_grid")]), Minus(a[(unit, "micro_grid")], b[(unit, "micro_grid")]));
            if (change.GridsAdded.Count + change.GridsRemoved.Count + change.MicroGridsAdded.Count + change.MicroGridsRemoved.Count > 0) changed.Add(change);
        }
        return new CrosswalkDiff(to.Township, to.Layer, new(from.LayerVersion, from.PartitionVersion), new(to.LayerVersion, to.PartitionVersion),
            [.. after.Except(before).Order(StringComparer.Ordinal)], [.. before.Except(after).Order(StringComparer.Ordinal)], changed);
    }
}
