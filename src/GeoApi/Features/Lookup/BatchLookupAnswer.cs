namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>The shape of one answer of <c>POST /api/lookup</c> as <see cref="LookupAnswer"/> writes it,
/// for the OpenAPI document only: a <see cref="LookupDto"/> without the point (answers are cached per
/// territory), with <c>floorRuns</c> only where floor micro-grids stack.</summary>
public sealed class BatchLookupAnswer
{
    public required int Version { get; init; }
    public required Named Township { get; init; }
    public required Named? Village { get; init; }
    public required GridRef? Grid { get; init; }
    public required MicroGridRef? MicroGrid { get; init; }
    public IReadOnlyList<MicroGridRef>? FloorRuns { get; init; }
    public People.Responsible? Responsible { get; init; }
}
