using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Inputs;

/// <summary>An earlier partition of the same township, the base for stable codes (DESIGN §2).</summary>
public sealed record PreviousPartition(
    int Version,
    IReadOnlyList<PreviousMicroGrid> MicroGrids,
    IReadOnlyDictionary<string, string> MicroGridOfHousehold,
    IReadOnlyList<Codes.CodeRecord> History)
{
    /// <summary>A published partition as the base of the next: its micro-grids, assignments and history.</summary>
    public static PreviousPartition Of(Partition partition) => new(
        partition.Version,
        partition.MicroGrids.Select(m => new PreviousMicroGrid(m.Code, m.GridCode, m.VillageCode, m.Kind.ToString().ToLowerInvariant(), m.Territory, m.Pinned)).ToList(),
        partition.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode, StringComparer.Ordinal),
        partition.Codes);
}

/// <summary>A micro-grid of the previous partition; its territory is in lon/lat.</summary>
public sealed record PreviousMicroGrid(string Code, string GridCode, string VillageCode, string Kind, Geometry? Territory, bool Pinned = false);
