using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing.Rules;

/// <summary>A cluster micro-grid cut by a line: each face of it is a piece (inside one cell only
/// the line separates faces); the piece with most households keeps the code, every other
/// becomes a new micro-grid.</summary>
internal sealed class SplitMicroGrid : IEditRule
{
    public void Apply(EditScope scope, IReadOnlyList<Coordinate> households, EditLineage lineage)
    {
        var edited = scope.Edited!;
        var pieces = scope.Faces.Where(f => f.Cell == edited.Index).Select(f => new List<Face> { f }).ToList();
        if (pieces.Count < 2)
            throw new EditException(422, "geometry", $"The line does not cut {edited.Code} in two: it must cross the micro-grid from border to border.", edited.Code);
        var keeper = FaceGraph.Keeper(pieces, households);
        for (int i = 0; i < pieces.Count; i++)
        {
            if (i == keeper) continue;
            var piece = new SplitPiece(i);
            foreach (var f in pieces[i]) f.Target = piece;
        }
    }
}
