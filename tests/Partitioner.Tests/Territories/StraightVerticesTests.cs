using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Geometries;
using Xunit;

namespace GridSpatial.Partitioner.Tests.Territories;

/// <summary>A junction left on a border after the border that met there was redrawn goes from both
/// sides (and from the grids' rings), so territories stop growing vertices edit after edit (#21: a
/// tower's land grew from 27 to 617 over 300 edits) — but only from territories that change anyway,
/// and never a junction, a corner or the outline.</summary>
public class StraightVerticesTests
{
    private readonly MetricProjection _projection = new(104.9, new Coordinate(104.9, 27.4));
    private readonly Dictionary<(double, double), Coordinate> _at = [];

    private Coordinate At(double x, double y) =>
        _at.TryGetValue((x, y), out var c) ? c : _at[(x, y)] = _projection.Inverse(new Coordinate(x, y));

    /// <summary>A polygon of its own coordinate objects (as two territories are: equal values, never the same objects).</summary>
    private Polygon Polygon(params (double X, double Y)[] ring) =>
        _projection.LonLatFactory.CreatePolygon([.. ring.Select(p => At(p.X, p.Y).Copy()), At(ring[0].X, ring[0].Y).Copy()]);

    /// <summary>Two 50 m squares side by side; both have the old junction (50, 40) on their shared border.</summary>
    private (Polygon West, Polygon East) Squares(double junctionX = 50) =>
        (Polygon((0, 0), (50, 0), (junctionX, 40), (50, 100), (0, 100)), Polygon((50, 0), (100, 0), (100, 100), (50, 100), (junctionX, 40)));

    private static HashSet<Geometry> Changing(params Geometry[] territories) => new(territories, ReferenceEqualityComparer.Instance);

    [Fact]
    public void AStraightBorderPointBothSidesOfWhichChange_GoesFromBoth_AndTheLandStaysTheSame()
    {
        var (west, east) = Squares();

        var dropped = StraightVertices.Drop([west, east], [], Changing(west, east), _projection);

        Assert.Equal(4, dropped[west].NumPoints - 1);
        Assert.Equal(4, dropped[east].NumPoints - 1);
        Assert.DoesNotContain(At(50, 40), dropped[west].Coordinates);
        Assert.DoesNotContain(At(50, 40), dropped[east].Coordinates);
        Assert.Equal(_projection.Forward(west).Area, _projection.Forward(dropped[west]).Area, 6);
        //-- Still an exact coverage: the two share their border vertex for vertex.
        var union = dropped[west].Union(dropped[east]);
        Assert.Equal(1, union.NumGeometries);
        Assert.Equal(dropped[west].Area + dropped[east].Area, union.Area, 12);
    }

    [Fact]
    public void APointOnTheBorderOfAnUnchangedTerritory_Stays_SoItsRowIsNotWrittenAgain()
    {
        var (west, east) = Squares();

        Assert.Empty(StraightVertices.Drop([west, east], [], Changing(west), _projection));
    }

    [Fact]
    public void AJunctionOfThreeTerritories_Stays()
    {
        var west = Polygon((0, 0), (50, 0), (50, 40), (50, 100), (0, 100));
        //-- (75, 40): an old junction on the border of the two eastern ones, which goes.
        var southEast = Polygon((50, 0), (100, 0), (100, 40), (75, 40), (50, 40));
        var northEast = Polygon((50, 40), (75, 40), (100, 40), (100, 100), (50, 100));

        var dropped = StraightVertices.Drop([west, southEast, northEast], [], Changing(west, southEast, northEast), _projection);

        Assert.Equal(2, dropped.Count);
        Assert.All(dropped.Values, t => Assert.Contains(At(50, 40), t.Coordinates));
        Assert.All(dropped.Values, t => Assert.DoesNotContain(At(75, 40), t.Coordinates));
    }

    [Fact]
    public void ACornerAMillimetreOffTheLine_Stays()
    {
        var (west, east) = Squares(junctionX: 50.001);

        Assert.Empty(StraightVertices.Drop([west, east], [], Changing(west, east), _projection));
    }

    [Fact]
    public void APointOfTheOutline_Stays()
    {
        //-- (0, 40) on the west square's outer edge: one territory has it.
        var west = Polygon((0, 0), (50, 0), (50, 100), (0, 100), (0, 40));

        Assert.Empty(StraightVertices.Drop([west], [], Changing(west), _projection));
    }

    [Fact]
    public void APointOnAGridBorder_GoesFromTheGridsToo_OnlyWhenBothGridsChange()
    {
        var (west, east) = Squares();
        //-- Each square is a grid of its own (the grids' rings are other objects with the same vertices).
        var (westGrid, eastGrid) = Squares();

        var both = StraightVertices.Drop([west, east], [westGrid, eastGrid], Changing(west, east, westGrid, eastGrid), _projection);
        var one = StraightVertices.Drop([west, east], [westGrid, eastGrid], Changing(west, east, westGrid), _projection);

        Assert.Equal(4, both.Count);
        Assert.All(both.Values, t => Assert.DoesNotContain(At(50, 40), t.Coordinates));
        Assert.Empty(one);
    }
}
