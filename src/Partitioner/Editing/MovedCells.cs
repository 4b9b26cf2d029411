namespace GridSpatial.Partitioner.Editing;

/// <summary>After a grid edit, an old cell whose faces went to another grid becomes a new cell
/// there (<see cref="MovedCell"/>): a micro-grid's code never changes its grid.</summary>
internal static class MovedCells
{
    public static void Mark(EditScope scope)
    {
        foreach (var f in scope.Faces)
            if (f.Target is OldCell old && new ExistingGrid(scope.Cells[old.Cell].Grid) != f.Grid)
                f.Target = new MovedCell(old.Cell, f.Grid);
    }
}
