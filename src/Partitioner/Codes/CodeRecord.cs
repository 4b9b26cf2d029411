namespace GridSpatial.Partitioner.Codes;

/// <summary>One code's life: the versions it was valid in (ValidTo null while current) and
/// where it came from and went to, so a system holding an old code can be told where it went.</summary>
public sealed record CodeRecord(
    string Code,
    string Level,
    string? Parent,
    int ValidFrom,
    int? ValidTo,
    IReadOnlyList<string> Predecessors,
    IReadOnlyList<string> Successors);
