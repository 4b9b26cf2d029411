using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The micro-grid of every household after an edit: households outside the scope keep
/// theirs; a placed household joins its new cell's micro-grid, and where the cell is a building's
/// floor runs, the run it was in (or the run that came from it), else a run of its unit (单元)
/// before any other, the run nearest its floor (then the smallest code). A household of the scope
/// that no cell holds keeps its old code.</summary>
internal static class HouseholdReassigner
{
    /// <returns>Household id → micro-grid code.</returns>
    public static Dictionary<string, string> Assign(EditScope scope, HouseholdPlacement placement, EditCodes codes, IReadOnlyList<HouseholdInput> households)
    {
        var microCodeOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in scope.Current.Assignments)
            if (!placement.ScopeCodes.Contains(a.MicroGridCode)) microCodeOf[a.HouseholdId] = a.MicroGridCode;
        var householdById = households.ToDictionary(h => h.Id, StringComparer.Ordinal);
        foreach (var (id, owner) in placement.CellOf)
        {
            var runs = codes.MicroOfCell[owner];
            var h = householdById[id];
            var chosen = runs[0];
            if (runs.Count > 1)
            {
                var old = placement.OldMicroOf.GetValueOrDefault(id);
                var kept = runs.FirstOrDefault(m => m.Code == old)
                    ?? runs.FirstOrDefault(m => codes.Predecessors.GetValueOrDefault(m.Code)?.Contains(old ?? "") == true);
                var unit = BuildingUnit.Normalize(h.Unit);
                chosen = kept ?? runs.OrderBy(m => m.Unit == unit ? 0 : 1)
                    .ThenBy(m => h.Floor is { } fl && m.FloorFrom is { } lo && m.FloorTo is { } hi ? (fl < lo ? lo - fl : fl > hi ? fl - hi : 0) : 0)
                    .ThenBy(m => m.Code, StringComparer.Ordinal).First();
            }
            microCodeOf[id] = chosen.Code;
        }
        foreach (var h in households.Where(h => !microCodeOf.ContainsKey(h.Id) && placement.OldMicroOf.ContainsKey(h.Id)))
            microCodeOf[h.Id] = placement.OldMicroOf[h.Id];
        return microCodeOf;
    }
}
