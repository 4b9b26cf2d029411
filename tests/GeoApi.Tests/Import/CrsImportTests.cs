using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Tests.Import;

/// <summary>Coordinates in the CRSs Chinese offices deliver (CGCS2000 and its Gauss–Krüger zones
/// with and without zone numbers, 6- and 3-degree), and from 高德/腾讯 (GCJ-02) and 百度 (BD-09)
/// maps, import to the WGS 84 rows of the GeoJSON import: within 1 cm for the exact CRSs and for
/// the iterated inverses of GCJ-02 and BD-09 (their documented error). Coordinates that do not fit
/// the declared CRS are refused with a problem that says what they look like.</summary>
[Collection("db")]
public class CrsImportTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    [SkippableFact]
    public async Task Import_GaussKrugerZonesFromPrjSrsOrCrs_StoreWithinOneCentimetre()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627185", 104.10, 25.70, 300, "buildings", "households");
        var households = await t.HouseholdsAsync(db.Db);
        var buildings = await t.BuildingsAsync(db.Db);

        //-- 3-degree CM 105E without zone number: the .prj names it.
        await Ok(await _http.PostAsync(Path(t, "buildings"), ReferenceTownship.Raw(await t.ShapefileZipAsync("buildings", "UTF-8", true, "EPSG:4544"), "application/zip")), "EPSG:4544 .prj");
        ReferenceTownship.AssertSame(buildings, await t.BuildingsAsync(db.Db), 0.01, "EPSG:4544 .prj");
        //-- CGCS2000 lon/lat from its .prj.
        await Ok(await _http.PostAsync(Path(t, "buildings"), ReferenceTownship.Raw(await t.ShapefileZipAsync("buildings", "UTF-8", true, "EPSG:4490"), "application/zip")), "EPSG:4490 .prj");
        ReferenceTownship.AssertSame(buildings, await t.BuildingsAsync(db.Db), 0.01, "EPSG:4490 .prj");
        //-- 6-degree zone 18 with its number in the easting: the GeoPackage's SRS names it.
        var gpkg = t.Out("buildings-4496.gpkg");
        await Gdal.Ogr2ogrAsync("-f", "GPKG", "-t_srs", "EPSG:4496", gpkg, t.GeoJson("buildings"), "-nln", "buildings");
        await Ok(await _http.PostAsync(Path(t, "buildings"), ReferenceTownship.Raw(gpkg, "application/geopackage+sqlite3")), "EPSG:4496 GeoPackage");
        ReferenceTownship.AssertSame(buildings, await t.BuildingsAsync(db.Db), 0.01, "EPSG:4496 GeoPackage");

        //-- GeoJSON that GDAL writes in a projected CRS names it in its (pre-RFC 7946) crs member.
        var geojson = t.Out("4544/households.geojson");
        await Gdal.Ogr2ogrAsync("-f", "GeoJSON", "-t_srs", "EPSG:4544", geojson, t.GeoJson("households"));
        Assert.Contains("EPSG::4544", await File.ReadAllTextAsync(geojson), StringComparison.Ordinal);
        await Ok(await _http.PostAsync(Path(t, "households"), ReferenceTownship.Raw(geojson, "application/geo+json")), "EPSG:4544 GeoJSON");
        ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, "EPSG:4544 GeoJSON crs member");

        //-- Tables say nothing of their CRS: crs= names it (3-degree CM 105E, then zone 35 with its number, then 6-degree CM 105E).
        foreach (var crs in new[] { "EPSG:4544", "EPSG:4523", "EPSG:4507" })
        {
            await Ok(await _http.PostAsync(Path(t, "households", "crs=" + crs), ReferenceTownship.Raw(await t.HouseholdXyCsvAsync(crs), "text/csv")), crs);
            ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, crs + " CSV");
        }
    }

    [SkippableFact]
    public async Task Import_Gcj02AndBd09Households_StoreWithinTheDocumentedError()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627186", 104.20, 25.80, 300, "households");
        var households = await t.HouseholdsAsync(db.Db);
        foreach (var (crs, forward) in new (string, Func<Coordinate, Coordinate>)[] { ("gcj02", Gcj02.FromWgs84), ("bd09", Bd09.FromWgs84) })
        {
            var shifted = t.Out($"{crs}/households.geojson");
            await File.WriteAllTextAsync(shifted, Shift(await File.ReadAllTextAsync(t.GeoJson("households")), forward, out var offset));
            //-- The offset these maps add is hundreds of metres: sent as WGS 84 they would land far off.
            Assert.True(offset > 100, $"{crs} moved the households only {offset:F0} m");
            var xlsx = await t.HouseholdTableAsync("XLSX", shifted);
            await Ok(await _http.PostAsync(Path(t, "households", "crs=" + crs), ReferenceTownship.Form(xlsx)), crs);
            ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, crs);
        }
    }

    [SkippableFact]
    public async Task Import_CoordinatesThatDoNotFitTheCrs_ProblemSaysWhatTheyLookLikeAndChangesNothing()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627187", 103.60, 25.90, 100, "households");
        var metres = await t.HouseholdXyCsvAsync("EPSG:4544");
        var degrees = await t.HouseholdTableAsync("CSV");
        var before = await db.ChecksumAsync();

        //-- Gauss–Krüger metres sent as (default) degrees, and in the wrong zone: the zone to send is named.
        foreach (var query in new[] { "", "crs=EPSG:4490", "crs=EPSG:4543" })
        {
            using var r = await _http.PostAsync(Path(t, "households", query), ReferenceTownship.Raw(metres, "text/csv"));
            var (title, detail) = await FileImportTests.Problem(r, HttpStatusCode.BadRequest, "crs");
            Assert.Contains("坐标与坐标系不符", title, StringComparison.Ordinal);
            Assert.Contains("crs=EPSG:4544", detail, StringComparison.Ordinal);
            Assert.Contains("Gauss–Krüger", detail, StringComparison.Ordinal);
        }
        //-- Degrees declared as metres.
        using (var r = await _http.PostAsync(Path(t, "households", "crs=EPSG:4544"), ReferenceTownship.Raw(degrees, "text/csv")))
            Assert.Contains("look like longitude/latitude", (await FileImportTests.Problem(r, HttpStatusCode.BadRequest, "crs")).Detail, StringComparison.Ordinal);
        //-- Northing written as X (Chinese surveying's habit).
        using (var r = await _http.PostAsync(Path(t, "households", "crs=EPSG:4544&map=X%3Dy&map=Y%3Dx"), ReferenceTownship.Raw(metres, "text/csv")))
            Assert.Contains("swapped", (await FileImportTests.Problem(r, HttpStatusCode.BadRequest, "crs")).Detail, StringComparison.Ordinal);
        //-- Latitude in the longitude column.
        using (var r = await _http.PostAsync(Path(t, "households", "map=经度%3Dlat&map=纬度%3Dlon"), ReferenceTownship.Raw(degrees, "text/csv")))
        {
            var (_, detail) = await FileImportTests.Problem(r, HttpStatusCode.BadRequest, "geometry");
            Assert.Contains("颠倒", detail, StringComparison.Ordinal);
            Assert.Contains("swapped", detail, StringComparison.Ordinal);
        }
        //-- An unknown CRS is refused before anything is read.
        using (var r = await _http.PostAsync(Path(t, "households", "crs=EPSG:3857"), ReferenceTownship.Raw(degrees, "text/csv")))
            await FileImportTests.Problem(r, HttpStatusCode.BadRequest, "crs");
        Assert.Equal(before, await db.ChecksumAsync());
    }

    [Fact]
    public async Task Lookup_PointInGaussKrugerGcj02OrBd09_AnswersAsItsWgs84Point()
    {
        using var t = await ReferenceTownship.CreateAsync(_http, "530627188", 103.70, 25.90, 200, "households");
        await Samples.PartitionAsync(_http, db.Db, t.Code, force: false);
        var first = (await t.HouseholdsAsync(db.Db)).Values.OrderBy(h => h.X).First();
        var (lon, lat) = (first.X, first.Y);
        var expected = await Codes(FormattableString.Invariant($"lon={lon}&lat={lat}"));
        var p = new Coordinate(lon, lat);
        var gk = GridSpatial.Partitioner.Files.InputCrs.Parse("EPSG:4544").FromWgs84(p);
        var gcj = Gcj02.FromWgs84(p);
        var bd = Bd09.FromWgs84(p);
        Assert.Equal(expected, await Codes(FormattableString.Invariant($"lon={gk.X}&lat={gk.Y}&crs=EPSG:4544")));
        Assert.Equal(expected, await Codes(FormattableString.Invariant($"lon={gcj.X}&lat={gcj.Y}&crs=gcj02")));
        Assert.Equal(expected, await Codes(FormattableString.Invariant($"lon={bd.X}&lat={bd.Y}&crs=bd09")));

        using (var batch = await _http.PostAsync(new Uri("/api/lookup?crs=EPSG:4544&source=postgis", UriKind.Relative),
            new StringContent(FormattableString.Invariant($"[[{gk.X}, {gk.Y}]]"), System.Text.Encoding.UTF8, "application/json")))
        {
            var answers = await batch.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(expected, answers[0].GetProperty("microGrid").GetProperty("code").GetString());
        }

        //-- Metres sent as degrees: the problem says so.
        using var wrong = await _http.GetAsync(new Uri(FormattableString.Invariant($"/api/lookup?lon={gk.X}&lat={gk.Y}"), UriKind.Relative));
        Assert.Contains("Gauss–Krüger", (await FileImportTests.Problem(wrong, HttpStatusCode.BadRequest, "crs")).Detail, StringComparison.Ordinal);
    }

    private async Task<string> Codes(string query)
    {
        //-- From PostGIS: the in-memory index may still be loading the version just published.
        var answer = await _http.GetFromJsonAsync<JsonElement>($"/api/lookup?{query}&source=postgis");
        return answer.GetProperty("microGrid").GetProperty("code").GetString()!;
    }

    /// <summary>The FeatureCollection with every point moved by <paramref name="forward"/>; <paramref name="offset"/> is the largest move in metres.</summary>
    private static string Shift(string geojson, Func<Coordinate, Coordinate> forward, out double offset)
    {
        var root = JsonNode.Parse(geojson)!;
        offset = 0;
        foreach (var f in root["features"]!.AsArray())
        {
            var c = f!["geometry"]!["coordinates"]!.AsArray();
            double lon = c[0]!.GetValue<double>(), lat = c[1]!.GetValue<double>();
            var moved = forward(new Coordinate(lon, lat));
            offset = Math.Max(offset, ReferenceTownship.Metres(lon, lat, moved.X, moved.Y));
            f["geometry"]!["coordinates"] = new JsonArray(moved.X, moved.Y);
        }
        return root.ToJsonString();
    }

    private static Uri Path(ReferenceTownship t, string layer, string? query = null) =>
        new($"/api/townships/{t.Code}/{layer}{(string.IsNullOrEmpty(query) ? "" : "?" + query)}", UriKind.Relative);

    private static async Task Ok(HttpResponseMessage response, string what)
    {
        using (response)
            Assert.True(response.IsSuccessStatusCode, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
