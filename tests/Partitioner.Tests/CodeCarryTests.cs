using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridSpatial.Partitioner.Tests;

/// <summary>DESIGN §2: a unit keeps a code when it keeps most of its households, "then by area
/// overlap": a micro-grid split evenly still lives on in one of its halves.</summary>
public class CodeCarryTests
{
    private const string Grid = "530627118201001";
    private static readonly WKTReader Wkt = new();

    private static Geometry G(string wkt) => Wkt.Read(wkt);

    /// <summary>Micro-grid 001: eight households on the square 0–100 m; 002: ten on 100–200 m.</summary>
    private static (PreviousPartition Previous, Func<string, Geometry?> Territory) Previous()
    {
        var of = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < 8; i++) of[$"a{i}"] = Grid + "001";
        for (int i = 0; i < 10; i++) of[$"b{i}"] = Grid + "002";
        var territories = new Dictionary<string, Geometry>
        {
            [Grid + "001"] = G("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))"),
            [Grid + "002"] = G("POLYGON ((100 0, 200 0, 200 100, 100 100, 100 0))"),
        };
        var microGrids = territories.Keys.Select(c => new PreviousMicroGrid(c, Grid, Grid[..12], "cluster", null)).ToList();
        var history = territories.Keys.Select(c => new CodeRecord(c, "micro_grid", Grid, 1, null, [], [])).ToList();
        return (new PreviousPartition(1, microGrids, of, history), c => territories.GetValueOrDefault(c));
    }

    private static CodeAssigner.Unit Unit(IEnumerable<string> households, string territory)
    {
        var t = G(territory);
        return new(Grid, t.Centroid.Coordinate, households.First(), households.ToList()) { Territory = t };
    }

    private static readonly string[] Bs = ["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9"];

    [Fact]
    public void AssignMicroGrids_MicroGridSplitInHalves_TheHalfOverlappingItsOldTerritoryMostKeepsTheCode()
    {
        var (previous, territory) = Previous();
        //-- The half listed first reaches over the neighbour's land and keeps little of the old square.
        var units = new[]
        {
            Unit(Bs, "POLYGON ((130 0, 200 0, 200 100, 130 100, 130 0))"),
            Unit(["a0", "a1", "a2", "a3"], "POLYGON ((70 0, 130 0, 130 100, 70 100, 70 0))"),
            Unit(["a4", "a5", "a6", "a7"], "POLYGON ((0 0, 70 0, 70 100, 0 100, 0 0))"),
        };
        var codes = new CodeAssigner(previous, territory).AssignMicroGrids(units, _ => 20_000, _ => 100);

        Assert.Equal([Grid + "002", Grid + "003", Grid + "001"], codes);
    }

    [Fact]
    public void AssignMicroGrids_MicroGridSplitInHalvesWithoutTerritories_OneHalfKeepsTheCode()
    {
        var (previous, _) = Previous();
        var units = new[]
        {
            Unit(["a0", "a1", "a2", "a3"], "POLYGON ((0 0, 50 0, 50 100, 0 100, 0 0))"),
            Unit(["a4", "a5", "a6", "a7"], "POLYGON ((50 0, 100 0, 100 100, 50 100, 50 0))"),
        };
        var codes = new CodeAssigner(previous).AssignMicroGrids(units, _ => 10_000, _ => 100);

        Assert.Single(codes, c => c == Grid + "001");
        Assert.Contains(Grid + "003", codes);
    }

    [Fact]
    public void AssignMicroGrids_MostHouseholdsStay_ThoseKeepTheCodeWhateverTheTerritory()
    {
        var (previous, territory) = Previous();
        var units = new[]
        {
            Unit(["a0", "a1", "a2", "a3", "a4"], "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"),
            Unit(["a5", "a6", "a7"], "POLYGON ((10 0, 100 0, 100 100, 10 100, 10 0))"),
        };
        var codes = new CodeAssigner(previous, territory).AssignMicroGrids(units, _ => 10_000, _ => 100);

        Assert.Equal([Grid + "001", Grid + "003"], codes);
    }

    [Fact]
    public void AssignMicroGrids_MicroGridMergedIntoItsNeighbour_IsRetiredNotPassedToItsRemnant()
    {
        var (previous, territory) = Previous();
        //-- Six of 001's eight households joined 002's ten in one unit, which keeps 002: 001 merged into it.
        //-- The two left behind are a new micro-grid, not 001 (they are not most of its households).
        var units = new[]
        {
            Unit(Bs.Concat(["a0", "a1", "a2", "a3", "a4", "a5"]), "POLYGON ((20 0, 200 0, 200 100, 20 100, 20 0))"),
            Unit(["a6", "a7"], "POLYGON ((0 0, 20 0, 20 100, 0 100, 0 0))"),
        };
        var assigner = new CodeAssigner(previous, territory);
        var codes = assigner.AssignMicroGrids(units, _ => 20_000, _ => 100);

        Assert.Equal([Grid + "002", Grid + "003"], codes);
        var retired = Assert.Single(assigner.History(2), r => r.Code == Grid + "001");
        Assert.Equal(1, retired.ValidTo);
        Assert.Equal([Grid + "002", Grid + "003"], retired.Successors.Order(StringComparer.Ordinal));
    }
}
