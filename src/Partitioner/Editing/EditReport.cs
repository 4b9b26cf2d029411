using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The quality report of an edited partition: its territories and assignments measured
/// by the partitioner's own <see cref="QualityReporter"/> (DESIGN §5, one definition). Figures
/// that need the barrier faces (barrier crossings, faces, stranded hamlets) and the stage times
/// are carried over from the version edited: an edit does not see barriers.</summary>
internal static class EditReport
{
    public static QualityReport Measure(Partition edited, Partition before, Geometry township, IReadOnlyList<HouseholdInput> households,
        IReadOnlyList<Coordinate> metricHouseholds, MetricProjection projection, PartitionOptions options)
    {
        //-- Floor runs share one territory: measure each territory once.
        var units = edited.MicroGrids.GroupBy(m => m.Territory).Select(g => (Territory: projection.Forward(g.Key), Codes: g.Select(m => m.Code).ToList())).ToList();
        var unitOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int u = 0; u < units.Count; u++) foreach (var c in units[u].Codes) unitOf[c] = u;
        var location = new Dictionary<string, Coordinate>(households.Count, StringComparer.Ordinal);
        for (int i = 0; i < households.Count; i++) location[households[i].Id] = metricHouseholds[i];
        var gridIndex = edited.Grids.Select((g, i) => (g.Code, i)).ToDictionary(x => x.Code, x => x.i, StringComparer.Ordinal);

        var measured = new MeasuredPartition(
            township,
            households.Select(h => h.Id).ToList(),
            edited.Assignments,
            units.Select(u => u.Territory).ToList(),
            edited.MicroGrids.Select(m => new MeasuredMicroGrid(m.Kind, m.HouseholdCount, unitOf[m.Code], gridIndex.GetValueOrDefault(m.GridCode, -1))).ToList(),
            edited.Assignments.GroupBy(a => a.MicroGridCode, StringComparer.Ordinal)
                .Select(g => new MeasuredMembers(unitOf[g.Key], g.Select(a => location[a.HouseholdId]).ToList())).ToList(),
            edited.Grids.Select(g => new MeasuredGrid(g.HouseholdCount, projection.Forward(g.Territory))).ToList(),
            before.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode, StringComparer.Ordinal));
        var r = before.Report;
        var carried = new CarriedFigures(r.TownshipCode, edited.Version, r.Crs, r.NonContiguousAllowed, r.BarrierCrossings, r.Faces, r.StrandedHamlets, r.ElapsedMs);
        return new QualityReporter(options).Measure(measured, carried);
    }
}
