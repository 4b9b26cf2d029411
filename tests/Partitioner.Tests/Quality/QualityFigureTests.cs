using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridSpatial.Partitioner.Tests.Quality;

/// <summary>The report's figures on small hand-made coverages, in metres (x east, y north): a
/// township of 200 × 100 m cut at x = 100 into two squares.</summary>
public class QualityFigureTests
{
    private static readonly WKTReader Wkt = new();
    private static Geometry G(string wkt) => Wkt.Read(wkt);

    private static readonly Geometry Township = G("POLYGON ((0 0, 200 0, 200 100, 0 100, 0 0))");
    private static readonly Geometry West = G("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))");
    private static readonly Geometry East = G("POLYGON ((100 0, 200 0, 200 100, 100 100, 100 0))");

    private static double? Share(string guide, params Geometry[] territories) =>
        new GuidedBorders(Township, [G(guide)]).ShareOf(territories);

    [Fact]
    public void BorderShare_SquaresSharingAnEdgeAlongAStreet_IsOne() =>
        Assert.Equal(1.0, Share("LINESTRING (100 -50, 100 150)", West, East));

    [Fact]
    public void BorderShare_StreetTwentyMetresAway_IsZero() =>
        Assert.Equal(0.0, Share("LINESTRING (120 -50, 120 150)", West, East));

    [Fact]
    public void BorderShare_StreetBesideHalfTheBorder_CountsWhatIsWithinTenMetres() =>
        //-- 5 m beside the border from y = 0 to 50: the 10 m reach ends √(10² − 5²) beyond the street's end.
        Assert.Equal(Math.Round((50 + Math.Sqrt(75)) / 100, 4), Share("LINESTRING (105 0, 105 50)", West, East));

    [Fact]
    public void BorderShare_StreetAlongTheOutline_OnlyCountsTheInternalBorderNearIt() =>
        //-- The township's south edge is no internal border: only the 10 m of x = 100 nearest it count.
        Assert.Equal(0.1, Share("LINESTRING (-50 0, 250 0)", West, East));

    [Fact]
    public void BorderShare_WithoutStreetsOrBarriers_IsNull() =>
        Assert.Null(new GuidedBorders(Township, []).ShareOf([West, East]));

    [Fact]
    public void BorderShare_SingleTerritory_IsNull() =>
        Assert.Null(Share("LINESTRING (100 -50, 100 150)", Township));

    [Fact]
    public void BorderShare_BorderSplitAtDifferentVerticesOnEachSide_MeasuresItOnce()
    {
        var eastSplit = G("POLYGON ((100 0, 200 0, 200 100, 100 100, 100 50, 100 0))");
        Assert.Equal(1.0, Share("LINESTRING (100 -50, 100 150)", West, eastSplit));
        Assert.Equal(0.3, Share("LINESTRING (100 -50, 100 20)", West, eastSplit));
    }

    [Fact]
    public void BorderShare_RememberingSegmentsAcrossPartitions_GivesTheSharesOfMeasuringEachAfresh()
    {
        //-- One township's local recomputes share an instance that keeps each segment's figures: an
        //-- edge measured alone (one side only) and later shared, or split at a new vertex, must not
        //-- carry a stale figure.
        var guides = new[] { G("LINESTRING (100 -50, 100 20)"), G("LINESTRING (-50 3, 250 3)") };
        var remembering = new GuidedBorders(Township, guides, remember: true);
        var eastSplit = G("POLYGON ((100 0, 200 0, 200 100, 100 100, 100 50, 100 0))");
        Geometry[][] partitions = [[West], [West, East], [West, eastSplit], [West, East], [eastSplit]];
        foreach (var territories in partitions)
            Assert.Equal(new GuidedBorders(Township, guides).ShareOf(territories), remembering.ShareOf(territories));
    }

