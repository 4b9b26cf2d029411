namespace GridSpatial.GeoApi.Tests.Import;

/// <summary><c>import --file</c> of the real executable tells the format from the file and stores
/// the rows of the GeoJSON import; a CRS that does not fit is an error naming the one to use (exit
/// 1), an unknown <c>--crs</c> a usage error (exit 2).</summary>
[Collection("db")]
public class ImportFileCliTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    private Task<(int ExitCode, string Output)> Cli(params string[] args) => ApiProcess.RunAsync(args, db);

    [SkippableFact]
    public async Task Import_FileOfAnyFormat_GuessedFromTheFileAndStoredAsTheGeoJson()
    {
        Skip.If(!File.Exists(ApiProcess.Dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627197", 104.30, 25.60, 200, "buildings", "households");
        var households = await t.HouseholdsAsync(db.Db);
        var buildings = await t.BuildingsAsync(db.Db);
        var gpkg = t.Out("layers.gpkg");
        await Gdal.Ogr2ogrAsync("-f", "GPKG", "-t_srs", "EPSG:4544", gpkg, t.GeoJson("buildings"), "-nln", "房屋");
        var renamed = t.Out("households-renamed.csv");
        await File.WriteAllTextAsync(renamed, (await File.ReadAllTextAsync(await t.HouseholdXyCsvAsync("EPSG:4544"))).Replace("户号,", "住户,", StringComparison.Ordinal));

        foreach (var (what, args) in new (string, string[])[]
        {
            ("GBK Shapefile without .cpg", ["--layer", "households", "--file", await t.ShapefileZipAsync("households", "GBK", cpg: false)]),
            ("XLSX", ["--layer", "households", "--file", await t.HouseholdTableAsync("XLSX")]),
            ("EPSG:4544 CSV, mapped header", ["--layer", "households", "--file", renamed, "--crs", "EPSG:4544", "--map", "住户=id"]),
            ("EPSG:4544 GeoPackage table", ["--layer", "buildings", "--file", gpkg, "--source-layer", "房屋"]),
            ("bare .shp", ["--layer", "buildings", "--file", Path.ChangeExtension(await t.ShapefileZipAsync("buildings", "UTF-8", cpg: true), null) + "/buildings.shp", "--encoding", "utf-8"]),
        })
        {
            var (exit, output) = await Cli(["import", "--township-code", t.Code, .. args]);
            Assert.True(exit == 0, $"{what}: {output}");
            Assert.Contains("received", output, StringComparison.Ordinal);
            ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, what);
            ReferenceTownship.AssertSame(buildings, await t.BuildingsAsync(db.Db), 0.01, what);
        }
    }

    [SkippableFact]
    public async Task Import_FileInUndeclaredGaussKruger_ExitsOneNamingTheCrsAndUnknownCrsExitsTwo()
    {
        Skip.If(!File.Exists(ApiProcess.Dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627198", 104.30, 25.80, 50, "households");
        var csv = await t.HouseholdXyCsvAsync("EPSG:4544");
        var before = await db.ChecksumAsync();
        var (exit, output) = await Cli("import", "--township-code", t.Code, "--layer", "households", "--file", csv);
        Assert.True(exit == 1, output);
        Assert.Contains("crs=EPSG:4544", output, StringComparison.Ordinal);
        (exit, output) = await Cli("import", "--township-code", t.Code, "--layer", "households", "--file", csv, "--crs", "EPSG:9999");
        Assert.True(exit == 2, output);
        Assert.Contains("EPSG:9999", output, StringComparison.Ordinal);
        (exit, output) = await Cli("import", "--township-code", t.Code, "--layer", "households", "--file", t.Out("none.csv"));
        Assert.True(exit == 2, output);
        Assert.Equal(before, await db.ChecksumAsync());
    }
}
