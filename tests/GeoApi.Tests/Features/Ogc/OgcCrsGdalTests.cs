using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Tests.Features.Ogc;

/// <summary>GDAL's OAPIF driver reading reprojected collections (the client QGIS and ogr2ogr users
/// have). GDAL 3.6 (Debian 12) has no CRS open option (it came in 3.7) and assumes CRS84, so the
/// CRS is asked for on the dataset URL, which the driver sends with every request of the collection
/// and its pages; the coordinates it reads are then those the server wrote, in the CRS's axis order,
/// and are compared with PostGIS <c>ST_Transform</c> within 1 cm.</summary>
[Collection("db")]
public partial class OgcCrsGdalTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = OgcCrsTests.Code;
    private string[] Auth => ["--config", "GDAL_HTTP_HEADERS", $"X-Api-Key: {db.AdminKey}"];

    public async Task InitializeAsync() => await OgcCrsTests.EnsureTownshipAsync(db, db.Client());

    public Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task Ogrinfo_OapifWithCrsOnTheDatasetUrl_ReadsCgcs2000AndZone35WithinOneCentimetreOfPostGis()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        foreach (var (uri, epsg) in new[] { (OgcCrsTests.Cgcs2000, 4490), (OgcCrsTests.Zone35, 4523) })
        {
            var info = await Gdal.OgrinfoAsync([.. Auth, "-ro", "-al", "-q", "-oo", "PAGE_SIZE=1000", Dataset($"township={Code}&crs={Uri.EscapeDataString(uri)}"), "households"]);
            var expected = await OgcCrsTests.PostGisAsync(db, epsg, northingFirst: true);
            OgcCrsTests.AssertWithin(expected, ParsePoints(info), 0.01, $"ogrinfo OAPIF {uri}", degrees: epsg == 4490, latitudeFirst: true);
        }
    }

    [SkippableFact]
    public async Task Ogr2ogr_OapifWithFilterAndCrs_WritesTheFilteredHouseholdsInZone35()
    {
        Skip.If(!Gdal.CanWrite, "GDAL's ogr2ogr is not installed");
        var filter = $"township_code = '{Code}' AND persons >= 3";
        var expected = await OgcCrsTests.PostGisAsync(db, 4523, northingFirst: true, condition: "persons >= 3");
        var all = await OgcCrsTests.PostGisAsync(db, 4523, northingFirst: true);
        Assert.True(expected.Count > 5 && expected.Count < all.Count, $"{expected.Count} of {all.Count}: the filter selects nothing real");
        var file = Path.Combine(Path.GetTempPath(), $"gs-oapif-{Guid.NewGuid():N}.geojson");
        try
        {
            //-- Ten a page (GDAL's default): the next links keep both the filter and the crs.
            await Gdal.Ogr2ogrAsync([.. Auth, "-f", "GeoJSON", file, Dataset($"filter={Uri.EscapeDataString(filter)}&crs={Uri.EscapeDataString(OgcCrsTests.Zone35)}"), "households"]);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            var read = json.RootElement.GetProperty("features").EnumerateArray().ToDictionary(
                f => f.GetProperty("properties").GetProperty("id").GetString()!,
                f => new Coordinate(f.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble(), f.GetProperty("geometry").GetProperty("coordinates")[1].GetDouble()));
            OgcCrsTests.AssertWithin(expected, read, 0.01, "ogr2ogr OAPIF filter + EPSG:4523", degrees: false, latitudeFirst: true);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableFact]
    public async Task Ogrinfo_OapifWithUnknownCrsOrBboxCrs_FailsOnTheServersProblem()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        foreach (var query in new[] { "crs=EPSG:4490", $"crs={Uri.EscapeDataString("http://www.opengis.net/def/crs/EPSG/0/4534")}", "bbox=104,25,105,26&bbox-crs=nonsense" })
        {
            var psi = new ProcessStartInfo("ogrinfo", [.. Auth, "-ro", "-so", Dataset(query), "households"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode != 0, $"{query}: ogrinfo succeeded:\n{await output}");
            Assert.True(error.Contains("400", StringComparison.Ordinal), $"{query}: {error}");
        }
    }

    private string Dataset(string query) => $"OAPIF:{db.Address}/ogc/collections/households?{query}";

    [GeneratedRegex(@"^  id \(String\) = (?<id>\S+)$(?:(?!OGRFeature).)*?^  POINT \((?<x>[-0-9.e]+) (?<y>[-0-9.e]+)\)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FeaturePoint();

    private static Dictionary<string, Coordinate> ParsePoints(string info) => FeaturePoint().Matches(info).ToDictionary(m => m.Groups["id"].Value,
        m => new Coordinate(double.Parse(m.Groups["x"].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture)));
}
