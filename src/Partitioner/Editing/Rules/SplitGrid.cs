using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing.Rules;

/// <summary>A grid cut by a line: its faces joined across every edge not on the line are its
/// pieces; the piece with most households keeps the code, every other becomes a new grid split
/// from it.</summary>
internal sealed class SplitGrid : IEditRule
{
    public void Apply(EditScope scope, IReadOnlyList<Coordinate> households, EditLineage lineage)
    {
        var code = scope.EditedCode;
        var own = scope.Faces.Where(f => scope.Cells[f.Cell].Grid == code).ToList();
        var pieces = FaceGraph.Components(own, notAlong: scope.Drawn);
        if (pieces.Count < 2)
            throw new EditException(422, "geometry", $"The line does not cut {code} in two: it must cross the grid from border to border.", code);
        var keeper = FaceGraph.Keeper(pieces, households);
        for (int i = 0; i < pieces.Count; i++)
        {
            if (i == keeper) continue;
            var grid = new NewGrid(i);
            lineage.GridSplitFrom[grid] = code;
            foreach (var f in pieces[i]) f.Grid = grid;
        }
    }
}
