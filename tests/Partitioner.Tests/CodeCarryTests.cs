using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>DESIGN §2: a unit keeps a code when it keeps most of its households, "then by area
/// overlap" — a micro-grid split evenly still lives on in one of its halves.</summary>
public class CodeCarryTests
{
    private const string Grid = "530627118201001";
    private static readonly GeometryFactory Factory = new();

    private static Polygon Box(double x0, double y0, double x1, double y1) =>
        Factory.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);

    private static (PreviousPartition Previous, Func<string, Geometry?> Territory) Previous()
    {
        //-- One micro-grid of eight households on a 100 × 100 m square, beside another of ten.
        var of = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < 8; i++) of[$"a{i}"] = Grid + "001";
        for (int i = 0; i < 10; i++) of[$"b{i}"] = Grid + "002";
        var territories = new Dictionary<string, Geometry> { [Grid + "001"] = Box(0, 0, 100, 100), [Grid + "002"] = Box(100, 0, 200, 100) };
        var microGrids = territories.Keys.Select(c => new PreviousMicroGrid(c, Grid, Grid[..12], "cluster", null)).ToList();
        return (new PreviousPartition(1, microGrids, of, []), c => territories.GetValueOrDefault(c));
    }

    private static CodeAssigner.Unit Unit(IEnumerable<string> households, Polygon territory) =>
        new(Grid, territory.Centroid.Coordinate, households.First(), households.ToList()) { Territory = territory };

    [Fact]
    public void AMicroGridSplitInHalves_PassesItsCodeToTheHalfOverlappingItsOldTerritoryMost()
    {
        var (previous, territory) = Previous();
        //-- Four households stay on most of the old square, four go to a new unit reaching over the neighbour's land.
        var units = new[]
        {
            Unit(["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9"], Box(130, 0, 200, 100)),
            Unit(["a0", "a1", "a2", "a3"], Box(30, 0, 130, 100)),
            Unit(["a4", "a5", "a6", "a7"], Box(0, 0, 30, 100)),
        };
        var codes = new CodeAssigner(previous, territory).AssignMicroGrids(units, _ => 20_000, _ => 100);

        Assert.Equal([Grid + "002", Grid + "001", Grid + "003"], codes);
    }

    [Fact]
    public void AMicroGridSplitInHalves_WithoutTerritories_StillPassesItsCodeToOneHalf()
    {
        var (previous, _) = Previous();
        var units = new[]
        {
            Unit(["a0", "a1", "a2", "a3"], Box(0, 0, 50, 100)),
            Unit(["a4", "a5", "a6", "a7"], Box(50, 0, 100, 100)),
        };
        var codes = new CodeAssigner(previous).AssignMicroGrids(units, _ => 10_000, _ => 100);

        Assert.Single(codes, c => c == Grid + "001");
        Assert.Contains(Grid + "003", codes);
    }

    [Fact]
    public void AMicroGridWhoseHouseholdsMostlyStay_KeepsItsCodeWhateverItsTerritory()
    {
        var (previous, territory) = Previous();
        var units = new[]
        {
            Unit(["a0", "a1", "a2", "a3", "a4"], Box(0, 0, 10, 10)),
            Unit(["a5", "a6", "a7"], Box(10, 0, 100, 100)),
        };
        var codes = new CodeAssigner(previous, territory).AssignMicroGrids(units, _ => 10_000, _ => 100);

        Assert.Equal([Grid + "001", Grid + "003"], codes);
    }
}