    [Fact]
    public void SegmentReach_RandomSegments_MatchesSampledDistances()
    {
        var rnd = new Random(5);
        Coordinate P() => new(rnd.NextDouble() * 60, rnd.NextDouble() * 60);
        for (int i = 0; i < 300; i++)
        {
            Coordinate a = P(), b = P(), p = P(), q = i % 10 == 0 ? p.Copy() : P();
            var guide = new LineSegment(p, q);
            var interval = SegmentReach.Within(a, b, p, q, 10);
            const int steps = 2000;
            int near = 0;
            for (int k = 0; k <= steps; k++)
            {
                var at = new Coordinate(a.X + (b.X - a.X) * k / steps, a.Y + (b.Y - a.Y) * k / steps);
                if (guide.Distance(at) <= 10) near++;
            }
            double sampled = near / (double)(steps + 1);
            double exact = interval is { } t ? t.To - t.From : 0;
            Assert.True(Math.Abs(sampled - exact) < 2.0 / steps, $"case {i}: sampled {sampled}, exact {exact}");
        }
    }

    [Fact]
    public void ExactCoverage_SquaresSharingAnEdge_IsTheirUnion()
    {
        var union = ExactCoverage.Union([West, East], Township.Factory);
        Assert.NotNull(union);
        Assert.Equal(20_000, union.Area, 6);
    }

    [Fact]
    public void ExactCoverage_IslandInAHole_IsTheHoleFilled()
    {
        var ring = G("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0), (40 40, 60 40, 60 60, 40 60, 40 40))");
        var island = G("POLYGON ((40 40, 60 40, 60 60, 40 60, 40 40))");
        var union = ExactCoverage.Union([ring, island], Township.Factory);
        Assert.NotNull(union);
        Assert.Equal(10_000, union.Area, 6);
    }

    [Theory]
    [InlineData("POLYGON ((50 0, 150 0, 150 100, 50 100, 50 0))")]
    [InlineData("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))")]
    [InlineData("POLYGON ((20 20, 80 20, 80 80, 20 80, 20 20))")]
    public void ExactCoverage_OverlappingTerritories_ProvesNothing(string other) =>
        Assert.Null(ExactCoverage.Union([West, G(other)], Township.Factory));

    [Fact]
    public void Coverage_OverlapOrTJunction_FallsBackToTheUnion()
    {
        var c = QualityReporter.Coverage([West, East, G("POLYGON ((50 0, 150 0, 150 100, 50 100, 50 0))")], Township);
        Assert.False(c.Exact);
        Assert.Equal(0, c.Gap, 12);
        Assert.Equal(0.5, c.Overlap, 12);

        var eastSplit = G("POLYGON ((100 0, 200 0, 200 50, 100 50, 100 0))");
        var eastTop = G("POLYGON ((100 50, 200 50, 200 100, 100 100, 100 50))");
        c = QualityReporter.Coverage([West, eastSplit, eastTop], Township);
        Assert.False(c.Exact);
        Assert.Equal(0, c.Gap, 12);
        Assert.Equal(0, c.Overlap, 12);
    }

    [Fact]
    public void Coverage_ExactWithAGap_MeasuresTheGap()
    {
        var smallEast = G("POLYGON ((100 0, 150 0, 150 100, 100 100, 100 0))");
        var c = QualityReporter.Coverage([West, smallEast], Township);
        Assert.True(c.Exact);
        Assert.Equal(0.25, c.Gap, 12);
        Assert.Equal(0, c.Overlap);

        var whole = QualityReporter.Coverage([G("POLYGON ((0 0, 150 0, 150 100, 0 100, 0 0))")], Township, known: c);
        Assert.Equal(c.Gap, whole.Gap);
    }

    [Theory]
    [InlineData("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))", 4)]
    [InlineData("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0), (40 40, 60 40, 60 60, 40 60, 40 40))", 8)]
    [InlineData("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 6, 5 5)))", 7)]
    [InlineData("POLYGON EMPTY", 0)]
    public void Vertices_RingsClosingVertex_IsNotCounted(string wkt, int expected) =>
        Assert.Equal(expected, QualityReporter.Vertices(G(wkt)));

    [Fact]
    public void TerritoryStability_UnchangedHouseholdsAndTerritories_IsOne() =>
        Assert.Equal(1.0, Stability(West, East, West, East));

