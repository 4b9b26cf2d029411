using GridSpatial.Partitioner.Incremental;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>A region's fresh partition leaves the land across its edge as it was (#21): a vertex only
/// one of its territories has on the edge goes, and a new border ends at a corner the edge has.</summary>
public class LooseEdgeVerticesTests
{
    /// <summary>A 100 m square region with corners and the midpoints of its bottom and top edges as
    /// its edge's vertices, split by a border from (47, 0) to (53, 100); the left territory also has
    /// a vertex of its own at (0, 30) on the edge.</summary>
    private sealed class Square
    {
        public readonly MetricProjection Projection = new(104.9, new Coordinate(104.9, 27.4));
        private readonly Dictionary<(double, double), Coordinate> _at = [];

        public Coordinate At(double x, double y) =>
            _at.TryGetValue((x, y), out var c) ? c : _at[(x, y)] = Projection.Inverse(new Coordinate(x, y));

        public Polygon Polygon(params (double X, double Y)[] ring) =>
            Projection.LonLatFactory.CreatePolygon([.. ring.Select(p => At(p.X, p.Y)), At(ring[0].X, ring[0].Y)]);

        public Polygon Region => Polygon((0, 0), (50, 0), (100, 0), (100, 100), (50, 100), (0, 100));
        public Polygon Left => Polygon((0, 0), (47, 0), (53, 100), (50, 100), (0, 100), (0, 30));
        public Polygon Right => Polygon((47, 0), (50, 0), (100, 0), (100, 100), (53, 100));

        public LooseEdgeVertices Tidy(params (double X, double Y)[] rightHouseholds)
        {
            var region = Region;
            var (left, right) = (Left, Right);
            var households = new Dictionary<Geometry, IReadOnlyList<Coordinate>>(ReferenceEqualityComparer.Instance)
            {
                [left] = [At(20, 50)],
                [right] = [At(80, 50), .. rightHouseholds.Select(h => At(h.X, h.Y))],
            };
            Territories = (left, right);
            return new LooseEdgeVertices([left, right], region, [.. region.Coordinates], Projection, t => households[t]);
        }

        public (Polygon Left, Polygon Right) Territories { get; private set; }
    }

    [Fact]
    public void NewBorder_EndsAtTheEdgesNearestCorners_AndAVertexOfOneTerritoryAloneGoes()
    {
        var s = new Square();
        var tidy = s.Tidy();

        var left = tidy.Apply(s.Territories.Left);
        var right = tidy.Apply(s.Territories.Right);

        Assert.True(s.Polygon((0, 0), (50, 0), (50, 100), (0, 100)).Normalized().EqualsExact(left!.Normalized()), left!.ToText());
        Assert.True(s.Polygon((50, 0), (100, 0), (100, 100), (50, 100)).Normalized().EqualsExact(right!.Normalized()), right!.ToText());
        //-- Nothing left that the land across would have to take: every vertex is one of the edge's or inside.
        var edge = new HashSet<Coordinate>(s.Region.Coordinates);
        Assert.All(left.Coordinates.Concat(right.Coordinates), c => Assert.Contains(c, edge));
    }

    [Fact]
    public void NewBorder_NeverEndsAtACornerOfAHoleOrAnotherStretchOfTheEdge_OnlyAtAnEndOfItsOwnSegment()
    {
        var s = new Square();
        var f = s.Projection.LonLatFactory;
        LinearRing Ring(params (double X, double Y)[] r) => f.CreateLinearRing([.. r.Select(p => s.At(p.X, p.Y)), s.At(r[0].X, r[0].Y)]);
        //-- A kept tower's land (a hole in the region) with a corner 11 m from where the new border meets the
        //-- bottom edge, whose own ends lie 50 m away.
        var hole = Ring((40, 10), (40, 20), (45, 20), (45, 10));
        var region = f.CreatePolygon(Ring((0, 0), (100, 0), (100, 100), (0, 100)), [hole]);
        var left = f.CreatePolygon(Ring((0, 0), (50, 0), (50, 100), (0, 100)), [hole]);
        var right = f.CreatePolygon(Ring((50, 0), (100, 0), (100, 100), (50, 100)));
        var households = new Dictionary<Geometry, IReadOnlyList<Coordinate>>(ReferenceEqualityComparer.Instance) { [left] = [s.At(20, 50)], [right] = [s.At(80, 50)] };

        var tidy = new LooseEdgeVertices([left, right], region, [.. region.Coordinates], s.Projection, t => households[t]);

        Assert.Same(left, tidy.Apply(left));
        Assert.Same(right, tidy.Apply(right));
    }

    [Fact]
    public void NewBorder_StaysWhereItMeetsTheEdge_WhenMovingItWouldPutAHouseholdInTheOtherTerritory()
    {
        var s = new Square();
        //-- A household of the right territory between the drawn border's foot (47, 0) and the corner (50, 0).
        var tidy = s.Tidy((48.5, 1));

        var left = tidy.Apply(s.Territories.Left)!;
        var right = tidy.Apply(s.Territories.Right)!;

        Assert.Contains(s.At(47, 0), left.Coordinates);
        Assert.Contains(s.At(47, 0), right.Coordinates);
        //-- The other foot moved all the same, and the left territory's own vertex on the edge went.
        Assert.DoesNotContain(s.At(53, 100), left.Coordinates);
        Assert.DoesNotContain(s.At(0, 30), left.Coordinates);
        Assert.True(left.IsValid && right.IsValid);
        Assert.Equal(s.Region.Area, left.Area + right.Area, 12);
    }
}
