using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The quality report of an edited partition: its territories and assignments measured
/// by the partitioner's own <see cref="QualityReporter"/> (DESIGN §5, one definition). Figures
/// that need the barrier faces (barrier crossings, faces, stranded hamlets) or the street and
/// barrier lines (border shares on them) and the stage times are carried over from the version
/// edited: an edit does not see barriers or streets. Stability is measured against that version.</summary>
internal static class EditReport
{
    public static QualityReport Measure(Partition edited, Partition before, Geometry township, IReadOnlyList<HouseholdInput> households,
        IReadOnlyList<Coordinate> metricHouseholds, MetricProjection projection, PartitionOptions options)
    {
        //-- Floor runs share one territory: measure each territory once.
        var units = edited.MicroGrids.GroupBy(m => m.Territory).Select(g => (LonLat: g.Key, Territory: projection.Forward(g.Key), Codes: g.Select(m => m.Code).ToList())).ToList();
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
            edited.MicroGrids.Select(m => new MeasuredMicroGrid(m.Code, m.Kind, m.HouseholdCount, unitOf[m.Code], gridIndex.GetValueOrDefault(m.GridCode, -1))).ToList(),
            edited.Assignments.GroupBy(a => a.MicroGridCode, StringComparer.Ordinal)
                .Select(g => new MeasuredMembers(unitOf[g.Key], g.Select(a => location[a.HouseholdId]).ToList())).ToList(),
            edited.Grids.Select(g => new MeasuredGrid(g.HouseholdCount, projection.Forward(g.Territory))).ToList(),
            Guides: null,
            new MeasuredPrevious(
                before.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode, StringComparer.Ordinal),
                before.MicroGrids.ToDictionary(m => m.Code, m => (Geometry?)m.Territory, StringComparer.Ordinal),
                units.Select(u => u.LonLat).ToList(),
                projection.Forward));
        var r = before.Report;
        var carried = new CarriedFigures(r.TownshipCode, edited.Version, r.Crs, r.NonContiguousAllowed, r.BarrierCrossings, r.Faces, r.StrandedHamlets, r.ElapsedMs,
            r.BorderOnGuidesShare, r.GridLevel.BorderOnGuidesShare);
        return new QualityReporter(options).Measure(measured, carried);
    }
}