    [Fact]
    public void TerritoryStability_MovedBorder_CountsBothSidesAsChanged()
    {
        var westWider = G("POLYGON ((0 0, 110 0, 110 100, 0 100, 0 0))");
        var eastNarrower = G("POLYGON ((110 0, 200 0, 200 100, 110 100, 110 0))");
        Assert.Equal(0.0, Stability(West, East, westWider, eastNarrower));
    }

    [Fact]
    public void TerritoryStability_BorderMovedUnderOneSquareMetre_IsUnchanged()
    {
        //-- A sliver of 0.8 m² moves from east to west; a vertex is added on the west side too.
        var westNudged = G("POLYGON ((0 0, 100 0, 100.016 50, 100 100, 0 100, 0 0))");
        var eastNudged = G("POLYGON ((100 0, 200 0, 200 100, 100 100, 100.016 50, 100 0))");
        Assert.Equal(1.0, Stability(West, East, westNudged, eastNudged));
    }

    [Fact]
    public void TerritoryStability_VerticesAddedOnItsEdges_IsUnchanged() =>
        //-- What a neighbour's redrawn border leaves on an unchanged territory: new vertices on its edges.
        Assert.Equal(1.0, Stability(West, East, G("POLYGON ((0 0, 50 0, 100 0, 100 30, 100 100, 0 100, 0 50, 0 0))"), East));

    [Fact]
    public void TerritoryStability_BorderBentOutAndInAtTheSameArea_IsChanged()
    {
        //-- The same area (within a square metre) but 5 cm bends over 100 m: about 2.5 m² moved.
        var westBent = G("POLYGON ((0 0, 100 0, 100.05 25, 100 50, 99.95 75, 100 100, 0 100, 0 0))");
        var eastBent = G("POLYGON ((100 0, 200 0, 200 100, 100 100, 99.95 75, 100 50, 100.05 25, 100 0))");
        Assert.Equal(0.0, Stability(West, East, westBent, eastBent));
    }

    [Fact]
    public void TerritoryStability_SameBorderFromAnotherStartVertex_IsUnchanged() =>
        Assert.Equal(1.0, Stability(West, East, G("POLYGON ((100 100, 0 100, 0 0, 100 0, 100 100))"), East));

    [Fact]
    public void TerritoryStability_ChangedHouseholds_LeaveTheCount()
    {
        var westWider = G("POLYGON ((0 0, 110 0, 110 100, 0 100, 0 0))");
        var eastNarrower = G("POLYGON ((110 0, 200 0, 200 100, 110 100, 110 0))");
        //-- East lost a household: only west is compared, and its border moved.
        Assert.Equal(0.0, Stability(West, East, westWider, eastNarrower, eastLoses: true));
        //-- No micro-grid kept its households: nothing to say.
        Assert.Null(Stability(West, East, West, East, eastLoses: true, westGains: true));
    }

    [Theory]
    //-- One end of a long, many-vertexed border redrawn: measured within the stretch that differs.
    [InlineData("POLYGON ((0 0, 1000 0, 1000 100, 995 100, 990 101, 985 100, 0 100, 0 0))")]
    //-- A bend in the middle of the south edge, and a hole that moved.
    [InlineData("POLYGON ((0 0, 400 0, 500 -3, 600 0, 1000 0, 1000 100, 0 100, 0 0), (700 40, 720 40, 720 60, 700 60, 700 40))")]
    //-- The same polygon from another start vertex and the other way round.
    [InlineData("POLYGON ((1000 100, 1000 0, 0 0, 0 100, 1000 100), (300 40, 300 60, 320 60, 320 40, 300 40))")]
    //-- Wholly elsewhere.
    [InlineData("POLYGON ((2000 0, 2100 0, 2100 100, 2000 100, 2000 0))")]
    public void SymDifferenceArea_MeasuredWhereBordersDiffer_IsTheWholeOverlays(string afterWkt)
    {
        var before = G("POLYGON ((0 0, 1000 0, 1000 100, 0 100, 0 0), (300 40, 320 40, 320 60, 300 60, 300 40))");
        var after = G(afterWkt);
        double whole = NetTopologySuite.Operation.OverlayNG.OverlayNGRobust.Overlay(before, after, NetTopologySuite.Operation.Overlay.SpatialFunction.SymDifference).Area;
        Assert.Equal(whole, TerritoryStability.SymDifferenceArea(after, before), 9);
        Assert.Equal(whole, TerritoryStability.SymDifferenceArea(before, after), 9);
    }

