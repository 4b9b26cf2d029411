using GridSpatial.Partitioner.Codes;

namespace GridSpatial.Partitioner.Files;

/// <summary>codes.json: the version of the partition, every code's history, and the digest of what
/// it was computed from besides households (<see cref="Inputs.InputsDigest"/>; absent in older files).</summary>
public sealed record CodesFile(int Version, string TownshipCode, IReadOnlyList<CodeRecord> Codes, string? InputsDigest = null);
