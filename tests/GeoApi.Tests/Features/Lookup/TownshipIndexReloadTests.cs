using GridSpatial.GeoApi.Cli;
using GridSpatial.GeoApi.Features.Lookup;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using NetTopologySuite.Geometries;
using static GridSpatial.GeoApi.Tests.Features.Lookup.PackedTerritoriesTests;

namespace GridSpatial.GeoApi.Tests.Features.Lookup;

/// <summary>A township's lookup index reloaded to a later version (carrying what did not change, as
/// <see cref="LookupIndex"/> does through <see cref="TownshipIndex.Carry"/>) answers every point as an
/// index built afresh on that version, while it re-tests only the cells around what changed.</summary>
public class TownshipIndexReloadTests
{
    private static readonly GeometryFactory Factory = new();
    private static readonly Dictionary<string, string> NoVillages = [];
    private static readonly Dictionary<string, int> NoGrids = [];

    [Fact]
    public void Find_AfterAReloadThatCarriesUnchangedTerritories_AnswersAsAFreshBuild_AndRetestsOnlyCellsNearTheChanged()
    {
        var input = BenchCommand.Synthetic("530627903", 2500, 903);
        var partitioner = new TownshipPartitioner(new PartitionOptions());
        var first = partitioner.Partition(input);
        //-- The lowest-coded micro-grid's households gone, so every territory after it changes number: a
        //-- recompute redraws the micro-grids around it only.
        string lowest = first.MicroGrids.Select(m => m.Code).Min(StringComparer.Ordinal)!;
        var gone = first.Assignments.Where(a => a.MicroGridCode == lowest).Select(a => a.HouseholdId).ToHashSet();
        var second = partitioner.Partition(input with { Households = input.Households.Where(h => !gone.Contains(h.Id)).ToList(), Previous = PreviousPartition.Of(first) });

        var index = Fresh(1, input.Township.Boundary.EnvelopeInternal, first.MicroGrids.Select(m => (Entry(m), (Geometry)m.Territory)));
        //-- A micro-grid's row closes when the new version does not have it exactly as it was.
        static string Row(MicroGrid m) => $"{m.Code}|{m.GridCode}|{m.HouseholdCount}|{m.FloorFrom}|{m.FloorTo}|{m.Territory.AsText()}";
        var kept = first.MicroGrids.Select(Row).Intersect(second.MicroGrids.Select(Row)).ToHashSet();
        var closed = first.MicroGrids.Where(m => !kept.Contains(Row(m))).Select(m => m.Code).ToHashSet(StringComparer.Ordinal);
        var reloaded = Reload(index, 2, closed, second.MicroGrids.Where(m => !kept.Contains(Row(m))).Select(m => (Entry(m), (Geometry)m.Territory)));
        int carriedRows = second.MicroGrids.Count - second.MicroGrids.Count(m => !kept.Contains(Row(m)));
        Assert.True(carriedRows >= second.MicroGrids.Count / 2 && carriedRows < second.MicroGrids.Count, $"{carriedRows} of {second.MicroGrids.Count} micro-grids carried");
        Assert.DoesNotContain(second.MicroGrids, m => m.Code == lowest);
        var fresh = Fresh(2, index.Extent, second.MicroGrids.Select(m => (Entry(m), (Geometry)m.Territory)));

        Assert.True(reloaded.Grid.CellsTested * 4 < fresh.Grid.CellsTested, $"{reloaded.Grid.CellsTested} cells tested on reload, {fresh.Grid.CellsTested} fresh");
        var probes = Probes(second.MicroGrids.Select(m => m.Territory).Distinct(ReferenceEqualityComparer.Instance).Cast<Geometry>(), new Random(4)).ToList();
        AnswersAlike(fresh, reloaded, probes, new Random(5));
    }

    [Fact]
    public void Find_AfterAStacksLowestCodeLeftIt_TestsItsCellsAgain_SoTheLowestCodeStillWinsWhereTerritoriesOverlap()
    {
        //-- A (floor runs …101 and …301) covers B (…201). Version 1 answers A inside B; when …101 leaves, A's
        //-- lowest code is …301 and B wins there — though A's territory is carried over unchanged.
        var a = Square(0, 0, 10);
        var b = Square(2, 2, 4);
        var v1 = Fresh(1, a.EnvelopeInternal, [(Floor("530627904000000101"), a), (Floor("530627904000000301"), a), (Floor("530627904000000201"), b)]);
        Assert.Equal("530627904000000101", v1.Find(4, 4)?.MicroGrid.Code);

        var v2 = Reload(v1, 2, new HashSet<string>(["530627904000000101"]), []);
        Assert.Equal("530627904000000201", v2.Find(4, 4)?.MicroGrid.Code);
        AnswersAlike(Fresh(2, a.EnvelopeInternal, [(Floor("530627904000000301"), a), (Floor("530627904000000201"), b)]), v2,
            Probes([a, b], new Random(6)).ToList(), new Random(7));
    }

