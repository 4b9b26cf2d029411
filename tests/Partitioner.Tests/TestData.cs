using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;
using NetTopologySuite;
using NetTopologySuite.IO;

namespace GridSpatial.Partitioner.Tests;

/// <summary>Small inputs for tests, given as WKT in lon/lat, and the shared real data.</summary>
internal static class TestData
{
    private static readonly WKTReader Wkt = new(new NtsGeometryServices(new PrecisionModel(), 4326));

    public static Geometry Geom(string wkt) => Wkt.Read(wkt);

    /// <summary>A square township of about 1.1 km × 1.1 km at 104.9 E, 27.4 N.</summary>
    public const string SquareTownship = "POLYGON ((104.9 27.4, 104.911 27.4, 104.911 27.41, 104.9 27.41, 104.9 27.4))";

    public static PartitionInput Input(string townshipWkt, IEnumerable<HouseholdInput> households,
        IEnumerable<BarrierInput>? barriers = null, IEnumerable<VillageInput>? villages = null, PreviousPartition? previous = null) =>
        new(new TownshipInput("530627118", "测试镇", Geom(townshipWkt)), households.ToList(), [],
            (barriers ?? []).ToList(), (villages ?? []).ToList(), previous);

    /// <summary>Households scattered in hamlets over the square township, deterministic.</summary>
    public static List<HouseholdInput> Hamlets(int count, int seed = 7)
    {
        var rnd = new Random(seed);
        var centres = Enumerable.Range(0, Math.Max(1, count / 40))
            .Select(_ => (X: 104.9015 + rnd.NextDouble() * 0.008, Y: 27.4015 + rnd.NextDouble() * 0.007)).ToList();
        return Enumerable.Range(0, count).Select(i =>
        {
            var c = centres[i % centres.Count];
            return new HouseholdInput($"h{i:D5}", new Coordinate(c.X + (rnd.NextDouble() - 0.5) * 0.002, c.Y + (rnd.NextDouble() - 0.5) * 0.002));
        }).ToList();
    }

    /// <summary>../shared/data/liechtenstein beside the repository, or null when absent.</summary>
    public static string? Liechtenstein()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GridSpatial.sln"))) dir = dir.Parent;
        if (dir?.Parent is null) return null;
        var path = Path.Combine(dir.Parent.FullName, "shared", "data", "liechtenstein");
        return Directory.Exists(path) ? path : null;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GridSpatial.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("GridSpatial.sln not found above the test binaries.");
    }
}
