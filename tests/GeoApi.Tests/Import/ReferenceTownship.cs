using System.IO.Compression;
using System.Net.Http.Headers;
using GridSpatial.GeoApi.SampleData;
using NetTopologySuite.Algorithm.Distance;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Tests.Import;

/// <summary>A generated township imported from GeoJSON through the API: the rows every other
/// format and CRS must store identically. Its GeoJSON files stay in a temporary folder where GDAL
/// writes the other formats from them; the folder goes with it.</summary>
internal sealed class ReferenceTownship : IDisposable
{
    private ReferenceTownship(string code, string dir)
    {
        Code = code;
        Dir = dir;
    }

    public string Code { get; }
    public string Dir { get; }

    public string GeoJson(string layer) => Path.Combine(Dir, layer + ".geojson");

    /// <summary>A path in the township's folder for a file GDAL writes.</summary>
    public string Out(string name)
    {
        var path = Path.Combine(Dir, "out", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    public static async Task<ReferenceTownship> CreateAsync(HttpClient http, string code, double lon, double lat, int households, params string[] layers)
    {
        var dir = Path.Combine(Path.GetTempPath(), "gs-ref-" + Guid.NewGuid().ToString("N")[..8]);
        SampleWriter.Write(new TownshipGenerator(int.Parse(code[6..], System.Globalization.CultureInfo.InvariantCulture)).Generate(code, "导入镇", lon, lat, households), dir);
        var t = new ReferenceTownship(code, dir);
        foreach (var (path, file) in layers.Select(l => ($"/api/townships/{code}/{l}", l)).Prepend(("/api/townships", "township")))
        {
            using var r = await http.PostAsync(new Uri(path, UriKind.Relative), Samples.Json(await File.ReadAllTextAsync(t.GeoJson(file))));
            Assert.True(r.IsSuccessStatusCode, $"POST {path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
        return t;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    /// <summary>A layer written by <c>ogr2ogr</c> as a zipped Shapefile named <paramref name="layer"/>,
    /// attribute text in <paramref name="encoding"/>, with or without its .cpg, in <paramref name="srs"/> (as is when null).</summary>
    public async Task<string> ShapefileZipAsync(string layer, string encoding, bool cpg, string? srs = null)
    {
        var folder = Out($"shp-{layer}-{encoding}-{cpg}-{srs?.Replace(':', '_')}");
        Directory.CreateDirectory(folder);
        string[] args = ["-f", "ESRI Shapefile", "-lco", $"ENCODING={encoding}", Path.Combine(folder, layer + ".shp"), GeoJson(layer)];
        await Gdal.Ogr2ogrAsync(srs is null ? args : [.. args, "-t_srs", srs]);
        if (!cpg) File.Delete(Path.Combine(folder, layer + ".cpg"));
        var zip = folder + ".zip";
        ZipFile.CreateFromDirectory(folder, zip);
        return zip;
    }

    /// <summary>Households as a table with Chinese headers (户编号, 楼栋, 楼层, 单元, 房号, 地址, 人口)
    /// and 经度/纬度 columns, written by <c>ogr2ogr</c> (<c>CSV</c> or <c>XLSX</c>) from <paramref name="source"/>.</summary>
    public async Task<string> HouseholdTableAsync(string driver, string? source = null)
    {
        var path = Out($"households-{Guid.NewGuid():N}." + driver.ToLowerInvariant());
        await Gdal.Ogr2ogrAsync("-f", driver, path, source ?? GeoJson("households"), "-dialect", "SQLite", "-sql",
            "SELECT id AS 户编号, building_id AS 楼栋, floor AS 楼层, unit AS 单元, room AS 房号, address AS 地址, persons AS 人口, " +
            "ST_X(geometry) AS 经度, ST_Y(geometry) AS 纬度 FROM households");
        return path;
    }

    /// <summary>Households as a CSV of X/Y in <paramref name="srs"/> with the headers 户号 and 人数.</summary>
    public async Task<string> HouseholdXyCsvAsync(string srs)
    {
        var path = Out($"households-xy-{srs.Replace(':', '_')}.csv");
        await Gdal.Ogr2ogrAsync("-f", "CSV", "-t_srs", srs, "-lco", "GEOMETRY=AS_XY", path, GeoJson("households"), "-sql",
            "SELECT id AS \"户号\", building_id AS \"楼栋\", floor AS \"楼层\", unit AS \"单元\", room AS \"房号\", address AS \"地址\", persons AS \"人数\" FROM households");
        return path;
    }

    public static ByteArrayContent Raw(string path, string mediaType)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    public static MultipartFormDataContent Form(string path, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        form.Add(new ByteArrayContent(File.ReadAllBytes(path)), "file", Path.GetFileName(path));
        return form;
    }

    /// <summary>The stored households of the township: id → the typed columns and the point.</summary>
    public async Task<Dictionary<string, StoredHousehold>> HouseholdsAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT id, building_id, floor, unit, room, address, persons, ST_X(geom), ST_Y(geom) FROM household WHERE township_code = $1");
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new Dictionary<string, StoredHousehold>();
        while (await r.ReadAsync())
            rows[r.GetString(0)] = new StoredHousehold(r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetInt32(6), r.GetDouble(7), r.GetDouble(8));
        return rows;
    }

    /// <summary>The stored buildings: id → floors, use and footprint.</summary>
    public async Task<Dictionary<string, (int? Floors, string? Use, Geometry Geom)>> BuildingsAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT id, floors, use, geom FROM building WHERE township_code = $1");
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new Dictionary<string, (int?, string?, Geometry)>();
        while (await r.ReadAsync())
            rows[r.GetString(0)] = (r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<Geometry>(3));
        return rows;
    }

    /// <summary>Same ids, same typed columns, points within <paramref name="metres"/>.</summary>
    public static void AssertSame(Dictionary<string, StoredHousehold> expected, Dictionary<string, StoredHousehold> actual, double metres, string what)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} households stored, {expected.Count} expected");
        double worst = 0;
        foreach (var (id, e) in expected)
        {
            Assert.True(actual.TryGetValue(id, out var a), $"{what}: household {id} missing");
            Assert.True(e with { X = 0, Y = 0 } == a with { X = 0, Y = 0 }, $"{what}: household {id}: {a} stored, {e} expected");
            worst = Math.Max(worst, Metres(e.X, e.Y, a.X, a.Y));
        }
        Assert.True(worst <= metres, $"{what}: a household moved {worst:F4} m (at most {metres} m)");
    }

    public static void AssertSame(Dictionary<string, (int? Floors, string? Use, Geometry Geom)> expected, Dictionary<string, (int? Floors, string? Use, Geometry Geom)> actual, double metres, string what)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} buildings stored, {expected.Count} expected");
        foreach (var (id, e) in expected)
        {
            Assert.True(actual.TryGetValue(id, out var a), $"{what}: building {id} missing");
            Assert.Equal((e.Floors, e.Use), (a.Floors, a.Use));
            double d = DiscreteHausdorffDistance.Distance(e.Geom, a.Geom) * 111_320;
            Assert.True(d <= metres, $"{what}: building {id} moved {d:F4} m");
        }
    }

    public static double Metres(double lon1, double lat1, double lon2, double lat2) =>
        Math.Sqrt(Math.Pow((lon1 - lon2) * 111_320 * Math.Cos(lat1 * Math.PI / 180), 2) + Math.Pow((lat1 - lat2) * 110_574, 2));
}

/// <summary>A stored household's typed columns and point (lon/lat).</summary>
internal sealed record StoredHousehold(string? BuildingId, int? Floor, string? Unit, string? Room, string? Address, int? Persons, double X, double Y);
