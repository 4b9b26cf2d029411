using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.Partitioner.Editing;

/// <summary>What an edit is applied with: the township, its households as they are now, and the
/// version number the edited partition is written as. The editor never derives that number: the
/// publisher decides it (the store's next version for an edit; the version being made when a
/// recompute's pinned units are redrawn), so it is at least the edited partition's own.</summary>
public sealed record EditContext(TownshipInput Township, IReadOnlyList<HouseholdInput> Households, int Version);
