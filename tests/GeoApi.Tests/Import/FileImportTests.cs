using System.Net;

namespace GridSpatial.GeoApi.Tests.Import;

/// <summary>Every file format GIS offices hold, written by GDAL from a township's GeoJSON, imports
/// through the API to the same stored rows as the GeoJSON itself: zipped Shapefiles in GBK and
/// UTF-8 with and without .cpg, GeoPackage layers by name, CSV and XLSX tables with Chinese headers.</summary>
[Collection("db")]
public class FileImportTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    [SkippableFact]
    public async Task Import_ZippedShapefileInGbkOrUtf8WithOrWithoutCpg_StoresTheGeoJsonRows()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627181", 103.70, 25.70, 300, "buildings", "households");
        var households = await t.HouseholdsAsync(db.Db);
        var buildings = await t.BuildingsAsync(db.Db);
        Assert.Contains(households.Values, h => h.Address is { } a && a.Any(c => c > 0x4E00));
        foreach (var (encoding, cpg) in new[] { ("GBK", true), ("GBK", false), ("UTF-8", true), ("UTF-8", false) })
        {
            var what = $"{encoding} {(cpg ? "with" : "without")} .cpg";
            //-- Households raw with their media type, buildings as a browser form sends them.
            await Ok(await _http.PostAsync(Path(t, "households"), ReferenceTownship.Raw(await t.ShapefileZipAsync("households", encoding, cpg), "application/zip")), what);
            ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, what);
            await Ok(await _http.PostAsync(Path(t, "buildings"), ReferenceTownship.Form(await t.ShapefileZipAsync("buildings", encoding, cpg))), what);
            ReferenceTownship.AssertSame(buildings, await t.BuildingsAsync(db.Db), 0.01, what);
        }
    }

    [SkippableFact]
    public async Task Import_ShapefileWithForcedEncoding_ReadsTheTextAsThatEncoding()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627182", 103.80, 25.70, 200, "households");
        var households = await t.HouseholdsAsync(db.Db);
        //-- A .cpg that lies (says UTF-8 over GBK bytes) is overridden by encoding=gbk.
        var zip = await t.ShapefileZipAsync("households", "GBK", cpg: false);
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Update))
        await using (var w = new StreamWriter(archive.CreateEntry("households.cpg").Open()))
            await w.WriteAsync("UTF-8");
        await Ok(await _http.PostAsync(Path(t, "households", "encoding=gbk"), ReferenceTownship.Raw(zip, "application/zip")), "forced GBK");
        ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, "forced GBK");
    }

    [SkippableFact]
    public async Task Import_GeoPackageLayerByName_StoresTheGeoJsonRows()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627183", 103.90, 25.70, 300, "buildings", "households");
        var households = await t.HouseholdsAsync(db.Db);
        var buildings = await t.BuildingsAsync(db.Db);
        var gpkg = t.Out("township.gpkg");
        await Gdal.Ogr2ogrAsync("-f", "GPKG", gpkg, t.GeoJson("households"), "-nln", "households");
        await Gdal.Ogr2ogrAsync("-f", "GPKG", "-update", gpkg, t.GeoJson("buildings"), "-nln", "楼栋");
        await Gdal.Ogr2ogrAsync("-f", "GPKG", "-update", gpkg, t.GeoJson("streets"), "-nln", "streets");

        //-- The table named like the layer by default; another by sourceLayer (query or form field).
        await Ok(await _http.PostAsync(Path(t, "households"), ReferenceTownship.Raw(gpkg, "application/geopackage+sqlite3")), "households table");
        ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, "GeoPackage households");
        await Ok(await _http.PostAsync(Path(t, "buildings"), ReferenceTownship.Form(gpkg, ("sourceLayer", "楼栋"))), "楼栋 table");
        ReferenceTownship.AssertSame(buildings, await t.BuildingsAsync(db.Db), 0.01, "GeoPackage buildings");

        var before = await db.ChecksumAsync();
        using var missing = await _http.PostAsync(Path(t, "buildings", "sourceLayer=barriers"), ReferenceTownship.Raw(gpkg, "application/octet-stream"));
        var (_, detail) = await Problem(missing, HttpStatusCode.BadRequest, "sourceLayer");
        Assert.Contains("楼栋", detail, StringComparison.Ordinal);
        Assert.Equal(before, await db.ChecksumAsync());
    }

    [SkippableFact]
    public async Task Import_CsvAndXlsxWithChineseHeaders_StoreTheGeoJsonRows()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627184", 104.00, 25.70, 300, "households");
        var households = await t.HouseholdsAsync(db.Db);

        var csv = await t.HouseholdTableAsync("CSV");
        Assert.StartsWith("户编号,楼栋,楼层,单元,房号,地址,人口,经度,纬度", await File.ReadAllTextAsync(csv), StringComparison.Ordinal);
        await Ok(await _http.PostAsync(Path(t, "households"), ReferenceTownship.Raw(csv, "text/csv")), "UTF-8 CSV");
        ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, "UTF-8 CSV");

        //-- Excel on Chinese Windows saves CSV in GBK, without a byte order mark.
        var gbk = t.Out("households-gbk.csv");
        await File.WriteAllBytesAsync(gbk, GridSpatial.Partitioner.Files.Sources.TextEncodings.Gbk.GetBytes(await File.ReadAllTextAsync(csv)));
        await Ok(await _http.PostAsync(Path(t, "households"), ReferenceTownship.Form(gbk)), "GBK CSV");
        ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, "GBK CSV");

        var xlsx = await t.HouseholdTableAsync("XLSX");
        await Ok(await _http.PostAsync(Path(t, "households"), ReferenceTownship.Raw(xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")), "XLSX");
        ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, "XLSX");

        //-- A sheet by name (GDAL names it after the query); an unknown one is refused listing those there are.
        await Ok(await _http.PostAsync(Path(t, "households", "sourceLayer=SELECT"), ReferenceTownship.Raw(xlsx, "application/octet-stream")), "XLSX sheet SELECT");
        var before = await db.ChecksumAsync();
        using (var r = await _http.PostAsync(Path(t, "households", "sourceLayer=户籍"), ReferenceTownship.Raw(xlsx, "application/octet-stream")))
            Assert.Contains("SELECT", (await Problem(r, HttpStatusCode.BadRequest, "sourceLayer")).Detail, StringComparison.Ordinal);
        Assert.Equal(before, await db.ChecksumAsync());

        //-- Headers no default knows are named by map=列名=field.
        var renamed = t.Out("households-renamed.csv");
        await File.WriteAllTextAsync(renamed, (await File.ReadAllTextAsync(csv)).Replace("户编号,", "住户代码,", StringComparison.Ordinal).Replace(",地址,", ",门牌地址,", StringComparison.Ordinal));
        await Ok(await _http.PostAsync(Path(t, "households", "map=住户代码%3Did&map=门牌地址%3Daddress"), ReferenceTownship.Raw(renamed, "text/csv")), "mapped CSV");
        ReferenceTownship.AssertSame(households, await t.HouseholdsAsync(db.Db), 0.01, "mapped CSV");
    }

    [SkippableFact]
    public async Task Import_TownshipAsGbkShapefileInGaussKruger_StoresItsNameAndBoundary()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        using var t = await ReferenceTownship.CreateAsync(_http, "530627199", 104.30, 25.40, 50);
        var before = await TownshipAsync(t.Code);
        Assert.Equal("导入镇", before.Name);
        var zip = await t.ShapefileZipAsync("township", "GBK", cpg: false, "EPSG:4544");
        await Ok(await _http.PostAsync(new Uri("/api/townships", UriKind.Relative), ReferenceTownship.Form(zip)), "township Shapefile");
        var after = await TownshipAsync(t.Code);
        Assert.Equal(before.Name, after.Name);
        double moved = NetTopologySuite.Algorithm.Distance.DiscreteHausdorffDistance.Distance(before.Geom, after.Geom) * 111_320;
        Assert.True(moved < 0.01, $"the boundary moved {moved} m");
    }

    private async Task<(string Name, NetTopologySuite.Geometries.Geometry Geom)> TownshipAsync(string code)
    {
        await using var cmd = db.Db.CreateCommand("SELECT name, geom FROM township WHERE code = $1");
        cmd.Parameters.AddWithValue(code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetString(0), r.GetFieldValue<NetTopologySuite.Geometries.Geometry>(1));
    }

    [SkippableFact]
    public async Task Import_LiechtensteinTownshipAsGbkShapefileAndGeoPackage_StoresTheGeoJsonRows()
    {
        var dir = System.IO.Path.Combine(Samples.Root(), "..", "shared", "data", "liechtenstein", "schellenberg");
        Skip.If(!Directory.Exists(dir), "../shared/data/liechtenstein is not there");
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        var code = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(System.IO.Path.Combine(dir, "township.geojson")))
            .RootElement.GetProperty("features")[0].GetProperty("properties").GetProperty("code").GetString()!;
        await Ok(await _http.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(await File.ReadAllTextAsync(System.IO.Path.Combine(dir, "township.geojson")))), "township");
        await Ok(await _http.PostAsync(new Uri($"/api/townships/{code}/households", UriKind.Relative), Samples.Json(await File.ReadAllTextAsync(System.IO.Path.Combine(dir, "households.geojson")))), "GeoJSON");
        var scratch = Directory.CreateTempSubdirectory("gs-li-").FullName;
        try
        {
            var reference = await StoredAsync(code);
            var shp = System.IO.Path.Combine(scratch, "shp");
            Directory.CreateDirectory(shp);
            await Gdal.Ogr2ogrAsync("-f", "ESRI Shapefile", "-lco", "ENCODING=GBK", System.IO.Path.Combine(shp, "households.shp"), System.IO.Path.Combine(dir, "households.geojson"));
            File.Delete(System.IO.Path.Combine(shp, "households.cpg"));
            System.IO.Compression.ZipFile.CreateFromDirectory(shp, System.IO.Path.Combine(scratch, "households.zip"));
            await Ok(await _http.PostAsync(new Uri($"/api/townships/{code}/households", UriKind.Relative), ReferenceTownship.Raw(System.IO.Path.Combine(scratch, "households.zip"), "application/zip")), "Shapefile");
            Assert.Equal(reference, await StoredAsync(code));
            var gpkg = System.IO.Path.Combine(scratch, "li.gpkg");
            await Gdal.Ogr2ogrAsync("-f", "GPKG", gpkg, System.IO.Path.Combine(dir, "households.geojson"), "-nln", "households");
            await Ok(await _http.PostAsync(new Uri($"/api/townships/{code}/households", UriKind.Relative), ReferenceTownship.Form(gpkg)), "GeoPackage");
            Assert.Equal(reference, await StoredAsync(code));
        }
        finally
        {
            Directory.Delete(scratch, true);
        }
    }

    /// <summary>Ids, building ids, floors and points rounded to 1e-7° (1 cm) of a township's households.</summary>
    private async Task<string> StoredAsync(string code)
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT count(*) || ':' || md5(string_agg(concat_ws('|', id, building_id, floor, unit, round(ST_X(geom)::numeric, 7), round(ST_Y(geom)::numeric, 7)), ',' ORDER BY id))
            FROM household WHERE township_code = $1
            """);
        cmd.Parameters.AddWithValue(code);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static Uri Path(ReferenceTownship t, string layer, string? query = null) =>
        new($"/api/townships/{t.Code}/{layer}{(query is null ? "" : "?" + query)}", UriKind.Relative);

    private static async Task Ok(HttpResponseMessage response, string what)
    {
        using (response)
            Assert.True(response.IsSuccessStatusCode, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The problem's title and detail, after checking its status, media type and field.</summary>
    internal static async Task<(string Title, string Detail)> Problem(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        Assert.True(field == doc.RootElement.GetProperty("field").GetString(), text);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return (doc.RootElement.GetProperty("title").GetString()!, doc.RootElement.GetProperty("detail").GetString()!);
    }
}
