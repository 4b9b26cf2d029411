using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;
using CoverageUnion = NetTopologySuite.Coverage.CoverageUnion;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The territories after an edit: each owner's faces united (an exact coverage, so the
/// union is exact). An old cell nothing moved into or out of keeps its lon/lat territory bit for
/// bit; every other territory comes back to lon/lat with the input's own vertices restored.</summary>
internal sealed class EditedTerritories
{
    /// <summary>In metres, by owner, in owner order.</summary>
    public Dictionary<FaceOwner, Geometry> Metric { get; } = [];

    /// <summary>In lon/lat, by owner.</summary>
    public Dictionary<FaceOwner, Geometry> LonLat { get; } = [];

    /// <summary>Owners that gained or lost land, in the order first seen.</summary>
    public HashSet<FaceOwner> Changed { get; } = [];

    /// <exception cref="EditException">An old cell cut into more parts than it had, or a new cell
    /// (other than a split piece) in several parts.</exception>
    public static EditedTerritories Of(EditScope scope, LonLatRestorer restorer)
    {
        var result = new EditedTerritories();
        var cells = scope.Cells;
        foreach (var f in scope.Faces)
        {
            var own = new OldCell(f.Cell);
            if (f.Target == own) continue;
            result.Changed.Add(f.Target);
            result.Changed.Add(own);
        }
        foreach (var g in scope.Faces.GroupBy(f => f.Target).OrderBy(g => g.Key))
        {
            var metric = g.Count() == 1 ? g.First().Metric : CoverageUnion.Union(g.Select(f => (Geometry)f.Metric).ToArray());
            bool changed = result.Changed.Contains(g.Key);
            result.Metric[g.Key] = metric;
            result.LonLat[g.Key] = g.Key is OldCell kept && !changed ? cells[kept.Cell].Micro[0].Territory : restorer.Inverse(metric);
            if (g.Key is OldCell old && changed && metric.NumGeometries > cells[old.Cell].Metric.NumGeometries)
                throw new EditException(422, "geometry", $"The edit would cut {cells[old.Cell].Code} into separate parts.", cells[old.Cell].Code);
            if (g.Key is not (OldCell or SplitPiece) && metric.NumGeometries > 1)
                throw new EditException(422, "geometry", "The edit would leave a unit in separate parts.");
        }
        return result;
    }
}
