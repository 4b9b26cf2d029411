using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;

namespace GridSpatial.GeoApi.Tests.Import;

/// <summary>A rejected upload of any format changes nothing stored, even when the bad feature
/// comes after good ones already streamed into the import's transaction; the problem names the
/// feature and the field (400), or the format (415).</summary>
[Collection("db")]
public class RejectedUploadTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    [SkippableFact]
    public async Task Import_RejectedUploadOfAnyFormat_ChangesNothing()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627189", 103.80, 25.60, 120, "households");

        //-- The last household moved 5 km east, out of the township; the 60th given a floor of 500.
        var root = JsonNode.Parse(await File.ReadAllTextAsync(t.GeoJson("households")))!;
        var features = root["features"]!.AsArray();
        int last = features.Count - 1;
        var c = features[last]!["geometry"]!["coordinates"]!.AsArray();
        features[last]!["geometry"]!["coordinates"] = new JsonArray(c[0]!.GetValue<double>() + 0.05, c[1]!.GetValue<double>());
        var outside = t.Out("outside/households.geojson");
        await File.WriteAllTextAsync(outside, root.ToJsonString());
        features[last]!["geometry"]!["coordinates"] = c.DeepClone();
        features[60]!["properties"]!["floor"] = 500;
        var badFloor = t.Out("floor/households.geojson");
        await File.WriteAllTextAsync(badFloor, root.ToJsonString());

        var shpFolder = Path.GetDirectoryName(t.Out("bad-shp/households.shp"))!;
        await Gdal.Ogr2ogrAsync("-f", "ESRI Shapefile", "-lco", "ENCODING=GBK", Path.Combine(shpFolder, "households.shp"), outside);
        var shpZip = t.Out("bad-shp.zip");
        ZipFile.CreateFromDirectory(shpFolder, shpZip);
        var noDbf = t.Out("no-dbf.zip");
        using (var zip = ZipFile.Open(noDbf, ZipArchiveMode.Create))
            foreach (var f in Directory.GetFiles(shpFolder).Where(f => !f.EndsWith(".dbf", StringComparison.Ordinal)))
                zip.CreateEntryFromFile(f, Path.GetFileName(f));
        var gpkg = t.Out("bad.gpkg");
        await Gdal.Ogr2ogrAsync("-f", "GPKG", gpkg, badFloor, "-nln", "households");
        var xlsx = await t.HouseholdTableAsync("XLSX", badFloor);
        var csv = await t.HouseholdTableAsync("CSV");
        var lines = (await File.ReadAllLinesAsync(csv)).ToList();
        lines[3] = lines[3][..lines[3].LastIndexOf(',')] + ",北纬25度";
        var badCsv = t.Out("bad-lat.csv");
        await File.WriteAllLinesAsync(badCsv, lines);
        var noCoordinates = t.Out("no-coordinates.csv");
        await File.WriteAllLinesAsync(noCoordinates, ["户编号,地址", "a1,木卓镇"]);
        var fakeGpkg = t.Out("fake.gpkg");
        await File.WriteAllBytesAsync(fakeGpkg, [.. "SQLite format 3\0"u8.ToArray(), .. new byte[4000]]);
        var text = t.Out("notes.txt");
        await File.WriteAllTextAsync(text, "这不是地图数据 not map data");

        //-- Over a MiB of ASCII, then GBK: the start passes for UTF-8, the GBK row is refused, not stored as U+FFFD.
        var late = t.Out("late-gbk.csv");
        double lon = c[0]!.GetValue<double>(), lat = c[1]!.GetValue<double>();
        var rows = Enumerable.Range(0, 9000).Select(i => FormattableString.Invariant($"late{i},{new string('x', 120)},{lon},{lat}"))
            .Prepend("id,address,lon,lat").Append(FormattableString.Invariant($"late-gbk,木卓镇锦绣花园,{lon},{lat}"));
        await File.WriteAllBytesAsync(late, GridSpatial.Partitioner.Files.Sources.TextEncodings.Gbk.GetBytes(string.Join('\n', rows)));

        var cases = new (string What, HttpContent Body, HttpStatusCode Status, string Field, int? Index)[]
        {
            ("CSV, GBK after a MiB of ASCII", ReferenceTownship.Raw(late, "text/csv"), HttpStatusCode.BadRequest, "encoding", null),
            ("Shapefile, last household outside", ReferenceTownship.Raw(shpZip, "application/zip"), HttpStatusCode.BadRequest, "geometry", last),
            ("Shapefile zip without .dbf", ReferenceTownship.Raw(noDbf, "application/zip"), HttpStatusCode.BadRequest, "$", null),
            ("GeoPackage, floor 500", ReferenceTownship.Raw(gpkg, "application/geopackage+sqlite3"), HttpStatusCode.BadRequest, "floor", 60),
            ("XLSX, floor 500", ReferenceTownship.Form(xlsx), HttpStatusCode.BadRequest, "floor", 60),
            ("CSV, latitude in words", ReferenceTownship.Raw(badCsv, "text/csv"), HttpStatusCode.BadRequest, "lat", 2),
            ("CSV without coordinates", ReferenceTownship.Raw(noCoordinates, "text/csv"), HttpStatusCode.BadRequest, "lon", null),
            ("corrupt GeoPackage", ReferenceTownship.Raw(fakeGpkg, "application/octet-stream"), HttpStatusCode.BadRequest, "$", null),
            ("text/plain", ReferenceTownship.Raw(text, "text/plain"), HttpStatusCode.UnsupportedMediaType, "$", null),
            ("text as a form's file", ReferenceTownship.Form(text), HttpStatusCode.UnsupportedMediaType, "$", null),
        };
        var before = await db.ChecksumAsync();
        foreach (var (what, body, status, field, index) in cases)
        {
            using var response = await _http.PostAsync(new Uri($"/api/townships/{t.Code}/households", UriKind.Relative), body);
            var problem = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{what}: {(int)response.StatusCode} {problem}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var json = JsonNode.Parse(problem)!;
            Assert.True(field == json["field"]?.GetValue<string>(), $"{what}: {problem}");
            if (index is not null) Assert.True(index == json["featureIndex"]?.GetValue<int>(), $"{what}: {problem}");
            Assert.DoesNotContain("   at ", problem, StringComparison.Ordinal);
            Assert.True(before == await db.ChecksumAsync(), $"{what} changed the stored data");
        }
    }
}
