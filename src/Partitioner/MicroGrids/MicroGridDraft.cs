using GridSpatial.Partitioner.Households;

namespace GridSpatial.Partitioner.MicroGrids;

/// <summary>A micro-grid before codes and territories: its sites (indexes), households and,
/// for floor runs, the floors and the building's unit (单元, <see cref="BuildingUnit"/>).
/// <see cref="Unit"/> is its territory unit: floor runs of one building share one.</summary>
internal sealed class MicroGridDraft(MicroGridKind kind, IReadOnlyList<int> sites, IReadOnlyList<Household> households)
{
    public MicroGridKind Kind { get; } = kind;
    public IReadOnlyList<int> Sites { get; } = sites;
    public IReadOnlyList<Household> Households { get; } = households;
    public string? BuildingId { get; init; }
    public int? FloorFrom { get; init; }
    public int? FloorTo { get; init; }
    public string? BuildingUnit { get; init; }
    public int EmptyUnit { get; init; } = -1;
    public int Unit { get; set; } = -1;
    public string Code { get; set; } = "";
    public string GridCode { get; set; } = "";

    /// <summary>The key that orders micro-grids sharing a position (a building's floor runs) when
    /// codes are given: the territory unit's stable key, the building's unit in its natural order,
    /// then the first floor. Stable across recomputes, so new serials follow units and floors.</summary>
    public string TieKey(string territoryKey) =>
        $"{territoryKey}|{GridSpatial.Partitioner.Households.BuildingUnit.SortKey(BuildingUnit)}|{FloorFrom:D4}";
}
