using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Incremental;

/// <summary>The grids of a published partition whose households changed: a grid is changed when a
/// household was added to it or removed from it, moved into, out of or within it across a
/// micro-grid border, stands on its border, or no longer fits the building, floors or unit of its
/// micro-grid (and every grid of a building whose households are now split between its building
/// micro-grids and clusters). A household that moved inside its own micro-grid's territory changes
/// nothing: its territory holds it still.</summary>
internal static class ChangedGrids
{
    /// <summary>The codes of the changed micro-grids (the micro-grids a household left, entered or
    /// stands on the border of; a changed grid is one that holds one of them); null when a household
    /// stands outside every territory (the township itself changed: only a whole recompute can say).</summary>
    public static HashSet<string>? MicroGrids(IReadOnlyList<HouseholdInput> households, Partition current)
    {
        //-- One locator per territory (floor runs share theirs), for the households not plainly inside their own.
        var units = current.MicroGrids.GroupBy<MicroGrid, Geometry>(m => m.Territory, ReferenceEqualityComparer.Instance)
            .Select(unit => (Territory: unit.Key, Locator: new IndexedPointInAreaLocator(unit.Key), MicroGrids: unit.ToList())).ToList();
        var unitOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int u = 0; u < units.Count; u++) foreach (var m in units[u].MicroGrids) unitOf[m.Code] = u;
        STRtree<int>? index = null;
        STRtree<int> Index()
        {
            if (index is not null) return index;
            index = new STRtree<int>();
            for (int u = 0; u < units.Count; u++) index.Insert(units[u].Territory.EnvelopeInternal, u);
            return index;
        }
        var microGrid = current.MicroGrids.ToDictionary(m => m.Code, StringComparer.Ordinal);
        var ownMicroGrids = current.MicroGrids.Where(m => m.Kind != MicroGridKind.Cluster && m.BuildingId is not null)
            .Select(m => m.BuildingId!).ToHashSet(StringComparer.Ordinal);
        //-- Each household's assignment before (by index), looked up once: which were placed where, and which are gone.
        var before = new Dictionary<string, int>(current.Assignments.Count, StringComparer.Ordinal);
        for (int a = 0; a < current.Assignments.Count; a++) before.Add(current.Assignments[a].HouseholdId, a);
        var seen = new bool[current.Assignments.Count];
        var codeOf = new string?[households.Count];
        var changed = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < households.Count; i++)
        {
            var h = households[i];
            string? code = null;
            if (before.TryGetValue(h.Id, out var a))
            {
                seen[a] = true;
                codeOf[i] = code = current.Assignments[a].MicroGridCode;
            }
            var was = code is null ? null : microGrid.GetValueOrDefault(code);
            //-- Territories tile the township: a household in the interior of its own micro-grid's
            //-- territory stands in no other, so only the others need the search.
            if (was is not null && SimplePointInAreaLocator.Locate(h.Location, units[unitOf[was.Code]].Territory) == Location.Interior && Fits(h, was, ownMicroGrids)) continue;
            var holding = Index().Query(new Envelope(h.Location))
                .Select(u => (units[u].MicroGrids, At: units[u].Locator.Locate(h.Location)))
                .Where(x => x.At != Location.Exterior).ToList();
            if (holding.Count == 0) return null;
            foreach (var x in holding) changed.UnionWith(x.MicroGrids.Select(m => m.Code));
            if (code is not null) changed.Add(code);
        }
        for (int a = 0; a < seen.Length; a++)
            if (!seen[a]) changed.Add(current.Assignments[a].MicroGridCode);

        //-- A building whose households are now partly in its own micro-grids and partly in clusters
        //-- (one gained or lost the building id): the split between them is the partitioner's to make again.
        //-- One pass: per building, whether its households were in its own micro-grids, and whether both ways.
        var split = new Dictionary<string, (bool Own, bool Both)>(StringComparer.Ordinal);
        for (int i = 0; i < households.Count; i++)
        {
            var h = households[i];
            if (string.IsNullOrEmpty(h.BuildingId) || codeOf[i] is not { } code || microGrid.GetValueOrDefault(code) is not { } m) continue;
            bool own = m.BuildingId == h.BuildingId && m.Kind != MicroGridKind.Cluster;
            split[h.BuildingId] = split.TryGetValue(h.BuildingId, out var was) ? (was.Own, was.Both || was.Own != own) : (own, false);
        }
        for (int i = 0; i < households.Count; i++)
            if (!string.IsNullOrEmpty(households[i].BuildingId) && split.GetValueOrDefault(households[i].BuildingId!).Both && codeOf[i] is { } code && microGrid.ContainsKey(code))
                changed.Add(code);
        return changed;
    }

    /// <summary>Whether the household still belongs where it was put: a floor run holds its
    /// building's households on its floors (and unit) only; a household of a building with micro-grids
    /// of its own stands in one of them (a building's micro-grid also holds the houses attached to it).</summary>
    private static bool Fits(HouseholdInput h, MicroGrid m, HashSet<string> ownMicroGrids) => m.Kind switch
    {
        MicroGridKind.Floor => string.Equals(h.BuildingId, m.BuildingId, StringComparison.Ordinal)
            && (m.FloorFrom is null || h.Floor is null || h.Floor >= m.FloorFrom && h.Floor <= m.FloorTo)
            && string.Equals(BuildingUnit.Normalize(h.Unit), m.Unit, StringComparison.Ordinal),
        _ => string.Equals(h.BuildingId, m.BuildingId, StringComparison.Ordinal) || h.BuildingId is null || !ownMicroGrids.Contains(h.BuildingId),
    };
}
