namespace GridSpatial.Partitioner.Editing;

/// <summary>What an edit's rule says about where codes go: the grid a new grid was split from,
/// and the survivor each merged unit went into (micro-grid or grid codes).</summary>
internal sealed class EditLineage
{
    public Dictionary<NewGrid, string> GridSplitFrom { get; } = [];

    public Dictionary<string, string> MergedInto { get; } = new(StringComparer.Ordinal);
}
