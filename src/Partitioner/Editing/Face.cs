using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing;

/// <summary>A piece of the scope cut by every cell boundary and the edit's linework: it lies in
/// exactly one old cell, and the edit's rules give it an owner and a grid.</summary>
internal sealed class Face(Polygon metric, Cell cell)
{
    public Polygon Metric { get; } = metric;

    /// <summary>The old cell it lies in.</summary>
    public int Cell { get; } = cell.Index;

    public GridKey Grid { get; set; } = new ExistingGrid(cell.Grid);

    public FaceOwner Target { get; set; } = new OldCell(cell.Index);
}
