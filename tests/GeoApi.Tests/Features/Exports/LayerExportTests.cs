using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Tests.Features.Exports;

/// <summary>Every layer exported in every format, read back by GDAL's <c>ogrinfo</c> (the client
/// GIS offices use through QGIS and ArcGIS): the feature counts of SQL on the same database,
/// Chinese names intact in GBK and UTF-8 Shapefiles, coordinates of EPSG CRSs within 1 cm of
/// PostGIS <c>ST_Transform</c> and GCJ-02 as the registry's formula gives it; anything unknown is
/// a 400 problem naming its field.</summary>
[Collection("db")]
public partial class LayerExportTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627157";
    private readonly HttpClient _http = db.Client();

    private static readonly string[] Layers = ["township", "villages", "grids", "micro_grids", "households", "buildings", "barriers", "streets"];

    public async Task InitializeAsync()
    {
        if (await Scalar<long>("SELECT count(*) FROM township_state WHERE township_code = $1") > 0) return;
        var township = new TownshipGenerator(157).Generate(Code, "导出镇", 105.90, 24.30, 300);
        await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers", "streets");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task Export_EveryLayerInEveryFormat_OgrinfoFindsTheRowsOfTheDatabase()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        foreach (var layer in Layers)
        {
            long expected = await CountAsync(layer);
            Assert.True(expected > 0, $"{layer}: the test township has no rows");
            foreach (var (format, crs) in new[] { ("geojson", ""), ("shp.zip", ""), ("csv", ""), ("xlsx", ""), ("kml", ""), ("geojson", "EPSG:4544"), ("shp.zip", "gcj02") })
            {
                var bytes = await GetAsync($"{layer}.{format}{(crs == "" ? "" : "?crs=" + crs)}");
                var info = await Gdal.OgrinfoAsync(bytes, "." + format, summary: true);
                Assert.True(info.Contains($"Feature Count: {expected}", StringComparison.Ordinal), $"{layer}.{format} {crs}: {expected} expected in\n{info}");
            }
        }
    }

    [SkippableFact]
    public async Task Export_ShapefileInGbkAndUtf8_KeepsChineseNamesAndSaysItsEncoding()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        var names = await StringsAsync("SELECT name FROM village WHERE township_code = $1");
        Assert.Contains(names, n => n.Any(c => c > 0x4E00));
        foreach (var (query, cpg) in new[] { ("", "UTF-8"), ("?encoding=gbk", "GBK"), ("?encoding=utf-8", "UTF-8") })
        {
            var zip = await GetAsync("villages.shp.zip" + query);
            using (var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip)))
            {
                Assert.Equal(["villages.cpg", "villages.dbf", "villages.prj", "villages.shp", "villages.shx"], archive.Entries.Select(e => e.Name).Order(StringComparer.Ordinal));
                using var read = new StreamReader(archive.GetEntry("villages.cpg")!.Open());
                Assert.Equal(cpg, await read.ReadToEndAsync());
            }
            var info = await Gdal.OgrinfoAsync(zip, ".shp.zip");
            Assert.All(names, n => Assert.Contains($"name (String) = {n}", info, StringComparison.Ordinal));
        }
        //-- GBK really is GBK in the .dbf: two bytes per Chinese character, not UTF-8's three.
        var gbk = await GetAsync("villages.shp.zip?encoding=gbk");
        using var gbkZip = new System.IO.Compression.ZipArchive(new MemoryStream(gbk));
        using var dbf = new MemoryStream();
        await gbkZip.GetEntry("villages.dbf")!.Open().CopyToAsync(dbf);
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var gbkBytes = System.Text.Encoding.GetEncoding(936).GetBytes(names[0]);
        Assert.True(dbf.ToArray().AsSpan().IndexOf(gbkBytes) >= 0, $"{names[0]} is not in the .dbf as GBK");
    }

    [SkippableFact]
    public async Task Export_HouseholdsInEpsg4544_CoordinatesWithinOneCentimetreOfPostGis()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        var expected = await PointsAsync("SELECT id, ST_X(p), ST_Y(p) FROM (SELECT id, ST_Transform(geom, 4544) p FROM household WHERE township_code = $1) h");
        foreach (var (file, extension) in new[] { ("households.geojson", ".geojson"), ("households.shp.zip", ".shp.zip"), ("partition.gpkg", ".gpkg") })
        {
            var info = await Gdal.OgrinfoAsync(await GetAsync(file + "?crs=EPSG:4544"), extension);
            AssertPoints(expected, ParsePoints(info), 0.01, file + " EPSG:4544");
        }
        //-- CSV and XLSX carry x/y columns in the CRS.
        var csv = System.Text.Encoding.UTF8.GetString(await GetAsync("households.csv?crs=EPSG:4544"));
        Assert.StartsWith("\uFEFFid,building_id,floor,unit,room,address,persons,x,y\n", csv, StringComparison.Ordinal);
        var fromCsv = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(',')).ToDictionary(f => f[0], f => new Coordinate(double.Parse(f[^2], CultureInfo.InvariantCulture), double.Parse(f[^1], CultureInfo.InvariantCulture)));
        AssertPoints(expected, fromCsv, 0.01, "households.csv EPSG:4544");
    }

    [SkippableFact]
    public async Task Export_InGcj02_CoordinatesAreTheRegistrysShiftOfTheStoredPoints()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        var stored = await PointsAsync("SELECT id, ST_X(geom), ST_Y(geom) FROM household WHERE township_code = $1");
        var expected = stored.ToDictionary(p => p.Key, p => Gcj02.FromWgs84(p.Value));
        foreach (var (file, extension) in new[] { ("households.geojson", ".geojson"), ("households.shp.zip", ".shp.zip"), ("households.kml", ".kml"), ("partition.gpkg", ".gpkg") })
        {
            var points = ParsePoints(await Gdal.OgrinfoAsync(await GetAsync(file + "?crs=gcj02"), extension));
            AssertPoints(expected, points, 0.01, file + " GCJ-02", degrees: true);
            //-- The shift is real: hundreds of metres from the stored WGS 84.
            var (id, p) = points.First();
            Assert.True(ReferenceMetres(stored[id], p) > 100, $"{file}: GCJ-02 moved {id} only {ReferenceMetres(stored[id], p):F0} m");
        }
    }

    [SkippableFact]
    public async Task Export_PartitionGeoPackage_HoldsEveryLayerWithChineseNames()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        foreach (var crs in new[] { "", "?crs=EPSG:4544", "?crs=gcj02" })
        {
            var gpkg = await GetAsync("partition.gpkg" + crs);
            foreach (var layer in Layers)
            {
                var path = Path.Combine(Path.GetTempPath(), $"gs-{Guid.NewGuid():N}.gpkg");
                await File.WriteAllBytesAsync(path, gpkg);
                try
                {
                    var info = await Gdal.OgrinfoAsync("-ro", "-so", path, layer);
                    Assert.True(info.Contains($"Feature Count: {await CountAsync(layer)}", StringComparison.Ordinal), $"{layer} {crs}:\n{info}");
                }
                finally
                {
                    File.Delete(path);
                }
            }
            var all = await Gdal.OgrinfoAsync(gpkg, ".gpkg");
            Assert.Contains("name (String) = 导出镇", all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Export_UnknownCrsFormatLayerEncodingOrVersion_Is400ProblemNamingTheField()
    {
        foreach (var (path, field) in new[]
        {
            ("households.geojson?crs=EPSG:3857", "crs"), ("households.geojson?crs=nonsense", "crs"), ("partition.gpkg?crs=EPSG:2000", "crs"),
            ("households.dxf", "format"), ("households", "format"), ("rivers.geojson", "layer"),
            ("villages.shp.zip?encoding=latin1", "encoding"), ("villages.csv?encoding=gbk", "encoding"),
            ("villages.kml?crs=EPSG:4544", "crs"), ("households.csv?version=1", "version"),
        })
        {
            using var r = await _http.GetAsync(new Uri($"/api/townships/{Code}/export/{path}", UriKind.Relative));
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)r.StatusCode}");
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            var problem = await r.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("field").GetString() == field, $"{path}: {problem}");
            //-- Chinese first, like the import problems.
            Assert.True(problem.GetProperty("detail").GetString()![0] > 0x2E80, $"{path}: {problem}");
        }
    }

    [SkippableFact]
    public async Task ExportCli_LayerAndGeoPackage_WriteWhatTheApiServesAndRefuseUnknownCrs()
    {
        Skip.If(!File.Exists(ApiProcess.Dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        var dir = Directory.CreateTempSubdirectory("gs-export-cli-").FullName;
        try
        {
            var shp = Path.Combine(dir, "villages.shp.zip");
            var (exit, output) = await ApiProcess.RunAsync(["export", "--township-code", Code, "--layer", "villages", "--format", "shp.zip", "--encoding", "gbk", "--crs", "EPSG:4544", "--out", shp], db);
            Assert.True(exit == 0, output);
            var info = await Gdal.OgrinfoAsync("-ro", "-al", shp);
            Assert.All(await StringsAsync("SELECT name FROM village WHERE township_code = $1"), n => Assert.Contains($"name (String) = {n}", info, StringComparison.Ordinal));
            Assert.Contains("Gauss-Kruger CM 105E", info, StringComparison.Ordinal);

            var gpkg = Path.Combine(dir, "partition.gpkg");
            (exit, output) = await ApiProcess.RunAsync(["export", "--township-code", Code, "--layer", "partition", "--format", "gpkg", "--out", gpkg], db);
            Assert.True(exit == 0, output);
            var microGrids = await Gdal.OgrinfoAsync("-ro", "-so", gpkg, "micro_grids");
            Assert.Contains($"Feature Count: {await CountAsync("micro_grids")}", microGrids, StringComparison.Ordinal);

            (exit, output) = await ApiProcess.RunAsync(["export", "--township-code", Code, "--layer", "households", "--format", "csv", "--crs", "EPSG:9999", "--out", Path.Combine(dir, "x.csv")], db);
            Assert.True(exit == 2, output);
            Assert.Contains("EPSG:9999", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<byte[]> GetAsync(string file)
    {
        using var r = await _http.GetAsync(new Uri($"/api/townships/{Code}/export/{file}", UriKind.Relative));
        Assert.True(r.IsSuccessStatusCode, $"{file}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return await r.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The rows of a layer by SQL of its own (grids and micro-grids of the current version).</summary>
    private Task<long> CountAsync(string layer) => Scalar<long>(layer switch
    {
        "township" => "SELECT count(*) FROM township WHERE code = $1",
        "villages" => "SELECT count(*) FROM village WHERE township_code = $1",
        "grids" => "SELECT count(*) FROM current_grid WHERE township_code = $1",
        "micro_grids" => "SELECT count(*) FROM current_micro_grid WHERE township_code = $1",
        "households" => "SELECT count(*) FROM household WHERE township_code = $1",
        "buildings" => "SELECT count(*) FROM building WHERE township_code = $1",
        "barriers" => "SELECT count(*) FROM barrier WHERE township_code = $1",
        _ => "SELECT count(*) FROM street WHERE township_code = $1",
    });

    private async Task<T> Scalar<T>(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> StringsAsync(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await r.ReadAsync()) list.Add(r.GetString(0));
        return list;
    }

    private async Task<Dictionary<string, Coordinate>> PointsAsync(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        var points = new Dictionary<string, Coordinate>();
        while (await r.ReadAsync()) points[r.GetString(0)] = new Coordinate(r.GetDouble(1), r.GetDouble(2));
        return points;
    }

    [GeneratedRegex(@"^  (?:id|Name) \(String\) = (?<id>\S+)$(?:(?!OGRFeature).)*?^  POINT (Z )?\((?<x>[-0-9.e]+) (?<y>[-0-9.e]+)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FeaturePoint();

    /// <summary>Household id → point from <c>ogrinfo -al</c> output.</summary>
    private static Dictionary<string, Coordinate> ParsePoints(string info) => FeaturePoint().Matches(info)
        .ToDictionary(m => m.Groups["id"].Value, m => new Coordinate(double.Parse(m.Groups["x"].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture)));

    private static void AssertPoints(Dictionary<string, Coordinate> expected, Dictionary<string, Coordinate> actual, double metres, string what, bool degrees = false)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} points read, {expected.Count} expected");
        foreach (var (id, e) in expected)
        {
            Assert.True(actual.TryGetValue(id, out var a), $"{what}: {id} missing");
            double d = degrees ? ReferenceMetres(e, a) : e.Distance(a);
            Assert.True(d <= metres, $"{what}: {id} is {d:F4} m from {e}, at {a}");
        }
    }

    private static double ReferenceMetres(Coordinate a, Coordinate b) => Import.ReferenceTownship.Metres(a.X, a.Y, b.X, b.Y);
}