    /// <summary>Two micro-grids, west (w1, w2) and east (e1, e2), before and after; lon/lat is
    /// taken as metres here.</summary>
    private static double? Stability(Geometry westBefore, Geometry eastBefore, Geometry westAfter, Geometry eastAfter,
        bool eastLoses = false, bool westGains = false)
    {
        var before = new Dictionary<string, string> { ["w1"] = "W", ["w2"] = "W", ["e1"] = "E", ["e2"] = "E" };
        List<Assignment> after =
        [
            new("w1", "W", "G"), new("w2", "W", "G"), new("e1", westGains ? "W" : "E", "G"),
            .. eastLoses ? Array.Empty<Assignment>() : [new Assignment("e2", "E", "G")],
        ];
        var units = new[] { westAfter, eastAfter };
        var p = new MeasuredPartition(Township, ["w1", "w2", "e1", "e2"], after, units,
            [new MeasuredMicroGrid("W", MicroGridKind.Cluster, 2, 0, 0), new MeasuredMicroGrid("E", MicroGridKind.Cluster, 2, 1, 0)],
            [], [], Guides: null,
            new MeasuredPrevious(before, new Dictionary<string, Geometry?> { ["W"] = westBefore, ["E"] = eastBefore }, units, g => g));
        return TerritoryStability.Of(p, p.Previous!);
    }

    [Fact]
    public void Report_StreetsAndBarriers_GiveBorderSharesAndVertices()
    {
        var households = TestData.Hamlets(1200, seed: 3);
        var street = new StreetInput("s1", TestData.Geom("LINESTRING (104.9055 27.4, 104.9055 27.41)"));
        var input = TestData.Input(TestData.SquareTownship, households) with { Streets = [street] };
        var r = new TownshipPartitioner(new PartitionOptions()).Partition(input).Report;
        Assert.InRange(r.BorderOnGuidesShare!.Value, 0.0, 1.0);
        Assert.InRange(r.GridLevel.BorderOnGuidesShare!.Value, 0.0, 1.0);
        Assert.True(r.VerticesMean >= 3, $"vertices {r.VerticesMean}");
        Assert.Null(r.TerritoryStability);

        var bare = new TownshipPartitioner(new PartitionOptions()).Partition(TestData.Input(TestData.SquareTownship, households)).Report;
        Assert.Null(bare.BorderOnGuidesShare);
        Assert.Null(bare.GridLevel.BorderOnGuidesShare);
    }

    [Fact]
    public void Report_StoredBeforeTheNewFigures_StillReads()
    {
        var r = new TownshipPartitioner(new PartitionOptions()).Partition(TestData.Input(TestData.SquareTownship, TestData.Hamlets(300, seed: 2))).Report;
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(r, Files.PartitionJson.Options))!.AsObject();
        json.Remove("vertices_mean");
        json.Remove("border_on_guides_share");
        json.Remove("territory_stability");
        json["grid_level"]!.AsObject().Remove("border_on_guides_share");
        var old = System.Text.Json.JsonSerializer.Deserialize<QualityReport>(json.ToJsonString(), Files.PartitionJson.Options)!;
        Assert.Null(old.VerticesMean);
        Assert.Null(old.GridLevel.BorderOnGuidesShare);
        Assert.Equal(r.PolsbyPopperMean, old.PolsbyPopperMean);
    }

    [Fact]
    public void Report_SameInputAgain_KeepsEveryTerritory()
    {
        var households = TestData.Hamlets(500, seed: 8);
        var partitioner = new TownshipPartitioner(new PartitionOptions());
        var first = partitioner.Partition(TestData.Input(TestData.SquareTownship, households));
        var previous = PreviousPartition.Of(first);
        var second = partitioner.Partition(TestData.Input(TestData.SquareTownship, households, previous: previous));
        Assert.Equal(1.0, second.Report.TerritoryStability);
    }
}
