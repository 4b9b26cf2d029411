using GridSpatial.Partitioner.Codes;

namespace GridSpatial.Partitioner.Files;

/// <summary>codes.json: the version of the partition and every code's history.</summary>
public sealed record CodesFile(int Version, string TownshipCode, IReadOnlyList<CodeRecord> Codes);
