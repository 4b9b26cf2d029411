using GridSpatial.Partitioner.Codes;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The code history after an edit, kept by the township's <see cref="CodeRegistry"/>:
/// a new micro-grid names the one it came from, a new grid the grid it was split from; a code
/// that is gone names the current units that took its households, its merge survivor and the
/// units split from it (for a grid with none of these: the grids of the micro-grids that came
/// from its own). A code born in this very version and gone again (a recompute's unit that a pin
/// took back) was never issued and leaves no record.</summary>
internal static class EditHistory
{
    public static IReadOnlyList<CodeRecord> Of(CodeRegistry registry, int version, Partition current, EditCodes codes, EditLineage lineage,
        IReadOnlyList<Grid> grids, IReadOnlyList<MicroGrid> micro, IReadOnlyDictionary<string, string> microCodeOf)
    {
        var predecessors = new Dictionary<string, List<string>>(codes.Predecessors, StringComparer.Ordinal);
        foreach (var (grid, from) in lineage.GridSplitFrom) predecessors[codes.GridCode[grid]] = [from];
        var successors = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Succeeds(string code, string next)
        {
            if (!successors.TryGetValue(code, out var set)) successors[code] = set = new(StringComparer.Ordinal);
            set.Add(next);
        }
        foreach (var (code, preds) in predecessors)
            foreach (var p in preds) Succeeds(p, code);
        foreach (var (gone, survivor) in lineage.MergedInto) Succeeds(gone, survivor);
        var liveMicro = new HashSet<string>(micro.Select(m => m.Code), StringComparer.Ordinal);
        foreach (var a in current.Assignments)
            if (!liveMicro.Contains(a.MicroGridCode) && microCodeOf.TryGetValue(a.HouseholdId, out var now)) Succeeds(a.MicroGridCode, now);

        foreach (var g in grids) registry.Current(g.Code, "grid", g.VillageCode, version, predecessors.GetValueOrDefault(g.Code) ?? []);
        foreach (var m in micro) registry.Current(m.Code, "micro_grid", m.GridCode, version, predecessors.GetValueOrDefault(m.Code) ?? []);
        var live = new HashSet<string>(grids.Select(g => g.Code).Concat(liveMicro), StringComparer.Ordinal);
        return registry.History(version, record =>
        {
            var next = successors.GetValueOrDefault(record.Code)?.Where(live.Contains).Order(StringComparer.Ordinal).ToList() ?? [];
            if (record.Level == "grid" && next.Count == 0)
                next = micro.Where(m => predecessors.GetValueOrDefault(m.Code)?.Any(p => p.StartsWith(record.Code, StringComparison.Ordinal)) == true)
                    .Select(m => m.GridCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            return next;
        }, forgetUnissued: true);
    }
}
