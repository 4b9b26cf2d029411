using GridSpatial.Partitioner.MicroGrids;
using NetTopologySuite.Geometries;
using CoverageUnion = NetTopologySuite.Coverage.CoverageUnion;

namespace GridSpatial.Partitioner.Editing.Rules;

/// <summary>Neighbouring micro-grids of one grid joined: the one with most households (then the
/// smallest code) keeps its code and takes the others' faces. Floor micro-grids follow their
/// building and are never merged.</summary>
internal sealed class MergeMicroGrids : IEditRule
{
    public void Apply(EditScope scope, IReadOnlyList<Coordinate> households, EditLineage lineage)
    {
        var codes = scope.CodesToMerge();
        var grids = scope.Current.Grids;
        var chosen = codes.Select(c => scope.Cells.Single(x => x.Micro.Any(m => m.Code == c))).Distinct().ToList();
        if (chosen.Any(c => c.Micro[0].Kind == MicroGridKind.Floor))
            throw new EditException(422, "codes", "Floor micro-grids follow their building's floors and cannot be merged with other units.");
        if (CoverageUnion.Union(chosen.Select(c => c.Metric).ToArray()).NumGeometries > chosen.Max(c => c.Metric.NumGeometries))
            throw new EditException(422, "codes", $"{string.Join(", ", codes)} do not share a border: only neighbours can be merged.");
        var survivor = chosen.OrderByDescending(c => c.Micro.Sum(m => m.HouseholdCount)).ThenBy(c => c.Code, StringComparer.Ordinal).First();
        foreach (var c in chosen.Where(c => c != survivor)) lineage.MergedInto[c.Code] = survivor.Code;
        var target = new OldCell(survivor.Index);
        foreach (var f in scope.Faces)
            if (chosen.Any(c => c.Index == f.Cell)) f.Target = target;
    }
}
