using System.Globalization;
using System.Text.RegularExpressions;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Tests.Features.Exports;

/// <summary>Exports in the CRSs the first export tests left out, read back by <c>ogrinfo</c>, on a
/// township at 108.2°E: CGCS2000 (EPSG:4490), a 6-degree zone with zone number (EPSG:4497, CM
/// 111°E) and a 3-degree zone without (EPSG:4545, CM 108°E) within 1 cm of PostGIS
/// <c>ST_Transform</c>; BD-09 within 1 cm of the registry's formula; CSV and XLSX carrying the
/// point's x/y in the CRS; KML carrying every attribute as ExtendedData with Chinese intact.</summary>
[Collection("db")]
public partial class ExportCrsTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627169";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        await using var cmd = db.Db.CreateCommand("SELECT count(*) FROM household WHERE township_code = $1");
        cmd.Parameters.AddWithValue(Code);
        if ((long)(await cmd.ExecuteScalarAsync())! > 0) return;
        await Samples.ImportAsync(_http, new TownshipGenerator(169).Generate(Code, "投影镇", 108.20, 24.60, 200), "villages", "households");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task Export_HouseholdsInCgcs2000SixDegreeZoneAndThreeDegreeZoneWithoutPrefix_WithinOneCentimetreOfPostGis()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        foreach (var epsg in new[] { 4490, 4497, 4545 })
        {
            var expected = await PostGisAsync(epsg);
            foreach (var (file, extension) in new[] { ("households.geojson", ".geojson"), ("households.shp.zip", ".shp.zip") })
            {
                var info = await Gdal.OgrinfoAsync(await GetAsync($"{file}?crs=EPSG:{epsg}"), extension);
                AssertPoints(expected, ParsePoints(info), $"{file} EPSG:{epsg}", degrees: epsg == 4490);
            }
            //-- The 6-degree zone carries its number (19) before the easting; the 3-degree one without prefix does not.
            var (_, first) = expected.First();
            Assert.True(epsg != 4497 || first.X is > 19_000_000 and < 20_000_000, $"EPSG:4497 easting {first.X}");
            Assert.True(epsg != 4545 || first.X is > 0 and < 1_000_000, $"EPSG:4545 easting {first.X}");
        }
    }

    [SkippableFact]
    public async Task Export_HouseholdsInBd09_AreTheRegistrysShiftOfTheStoredPoints()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        var stored = await PostGisAsync(4326);
        var expected = stored.ToDictionary(p => p.Key, p => Bd09.FromWgs84(p.Value));
        foreach (var (file, extension) in new[] { ("households.geojson", ".geojson"), ("households.kml", ".kml"), ("households.shp.zip", ".shp.zip") })
        {
            var points = ParsePoints(await Gdal.OgrinfoAsync(await GetAsync(file + "?crs=bd09"), extension));
            AssertPoints(expected, points, file + " BD-09", degrees: true);
            var (id, p) = points.First();
            Assert.True(Import.ReferenceTownship.Metres(stored[id].X, stored[id].Y, p.X, p.Y) > 100, $"{file}: BD-09 moved {id} less than 100 m");
        }
    }

    [SkippableFact]
    public async Task Export_CsvAndXlsxOfPoints_CarryXyInTheCrsWithinOneCentimetre()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        foreach (var (crs, epsg) in new[] { ("EPSG:4490", 4490), ("EPSG:4545", 4545), ("", 4326) })
        {
            var expected = await PostGisAsync(epsg);
            foreach (var format in new[] { "csv", "xlsx" })
            {
                var info = await Gdal.OgrinfoAsync(await GetAsync($"households.{format}{(crs.Length > 0 ? "?crs=" + crs : "")}"), "." + format);
                var rows = TableXy().Matches(info).ToDictionary(m => m.Groups["id"].Value,
                    m => new Coordinate(double.Parse(m.Groups["x"].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture)));
                AssertPoints(expected, rows, $"households.{format} {crs}", degrees: epsg != 4545);
            }
        }
    }

    [SkippableFact]
    public async Task Export_Kml_CarriesEveryColumnAsExtendedDataWithChineseNames()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        var kml = await GetAsync("villages.kml");
        var text = System.Text.Encoding.UTF8.GetString(kml);
        var info = await Gdal.OgrinfoAsync(kml, ".kml");
        await using var cmd = db.Db.CreateCommand("SELECT code, name FROM village WHERE township_code = $1");
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        int villages = 0;
        while (await r.ReadAsync())
        {
            villages++;
            var (code, name) = (r.GetString(0), r.GetString(1));
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", name);
            Assert.Contains($"<Data name=\"name\"><value>{name}</value></Data>", text, StringComparison.Ordinal);
            //-- GDAL's LIBKML reads the ExtendedData as fields: the name, the code, the township and the counts, Chinese intact.
            //-- LIBKML folds the name column into the Placemark's Name (they are the same text here).
            Assert.Contains($"Name (String) = {name}", info, StringComparison.Ordinal);
            Assert.Contains($"code (String) = {code}", info, StringComparison.Ordinal);
        }
        Assert.True(villages > 0);
        Assert.Contains($"township_code (String) = {Code}", info, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  household_count \(.+\) = [0-9]+$", info);
        Assert.Matches(@"(?m)^  urban \(.+\) = (true|false|1|0)$", info);
    }

    private async Task<byte[]> GetAsync(string file)
    {
        using var r = await _http.GetAsync(new Uri($"/api/townships/{Code}/export/{file}", UriKind.Relative));
        Assert.True(r.IsSuccessStatusCode, $"{file}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return await r.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Household id → ST_Transform(geom, <paramref name="epsg"/>) as x = easting/longitude, y = northing/latitude.</summary>
    private async Task<Dictionary<string, Coordinate>> PostGisAsync(int epsg)
    {
        await using var cmd = db.Db.CreateCommand($"SELECT id, ST_X(p), ST_Y(p) FROM (SELECT id, ST_Transform(geom, {epsg}) p FROM household WHERE township_code = $1) h");
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        var points = new Dictionary<string, Coordinate>();
        while (await r.ReadAsync()) points[r.GetString(0)] = new Coordinate(r.GetDouble(1), r.GetDouble(2));
        return points;
    }

    [GeneratedRegex(@"^  (?:id|Name) \(String\) = (?<id>\S+)$(?:(?!OGRFeature).)*?^  POINT (Z )?\((?<x>[-0-9.e]+) (?<y>[-0-9.e]+)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FeaturePoint();

    [GeneratedRegex(@"^  id \(String\) = (?<id>\S+)$(?:(?!OGRFeature).)*?^  x \((?:Real|String)\) = (?<x>[-0-9.e]+)$\s*^  y \((?:Real|String)\) = (?<y>[-0-9.e]+)$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex TableXy();

    private static Dictionary<string, Coordinate> ParsePoints(string info) => FeaturePoint().Matches(info)
        .ToDictionary(m => m.Groups["id"].Value, m => new Coordinate(double.Parse(m.Groups["x"].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture)));

    private static void AssertPoints(Dictionary<string, Coordinate> expected, Dictionary<string, Coordinate> actual, string what, bool degrees)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} points read, {expected.Count} expected");
        foreach (var (id, e) in expected)
        {
            Assert.True(actual.TryGetValue(id, out var a), $"{what}: {id} missing");
            double d = degrees ? Import.ReferenceTownship.Metres(e.X, e.Y, a.X, a.Y) : e.Distance(a);
            Assert.True(d <= 0.01, $"{what}: {id} is {d:F4} m from {e}, at {a}");
        }
    }
}
