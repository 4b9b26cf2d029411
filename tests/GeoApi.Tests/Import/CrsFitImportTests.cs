using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace GridSpatial.GeoApi.Tests.Import;

/// <summary>The CRS of an import is judged on every record, not on the first: a file whose first
/// rows fit the declared CRS and whose later row does not is refused with the index of that row;
/// and a file that declares a CRS the service does not know (a .prj, a GeoJSON crs member) gets a
/// problem of its own, not the "does not fit" one meant for coordinates.</summary>
[Collection("db")]
public class CrsFitImportTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    [SkippableFact]
    public async Task Import_FirstRowsFitALaterRowDoesNot_Is400NamingThatFeaturesIndexAndChangesNothing()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627166", 104.10, 25.30, 60);
        var before = await db.ChecksumAsync();

        // Gauss–Krüger metres declared as EPSG:4544, row 37 in degrees.
        var metres = await File.ReadAllLinesAsync(await t.HouseholdXyCsvAsync("EPSG:4544"));
        Assert.True(metres.Length > 45, $"{metres.Length} lines");
        var (lon, lat) = (104.1012345, 25.3012345);
        metres[1 + 37] = string.Create(CultureInfo.InvariantCulture, $"{lon},{lat}") + metres[1 + 37][Nth(metres[1 + 37], ',', 2)..];
        var mixed = t.Out("mixed-metres.csv");
        await File.WriteAllLinesAsync(mixed, metres);
        await AssertMisfitAt(await _http.PostAsync(Path(t, "crs=EPSG:4544"), ReferenceTownship.Raw(mixed, "text/csv")), 37, "look like longitude/latitude");

        // GeoJSON in WGS 84 (the default), feature 23 in Gauss–Krüger metres.
        var collection = JsonNode.Parse(await File.ReadAllTextAsync(t.GeoJson("households")))!;
        var features = collection["features"]!.AsArray();
        Assert.True(features.Count > 30);
        features[23]!["geometry"]!["coordinates"] = new JsonArray(35_510_000.5, 2_800_000.5);
        var geojson = t.Out("mixed-degrees.geojson");
        await File.WriteAllTextAsync(geojson, collection.ToJsonString());
        await AssertMisfitAt(await _http.PostAsync(Path(t), ReferenceTownship.Raw(geojson, "application/geo+json")), 23, "Gauss–Krüger");

        Assert.Equal(before, await db.ChecksumAsync());
    }

    [SkippableFact]
    public async Task Import_UnknownCrsInPrjOrGeoJsonCrsMember_Is400UnknownCrsProblemNotDoesNotFit()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627167", 104.20, 25.40, 40);
        var before = await db.ChecksumAsync();

        //-- UTM 48N: a real CRS, not one of the registry's.
        using (var r = await _http.PostAsync(Path(t), ReferenceTownship.Raw(await t.ShapefileZipAsync("households", "UTF-8", true, "EPSG:32648"), "application/zip")))
        {
            var (title, detail) = await FileImportTests.Problem(r, HttpStatusCode.BadRequest, "crs");
            Assert.Equal("文件声明的坐标系未知（.prj）(Unknown CRS in .prj)", title);
            Assert.Contains("UTM", detail, StringComparison.Ordinal);
            Assert.Contains("crs=", detail, StringComparison.Ordinal);
        }

        var collection = JsonNode.Parse(await File.ReadAllTextAsync(t.GeoJson("households")))!.AsObject();
        collection.Insert(1, "crs", JsonNode.Parse("""{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32648"}}"""));
        var named = t.Out("utm.geojson");
        await File.WriteAllTextAsync(named, collection.ToJsonString());
        using (var r = await _http.PostAsync(Path(t), ReferenceTownship.Raw(named, "application/geo+json")))
        {
            var (title, detail) = await FileImportTests.Problem(r, HttpStatusCode.BadRequest, "crs");
            Assert.Equal("文件声明的坐标系未知（GeoJSON crs）(Unknown CRS in GeoJSON crs)", title);
            Assert.Contains("32648", detail, StringComparison.Ordinal);
        }
        Assert.Equal(before, await db.ChecksumAsync());
    }

    private static async Task AssertMisfitAt(HttpResponseMessage response, int index, string says)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            var (title, detail) = await FileImportTests.Problem(response, HttpStatusCode.BadRequest, "crs");
            Assert.Contains("坐标与坐标系不符", title, StringComparison.Ordinal);
            Assert.True(JsonNode.Parse(text)!["featureIndex"]!.GetValue<int>() == index, text);
            Assert.Contains(says, detail, StringComparison.Ordinal);
        }
    }

    private static int Nth(string s, char c, int n)
    {
        int at = -1;
        for (int i = 0; i < n; i++) at = s.IndexOf(c, at + 1);
        return at;
    }

    private static Uri Path(ReferenceTownship t, string query = "") => new($"/api/townships/{t.Code}/households{(query.Length > 0 ? "?" + query : "")}", UriKind.Relative);
}