    [Fact]
    public void Find_AfterAReloadOfAReload_KeepsTheLayoutOnlyWhileTerritoriesStayWithinAQuarterOfWhatItWasMadeFor()
    {
        //-- 400 unit squares; the four corners stay, so the extent does too.
        var squares = (from y in Enumerable.Range(0, 20) from x in Enumerable.Range(0, 20)
                       select (Entry: Floor($"530627904{y * 20 + x + 100_000:D9}"), Territory: (Geometry)Square(x, y, 1))).ToList();
        bool Corner(int i) => i is 0 or 19 or 380 or 399;
        var v1 = Fresh(1, new Envelope(0, 20, 0, 20), squares);
        //-- 80 squares leave (a fifth of 400): the layout stays, so only the cells around them are tested.
        var first = Enumerable.Range(0, 400).Where(i => !Corner(i) && i % 5 == 2).ToHashSet();
        var v2 = Reload(v1, 2, Codes(squares, first), []);
        var fresh2 = Fresh(2, v1.Extent, squares.Where((_, i) => !first.Contains(i)));
        Assert.True(v2.Grid.CellsTested * 2 < fresh2.Grid.CellsTested, $"{v2.Grid.CellsTested} cells tested on reload, {fresh2.Grid.CellsTested} fresh");
        AnswersAlike(fresh2, v2, Probes(squares.Select(s => s.Territory), new Random(8)).ToList(), new Random(9));

        //-- 40 more leave: a tenth of what v2 holds, but 120 of the 400 the layout was made for — a fresh layout is due.
        var second = Enumerable.Range(0, 400).Where(i => !Corner(i) && i % 10 == 4).ToHashSet();
        var v3 = Reload(v2, 3, Codes(squares, second), []);
        var fresh3 = Fresh(3, v1.Extent, squares.Where((_, i) => !first.Contains(i) && !second.Contains(i)));
        Assert.Equal(280, v3.MicroGrids);
        Assert.Equal(fresh3.Grid.CellsTested, v3.Grid.CellsTested);
        Assert.Equal(fresh3.Grid.Bytes, v3.Grid.Bytes);
        AnswersAlike(fresh3, v3, Probes(squares.Select(s => s.Territory), new Random(10)).ToList(), new Random(11));
    }

    private static HashSet<string> Codes(List<(MicroGridEntry Entry, Geometry Territory)> squares, HashSet<int> which) =>
        which.Select(i => squares[i].Entry.Code).ToHashSet(StringComparer.Ordinal);

    private static TownshipIndex Fresh(int version, Envelope extent, IEnumerable<(MicroGridEntry Entry, Geometry Territory)> microGrids)
    {
        var builder = new PackedTerritories.Builder();
        var rows = microGrids.Select(m => (m.Entry, builder.Add(m.Territory))).ToList();
        return TownshipIndex.Build("530627904", "镇", version, extent, NoVillages, NoGrids, builder, rows);
    }

    /// <summary>As <see cref="LookupIndex"/> reloads: what did not close carried, the opened rows read anew.</summary>
    private static TownshipIndex Reload(TownshipIndex loaded, int version, IReadOnlySet<string> closed, IEnumerable<(MicroGridEntry Entry, Geometry Territory)> opened)
    {
        var builder = new PackedTerritories.Builder();
        var (rows, carried) = loaded.Carry(builder, closed);
        rows.AddRange(opened.Select(m => (m.Entry, builder.Add(m.Territory))));
        return TownshipIndex.Build(loaded.Code, loaded.Name, version, loaded.Extent, NoVillages, NoGrids, builder, rows, loaded, carried);
    }

    private static void AnswersAlike(TownshipIndex fresh, TownshipIndex reloaded, List<Coordinate> probes, Random rnd)
    {
        var extent = fresh.Extent;
        probes.AddRange(Enumerable.Range(0, 20_000).Select(_ => new Coordinate(extent.MinX + rnd.NextDouble() * extent.Width, extent.MinY + rnd.NextDouble() * extent.Height)));
        foreach (var p in probes)
        {
            var (a, b) = (fresh.Find(p.X, p.Y), reloaded.Find(p.X, p.Y));
            Assert.True(a?.MicroGrid.Code == b?.MicroGrid.Code, $"{p}: fresh {a?.MicroGrid.Code}, reloaded {b?.MicroGrid.Code}");
            if (a is not null) Assert.Equal(a.Stack.Select(x => x.Code), b!.Stack.Select(x => x.Code));
        }
    }

    private static MicroGridEntry Floor(string code) => new(code, code[..15], code[..12], "floor", 8, 1, 3);

    private static Polygon Square(double x, double y, double size) =>
        Factory.CreatePolygon([new(x, y), new(x + size, y), new(x + size, y + size), new(x, y + size), new(x, y)]);
}
