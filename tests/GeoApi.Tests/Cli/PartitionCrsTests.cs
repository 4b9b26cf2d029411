using System.Text.Json;
using GridSpatial.GeoApi.Cli;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Algorithm.Distance;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Tests.Cli;

/// <summary>GCJ-02, BD-09 and Gauss–Krüger input files (<c>--input-crs</c>, or the options file's <c>input_crs</c>
/// for <c>partition</c> and <c>partition-all</c>) give the partition of the WGS 84 files they
/// were made from: the same assignments and codes, territories within centimetres. No database.</summary>
public sealed class PartitionCrsTests : IDisposable
{
    private static readonly GeneratedTownship Township = new TownshipGenerator(141).Generate("530627141", "坐标镇", 104.87, 27.44, 400);

    private readonly string _dir = Directory.CreateTempSubdirectory("gridspatial-crs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Partition_Gcj02FilesWithInputCrsOrOptionsFile_GiveTheWgs84Partition()
    {
        var wgs = Write("wgs84", Township);
        var gcj = Write("gcj02", ToGcj02(Township));
        var options = Path.Combine(_dir, "options.json");
        await File.WriteAllTextAsync(options, """{ "input_crs": "gcj02" }""");

        Assert.Equal(0, await Partition(wgs, "out-wgs84"));
        Assert.Equal(0, await Partition(gcj, "out-flag", "--input-crs", "gcj02"));
        Assert.Equal(0, await Partition(gcj, "out-options", "--options", options));

        AssertSamePartition(Path.Combine(_dir, "out-wgs84"), Path.Combine(_dir, "out-flag"));
        AssertSamePartition(Path.Combine(_dir, "out-wgs84"), Path.Combine(_dir, "out-options"));
    }

    [Fact]
    public async Task PartitionAll_Gcj02FoldersWithOptionsFile_GiveTheWgs84Partition()
    {
        var wgs = Write("wgs84", Township);
        Write(Path.Combine("all", "530627141"), ToGcj02(Township));
        var options = Path.Combine(_dir, "options.json");
        await File.WriteAllTextAsync(options, """{ "input_crs": "gcj02" }""");

        Assert.Equal(0, await Partition(wgs, "out-wgs84"));
        Assert.Equal(0, await CliHost.RunAsync(["partition-all", "--input", Path.Combine(_dir, "all"), "--out", Path.Combine(_dir, "out-all"),
            "--options", options, "--parallel", "1"]));

        AssertSamePartition(Path.Combine(_dir, "out-wgs84"), Path.Combine(_dir, "out-all", "530627141"));
    }

    [Theory]
    [InlineData("bd09")]
    [InlineData("EPSG:4544")]
    [InlineData("EPSG:4523")]
    public async Task Partition_Bd09OrGaussKrugerFilesWithInputCrs_GiveTheWgs84Partition(string crs)
    {
        var wgs = Write("wgs84", Township);
        var converted = Write(crs.Replace(':', '_'), To(Township, Partitioner.Files.InputCrs.Parse(crs).FromWgs84));
        Assert.Equal(0, await Partition(wgs, "out-wgs84"));
        Assert.Equal(0, await Partition(converted, "out-" + crs.Replace(':', '_'), "--input-crs", crs));
        AssertSamePartition(Path.Combine(_dir, "out-wgs84"), Path.Combine(_dir, "out-" + crs.Replace(':', '_')));
    }

    private string Write(string name, GeneratedTownship township)
    {
        var dir = Path.Combine(_dir, name);
        SampleWriter.Write(township, dir);
        return dir;
    }

    private Task<int> Partition(string dir, string output, params string[] extra) => CliHost.RunAsync([
        "partition", "--township", Path.Combine(dir, "township.geojson"), "--households", Path.Combine(dir, "households.geojson"),
        "--buildings", Path.Combine(dir, "buildings.geojson"), "--barriers", Path.Combine(dir, "barriers.geojson"),
        "--streets", Path.Combine(dir, "streets.geojson"), "--villages", Path.Combine(dir, "villages.geojson"), "--quiet", "--out", Path.Combine(_dir, output), .. extra]);

    private static GeneratedTownship ToGcj02(GeneratedTownship t) => To(t, Gcj02.FromWgs84);

    private static GeneratedTownship To(GeneratedTownship t, Func<Coordinate, Coordinate> forward)
    {
        T Map<T>(T g) where T : Geometry => (T)CoordinateMapper.Map(g, forward);
        return t with
        {
            Township = t.Township with { Boundary = Map(t.Township.Boundary) },
            Villages = t.Villages.Select(v => v with { Boundary = Map(v.Boundary) }).ToList(),
            Buildings = t.Buildings.Select(b => b with { Footprint = Map(b.Footprint) }).ToList(),
            Households = t.Households.Select(h => h with { Location = Map(h.Location) }).ToList(),
            Barriers = t.Barriers.Select(b => b with { Line = Map(b.Line) }).ToList(),
            Streets = t.Streets.Select(s => s with { Line = Map(s.Line) }).ToList(),
        };
    }

    /// <summary>Same assignments; same micro-grids and grids (code, household count), each
    /// territory within 1e-6° (about 10 cm) of the other's.</summary>
    private static void AssertSamePartition(string expected, string actual)
    {
        Assert.Equal(File.ReadAllText(Path.Combine(expected, "assignments.csv")), File.ReadAllText(Path.Combine(actual, "assignments.csv")));
        foreach (var layer in new[] { "micro_grids.geojson", "grids.geojson" })
        {
            var a = Units(Path.Combine(expected, layer));
            var b = Units(Path.Combine(actual, layer));
            Assert.Equal(a.Select(u => (u.Code, u.Households)), b.Select(u => (u.Code, u.Households)));
            for (int i = 0; i < a.Count; i++)
                Assert.True(DiscreteHausdorffDistance.Distance(a[i].Territory, b[i].Territory) < 1e-6, $"{layer} {a[i].Code}");
        }
    }

    private static List<(string Code, int Households, Geometry Territory)> Units(string path)
    {
        var features = JsonSerializer.Deserialize<NetTopologySuite.Features.FeatureCollection>(File.ReadAllText(path), Partitioner.Files.PartitionJson.Options)!;
        return features.Select(f => ((string)f.Attributes["code"], Convert.ToInt32(f.Attributes["household_count"], System.Globalization.CultureInfo.InvariantCulture), f.Geometry))
            .OrderBy(u => u.Item1, StringComparer.Ordinal).ToList();
    }
}
