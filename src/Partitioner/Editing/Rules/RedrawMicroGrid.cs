using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing.Rules;

/// <summary>A micro-grid redrawn: every face inside the drawn polygon joins it (from siblings in
/// its grid only); land it gave up goes, piece by piece, to the neighbour it shares the longest
/// border with.</summary>
internal sealed class RedrawMicroGrid : IEditRule
{
    public void Apply(EditScope scope, IReadOnlyList<Coordinate> households, EditLineage lineage)
    {
        var edited = scope.Edited!;
        var own = new OldCell(edited.Index);
        var given = new List<Face>();
        bool any = false;
        foreach (var f in scope.Faces)
        {
            if (FaceGraph.Inside(scope.Drawn!, f)) { f.Target = own; any = true; }
            else if (f.Cell == edited.Index) given.Add(f);
        }
        if (!any)
            throw new EditException(422, "geometry", $"The new boundary of {edited.Code} does not overlap its grid {edited.Grid}.", edited.Code);
        foreach (var piece in FaceGraph.Components(given))
        {
            var to = FaceGraph.LongestBorder(piece, scope.Faces.Except(given).Where(f => f.Target != own), f => f.Target);
            if (to is not null) foreach (var f in piece) f.Target = to;
        }
    }
}
