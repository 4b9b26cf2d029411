using GridSpatial.Partitioner.Households;

namespace GridSpatial.Partitioner.MicroGrids;

/// <summary>A micro-grid before codes and territories: its sites (indexes), households and,
/// for floor runs, the floors. <see cref="Unit"/> is its territory unit: floor runs of one
/// building share one.</summary>
internal sealed class MicroGridDraft(MicroGridKind kind, IReadOnlyList<int> sites, IReadOnlyList<Household> households)
{
    public MicroGridKind Kind { get; } = kind;
    public IReadOnlyList<int> Sites { get; } = sites;
    public IReadOnlyList<Household> Households { get; } = households;
    public string? BuildingId { get; init; }
    public int? FloorFrom { get; init; }
    public int? FloorTo { get; init; }
    public int EmptyUnit { get; init; } = -1;
    public int Unit { get; set; } = -1;
    public string Code { get; set; } = "";
    public string GridCode { get; set; } = "";
}
