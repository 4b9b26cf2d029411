using NetTopologySuite.Geometries;
using CoverageUnion = NetTopologySuite.Coverage.CoverageUnion;

namespace GridSpatial.Partitioner.Editing.Rules;

/// <summary>Neighbouring grids of one village joined: the one with most households (then the
/// smallest code) keeps its code and takes the others' faces; their micro-grids move with them.</summary>
internal sealed class MergeGrids : IEditRule
{
    public void Apply(EditScope scope, IReadOnlyList<Coordinate> households, EditLineage lineage)
    {
        var codes = scope.CodesToMerge();
        var grids = scope.Current.Grids;
        var survivor = codes.Distinct(StringComparer.Ordinal)
            .OrderByDescending(c => grids.First(g => g.Code == c).HouseholdCount).ThenBy(c => c, StringComparer.Ordinal).First();
        var union = CoverageUnion.Union(scope.Faces.Where(f => codes.Contains(scope.Cells[f.Cell].Grid)).Select(f => (Geometry)f.Metric).ToArray());
        if (union.NumGeometries > codes.Max(c => grids.First(g => g.Code == c).Territory.NumGeometries))
            throw new EditException(422, "codes", $"{string.Join(", ", codes)} do not share a border: only neighbouring grids can be merged.");
        foreach (var c in codes.Where(c => c != survivor)) lineage.MergedInto[c] = survivor;
        var target = new ExistingGrid(survivor);
        foreach (var f in scope.Faces)
            if (codes.Contains(scope.Cells[f.Cell].Grid)) f.Grid = target;
    }
}
