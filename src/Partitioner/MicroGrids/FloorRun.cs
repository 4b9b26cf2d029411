using GridSpatial.Partitioner.Households;

namespace GridSpatial.Partitioner.MicroGrids;

/// <summary>A floor micro-grid of a large building: the households of floors
/// <see cref="FloorFrom"/>–<see cref="FloorTo"/> of one unit (单元), or of the households
/// without a unit (<see cref="Unit"/> null).</summary>
public sealed record FloorRun(string? Unit, int FloorFrom, int FloorTo, IReadOnlyList<Household> Households);
