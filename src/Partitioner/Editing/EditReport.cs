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
        var measured = MeasuredPartition.Of(edited, before, township, households, metricHouseholds, projection, guides: null);
        var r = before.Report;
        var carried = new CarriedFigures(r.TownshipCode, edited.Version, r.Crs, r.NonContiguousAllowed, r.BarrierCrossings, r.Faces, r.StrandedHamlets, r.ElapsedMs,
            r.BorderOnGuidesShare, r.GridLevel.BorderOnGuidesShare);
        return new QualityReporter(options).Measure(measured, carried);
    }
}
