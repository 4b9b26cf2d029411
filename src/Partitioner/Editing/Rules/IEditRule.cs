using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing.Rules;

/// <summary>One kind of edit at one level: gives the faces of the scope their new owner (a cell)
/// or their new grid, and records in <see cref="EditLineage"/> the codes units split from or
/// merged into. Refuses, with an <see cref="EditException"/>, an edit it cannot apply.</summary>
internal interface IEditRule
{
    void Apply(EditScope scope, IReadOnlyList<Coordinate> households, EditLineage lineage);
}

/// <summary>The rule for each kind of edit and level, in one place.</summary>
internal static class EditRules
{
    public static IEditRule For(EditKind kind, bool gridLevel) => (kind, gridLevel) switch
    {
        (EditKind.Redraw, false) => new RedrawMicroGrid(),
        (EditKind.Redraw, true) => new RedrawGrid(),
        (EditKind.Split, false) => new SplitMicroGrid(),
        (EditKind.Split, true) => new SplitGrid(),
        (EditKind.Merge, false) => new MergeMicroGrids(),
        (EditKind.Merge, true) => new MergeGrids(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A pin moves no face."),
    };
}
