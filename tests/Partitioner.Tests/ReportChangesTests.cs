using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>A local recompute's report measures the coverage and the borders on streets and barriers
/// from the territories that changed only (#21: the two were a quarter of a 50,000-household
/// recompute), and gives what measuring them whole gives: the coverage the same when the changed
/// territories leave the same edges and measured whole when they do not; the border share exactly.</summary>
public class ReportChangesTests
{
    private static readonly GeometryFactory F = new();

    /// <summary>A polygon of hectare-sized cells (units of 100 m).</summary>
    private static Polygon P(params (double X, double Y)[] ring) =>
        F.CreatePolygon([.. ring.Append(ring[0]).Select(c => new Coordinate(100 * c.X, 100 * c.Y))]);

    private static readonly Polygon Township = P((0, 0), (2, 0), (2, 2), (0, 2));
    private static readonly Polygon A = P((0, 0), (1, 0), (1, 1), (0, 1));
    private static readonly Polygon B = P((1, 0), (2, 0), (2, 1), (1, 1));
    private static readonly Polygon C = P((0, 1), (1, 1), (1, 2), (0, 2));
    private static readonly Polygon D = P((1, 1), (2, 1), (2, 2), (1, 2));

    [Fact]
    public void TerritoriesRedrawnWithinTheSameEdges_AreMeasuredFromTheChangedOnes_AndGiveTheWholeMeasure()
    {
        var changes = new CoverageChanges();
        AssertSame(QualityReporter.Coverage([A, B, C, D], Township), changes.Measure([A, B, C, D], Township, null));
        Assert.Equal(0, changes.Incremental);

        //-- A and B redrawn with a bent border between them: the same outer edges, vertex for vertex.
        Polygon a = P((0, 0), (1, 0), (1.2, 0.5), (1, 1), (0, 1)), b = P((1, 0), (2, 0), (2, 1), (1, 1), (1.2, 0.5));
        var measured = changes.Measure([a, b, C, D], Township, null);
        Assert.Equal(1, changes.Incremental);
        AssertSame(QualityReporter.Coverage([a, b, C, D], Township), measured);
        Assert.True(measured.Exact);
    }

    [Fact]
    public void TerritoriesThatOverlapOrLeaveAGap_AreMeasuredWhole()
    {
        var changes = new CoverageChanges();
        changes.Measure([A, B, C, D], Township, null);

        //-- D's land taken by C as well: the edges left over differ (C's far side), measured whole: an overlap.
        var wide = P((0, 1), (1, 1), (2, 1), (2, 2), (1, 2), (0, 2));
        var overlapping = changes.Measure([A, B, wide, D], Township, null);
        Assert.Equal(0, changes.Incremental);
        AssertSame(QualityReporter.Coverage([A, B, wide, D], Township), overlapping);
        Assert.False(overlapping.Exact);
        Assert.True(overlapping.Overlap > 0);

        //-- D gone: a gap, measured whole.
        var gap = changes.Measure([A, B, C], Township, null);
        Assert.Equal(0, changes.Incremental);
        Assert.Equal(0.25, gap.Gap, 9); // a quarter of the township

        //-- An overlap within the same outer edges: a polygon over two others' land, its edges not theirs.
        changes.Measure([A, B, C, D], Township, null);
        var bottom = P((0, 0), (1, 0), (2, 0), (2, 1), (1, 1), (0, 1));
        var stacked = changes.Measure([bottom, A, C, D], Township, null);
        AssertSame(QualityReporter.Coverage([bottom, A, C, D], Township), stacked);
        Assert.False(stacked.Exact);
    }

    private static void AssertSame(QualityReporter.CoverageFigures expected, QualityReporter.CoverageFigures actual)
    {
        Assert.Equal(expected.Exact, actual.Exact);
        Assert.Equal(expected.Gap, actual.Gap, 12);
        Assert.Equal(expected.Overlap, actual.Overlap, 12);
        if (expected.ExactUnion is { } union) Assert.True(union.EqualsTopologically(actual.ExactUnion!));
    }

    [Fact]
    public void BorderShare_CountedFromTheChangedTerritories_EqualsTheWholeCount()
    {
        LineString Line(params (double X, double Y)[] c) => F.CreateLineString([.. c.Select(p => new Coordinate(100 * p.X, 100 * p.Y))]);
        var guides = new Geometry[] { Line((1, -1), (1, 3)), Line((-1, 1.5), (3, 1.5)) };
        var remembering = new GuidedBorders(Township, guides, remember: true);
        var tally = new GuidedBorders.Tally();
        Polygon a = P((0, 0), (1, 0), (1.2, 0.5), (1, 1), (0, 1)), b = P((1, 0), (2, 0), (2, 1), (1, 1), (1.2, 0.5));
        Polygon[][] coverages = [[A, B, C, D], [a, b, C, D], [A, B, C, D], [a, b, C, D], [A, B, C, D]];
        foreach (var coverage in coverages)
        {
            var whole = new GuidedBorders(Township, guides).ShareOf(coverage);
            Assert.Equal(whole, remembering.ShareOf(coverage, tally));
        }
        Assert.Equal(4 * 4, tally.Recounted);
        Assert.NotEqual(new GuidedBorders(Township, guides).ShareOf([A, B, C, D]), new GuidedBorders(Township, guides).ShareOf([a, b, C, D]));
    }

    [Fact]
    public void ATerritoryChangedInPlace_IsProjectedAndCheckedAgain_NotAnsweredFromTheMemo()
    {
        var lonLat = new GeometryFactory(new PrecisionModel(), 4326).CreatePolygon([new(105, 27), new(105.01, 27), new(105.01, 27.01), new(105, 27.01), new(105, 27)]);
        var projection = Projection.MetricProjection.For(lonLat);
        var first = MetricTerritories.Of(lonLat, projection);
        Assert.Same(first, MetricTerritories.Of(lonLat, projection));
        lonLat.ExteriorRing.CoordinateSequence.SetX(2, 105.02);
        lonLat.GeometryChanged();
        Assert.NotEqual(first.Area, MetricTerritories.Of(lonLat, projection).Area);

        var square = P((0, 0), (1, 0), (1, 1), (0, 1));
        Assert.NotNull(ExactCoverage.Union([square], F));
        //-- Folded into a bow tie: no longer valid, so no longer shown exact.
        square.ExteriorRing.CoordinateSequence.SetX(1, 100);
        square.ExteriorRing.CoordinateSequence.SetX(2, 0);
        square.ExteriorRing.CoordinateSequence.SetX(3, 100);
        square.GeometryChanged();
        Assert.Null(ExactCoverage.Union([square], F));
    }
}
