using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing.Rules;

/// <summary>A grid redrawn: every face of its village inside the drawn polygon joins it; land
/// it gave up goes, piece by piece, to the neighbouring grid it shares the longest border with.</summary>
internal sealed class RedrawGrid : IEditRule
{
    public void Apply(EditScope scope, IReadOnlyList<Coordinate> households, EditLineage lineage)
    {
        var code = scope.EditedCode;
        var grid = new ExistingGrid(code);
        var given = new List<Face>();
        bool any = false;
        foreach (var f in scope.Faces)
        {
            if (FaceGraph.Inside(scope.Drawn!, f)) { f.Grid = grid; any = true; }
            else if (scope.Cells[f.Cell].Grid == code) given.Add(f);
        }
        if (!any)
            throw new EditException(422, "geometry", $"The new boundary of {code} does not overlap its village.", code);
        foreach (var piece in FaceGraph.Components(given))
        {
            var to = FaceGraph.LongestBorder(piece, scope.Faces.Except(given).Where(f => f.Grid != grid), f => f.Grid);
            if (to is not null) foreach (var f in piece) f.Grid = to;
        }
    }
}
