namespace GridSpatial.Partitioner.Quality;

/// <summary>What the reports of one township measured so far that the next report starts from (a
/// township's local recomputes share it): the guide lines made ready for its boundary, and for its
/// micro-grid units and its grids the coverage and the border segments as last measured, so only the
/// territories that changed are measured again.</summary>
internal sealed class MeasuredBefore(GuidedBorders borders)
{
    public GuidedBorders Borders { get; } = borders;

    public Level Units { get; } = new();

    public Level Grids { get; } = new();

    /// <summary>One level's coverage, and its border segments as counted against <see cref="Borders"/>.</summary>
    public sealed class Level
    {
        public CoverageChanges Coverage { get; } = new();

        public GuidedBorders.Tally Tally { get; } = new();
    }
}
