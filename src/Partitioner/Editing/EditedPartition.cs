using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Geometries;
using CoverageUnion = NetTopologySuite.Coverage.CoverageUnion;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The version after an edit whose faces all have their owner and grid: units
/// outside the scope as they were; the scope's cells with their new territories, codes and
/// households; grids whose faces changed rebuilt from them (a grid's territory is the union of
/// its micro-grids'), household counts from the assignments; new vertices put into the
/// untouched territories they lie on; the code history and the quality report.</summary>
internal static class EditedPartition
{
    public static Partition Build(EditScope scope, EditContext context, Geometry townshipMetric, LonLatRestorer restorer, MetricProjection projection,
        Coordinate[] metricHouseholds, EditLineage lineage, PartitionOptions options)
    {
        var current = scope.Current;
        var (households, version) = (context.Households, context.Version);
        var territories = EditedTerritories.Of(scope, restorer);
        var placement = HouseholdPlacement.Of(scope, territories, households, metricHouseholds);
        var registry = new CodeRegistry(current.Codes, current.Grids.Select(g => g.Code).Concat(current.MicroGrids.Select(m => m.Code)));
        var codes = EditCodes.Of(scope, territories, registry);
        var microCodeOf = HouseholdReassigner.Assign(scope, placement, codes, households);

        var counts = microCodeOf.Values.GroupBy(c => c, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var micro = current.MicroGrids.Where(m => !placement.ScopeCodes.Contains(m.Code))
            .Concat(codes.MicroOfCell.Values.SelectMany(l => l))
            .Select(m => m with { HouseholdCount = counts.GetValueOrDefault(m.Code) })
            .OrderBy(m => m.Code, StringComparer.Ordinal).ToList();
        var (grids, gridTerritory) = Grids(scope, codes, micro, restorer);

        //-- New vertices on the edges of untouched territories go into them too.
        var fresh = new HashSet<Geometry>(territories.Changed.Where(territories.LonLat.ContainsKey).Select(k => territories.LonLat[k]), ReferenceEqualityComparer.Instance);
        foreach (var g in gridTerritory.Values) fresh.Add(g);
        var inserter = new VertexInserter(projection, territories.Changed.Where(territories.Metric.ContainsKey)
            .SelectMany(k => territories.Metric[k].Coordinates)
            .Where(c => !restorer.IsOriginal(c))
            .Distinct()
            .Select(c => (c, projection.Inverse(c))));
        micro = micro.Select(m => fresh.Contains(m.Territory) ? m : m with { Territory = inserter.Apply(m.Territory) }).ToList();
        grids = grids.Select(g => fresh.Contains(g.Territory) ? g : g with { Territory = inserter.Apply(g.Territory) }).ToList();

        var gridOfMicro = micro.ToDictionary(m => m.Code, m => m.GridCode, StringComparer.Ordinal);
        var assignments = households.Where(h => microCodeOf.ContainsKey(h.Id))
            .Select(h => new Assignment(h.Id, microCodeOf[h.Id], gridOfMicro[microCodeOf[h.Id]]))
            .OrderBy(a => a.HouseholdId, StringComparer.Ordinal).ToList();

        var result = current with
        {
            Version = version,
            Grids = grids,
            MicroGrids = micro,
            Assignments = assignments,
            Codes = EditHistory.Of(registry, version, current, codes, lineage, grids, micro, microCodeOf),
        };
        return result with { Report = EditReport.Measure(result, current, townshipMetric, households, metricHouseholds, projection, options) };
    }

    /// <summary>The grids after the edit, and the territories a grid edit rebuilt: in a grid edit,
    /// a grid that gained or lost faces is their union, any other keeps its territory; grids
    /// without micro-grids are gone; counts always follow the households.</summary>
    private static (List<Grid> Grids, Dictionary<string, Geometry> Rebuilt) Grids(EditScope scope, EditCodes codes, List<MicroGrid> micro, LonLatRestorer restorer)
    {
        var current = scope.Current;
        var faces = scope.Faces;
        var rebuilt = new Dictionary<string, Geometry>(StringComparer.Ordinal);
        if (scope.GridLevel)
        {
            var changedGrids = new HashSet<string>(faces.Where(f => f.Grid != new ExistingGrid(scope.Cells[f.Cell].Grid))
                .SelectMany(f => new[] { codes.GridCode[f.Grid], scope.Cells[f.Cell].Grid }), StringComparer.Ordinal);
            foreach (var g in faces.GroupBy(f => codes.GridCode[f.Grid], StringComparer.Ordinal))
                rebuilt[g.Key] = changedGrids.Contains(g.Key)
                    ? restorer.Inverse(CoverageUnion.Union(g.Select(f => (Geometry)f.Metric).ToArray()))
                    : current.Grids.First(x => x.Code == g.Key).Territory;
        }
        var gridCounts = micro.GroupBy(m => m.GridCode, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(m => m.HouseholdCount), StringComparer.Ordinal);
        var grids = current.Grids.Where(g => !scope.GridLevel || g.VillageCode != scope.Parent)
            .Concat(rebuilt.Select(kv => new Grid(kv.Key, scope.Parent, 0, kv.Value, current.Grids.FirstOrDefault(g => g.Code == kv.Key)?.Pinned ?? false)))
            .Where(g => gridCounts.ContainsKey(g.Code) || micro.Any(m => m.GridCode == g.Code))
            .Select(g => g with { HouseholdCount = gridCounts.GetValueOrDefault(g.Code) })
            .OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
        return (grids, rebuilt);
    }
}
