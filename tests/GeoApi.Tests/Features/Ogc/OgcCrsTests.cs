using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Tests.Features.Ogc;

/// <summary>OGC API – Features Part 2 (CRS by reference) on a township at 104.6°E (3-degree zone 35,
/// EPSG:4523 with zone prefix): every collection lists its CRSs and storage CRS, items and item
/// reproject on <c>crs</c> in the CRS's axis order (EPSG:4490 latitude first, Gauss–Krüger northing
/// first) within 1 cm of PostGIS <c>ST_Transform</c>, say so in <c>Content-Crs</c>, select by a bbox in
/// <c>bbox-crs</c> as SQL on the same box does, and refuse any other CRS with a 400 naming the parameter.</summary>
[Collection("db")]
public class OgcCrsTests(DatabaseFixture db) : IAsyncLifetime
{
    internal const string Code = "530627164";
    internal const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    internal const string Cgcs2000 = "http://www.opengis.net/def/crs/EPSG/0/4490";
    internal const string Zone35 = "http://www.opengis.net/def/crs/EPSG/0/4523";
    internal const string WebMercator = "http://www.opengis.net/def/crs/EPSG/0/3857";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync() => await EnsureTownshipAsync(db, _http);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The test township with its households (imported once for the test run).</summary>
    internal static async Task EnsureTownshipAsync(DatabaseFixture db, HttpClient http)
    {
        await using var cmd = db.Db.CreateCommand("SELECT count(*) FROM household WHERE township_code = $1");
        cmd.Parameters.AddWithValue(Code);
        if ((long)(await cmd.ExecuteScalarAsync())! > 0) return;
        await Samples.ImportAsync(http, new TownshipGenerator(164).Generate(Code, "坐标镇", 104.60, 25.10, 300), "households");
    }

    [Fact]
    public async Task Collections_EveryCollection_ListsCrs84Cgcs2000TheTownshipsZoneAndWebMercator_StoredInCrs84()
    {
        var all = await _http.GetFromJsonAsync<JsonElement>("/ogc/collections");
        foreach (var collection in all.GetProperty("collections").EnumerateArray())
        {
            var crs = collection.GetProperty("crs").EnumerateArray().Select(c => c.GetString()!).ToList();
            Assert.Equal(Crs84, crs[0]);
            foreach (var uri in new[] { Cgcs2000, Zone35, WebMercator }) Assert.Contains(uri, crs);
            //-- Zones with prefix only (4513–4533), each once, and only those covering the data.
            Assert.All(crs.Where(c => c.Contains("/EPSG/0/45", StringComparison.Ordinal)),
                c => Assert.InRange(int.Parse(c[^4..], CultureInfo.InvariantCulture), 4513, 4533));
            Assert.DoesNotContain("http://www.opengis.net/def/crs/EPSG/0/4513", crs);
            Assert.Equal(crs.Count, crs.Distinct().Count());
            Assert.Equal(Crs84, collection.GetProperty("storageCrs").GetString());
        }
        var conformance = await _http.GetFromJsonAsync<JsonElement>("/ogc/conformance");
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs", conformance.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Items_CrsOfTheList_CoordinatesInItsAxisOrderWithinOneCentimetreOfPostGis_AndContentCrs()
    {
        foreach (var (uri, epsg, northingFirst) in new[] { (Cgcs2000, 4490, true), (Zone35, 4523, true), (WebMercator, 3857, false) })
        {
            var expected = await PostGisAsync(db, epsg, northingFirst);
            using var response = await _http.GetAsync(new Uri($"/ogc/collections/households/items?township={Code}&limit=10000&crs={Uri.EscapeDataString(uri)}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"<{uri}>", Assert.Single(response.Headers.GetValues("Content-Crs")));
            var points = Points(await response.Content.ReadFromJsonAsync<JsonElement>());
            AssertWithin(expected, points, 0.01, uri, degrees: epsg == 4490, latitudeFirst: true);
        }
        //-- CRS84 by default, and said so.
        using var plain = await _http.GetAsync(new Uri($"/ogc/collections/households/items?township={Code}&limit=10000", UriKind.Relative));
        Assert.Equal($"<{Crs84}>", Assert.Single(plain.Headers.GetValues("Content-Crs")));
        var stored = await PostGisAsync(db, 4326, northingFirst: false);
        AssertWithin(stored, Points(await plain.Content.ReadFromJsonAsync<JsonElement>()), 0.01, "CRS84", degrees: true, latitudeFirst: false);
    }

    [Fact]
    public async Task Item_CrsZone35_OneFeatureNorthingFirstWithinOneCentimetre_AndContentCrs()
    {
        var expected = await PostGisAsync(db, 4523, northingFirst: true);
        var (id, point) = expected.First();
        using var response = await _http.GetAsync(new Uri($"/ogc/collections/households/items/{id}?crs={Uri.EscapeDataString(Zone35)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"<{Zone35}>", Assert.Single(response.Headers.GetValues("Content-Crs")));
        var feature = await response.Content.ReadFromJsonAsync<JsonElement>();
        var c = feature.GetProperty("geometry").GetProperty("coordinates");
        var read = new Coordinate(c[0].GetDouble(), c[1].GetDouble());
        Assert.True(point.Distance(read) <= 0.01, $"{id}: {read} is {point.Distance(read):F4} m from {point}");
        Assert.True(read.X > 2_000_000 && read.Y > 35_000_000, $"{read}: not northing, then easting with zone prefix 35");
        using var plain = await _http.GetAsync(new Uri($"/ogc/collections/households/items/{id}", UriKind.Relative));
        Assert.Equal($"<{Crs84}>", Assert.Single(plain.Headers.GetValues("Content-Crs")));
    }

    [Fact]
    public async Task Items_BboxInBboxCrs_SelectsWhatPostGisFindsInTheSameBox()
    {
        var extent = await Doubles($"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(ST_Transform(geom, 4523)) e FROM household WHERE township_code = $1) q");
        double e0 = extent[0] + (extent[2] - extent[0]) * 0.21, e1 = extent[0] + (extent[2] - extent[0]) * 0.67;
        double n0 = extent[1] + (extent[3] - extent[1]) * 0.13, n1 = extent[1] + (extent[3] - extent[1]) * 0.58;
        var inZone = await Ids($"SELECT id FROM household WHERE township_code = $1 AND ST_Intersects(ST_Transform(geom, 4523), ST_MakeEnvelope({Num(e0)}, {Num(n0)}, {Num(e1)}, {Num(n1)}, 4523)) ORDER BY id");
        Assert.True(inZone.Count > 5 && inZone.Count < await Count(), $"{inZone.Count} households in the box: not a real selection");
        //-- Northing first, as EPSG:4523 orders its axes.
        Assert.Equal(inZone, await ItemIds($"bbox={Num(n0)},{Num(e0)},{Num(n1)},{Num(e1)}&bbox-crs={Uri.EscapeDataString(Zone35)}"));

        var geo = await Doubles($"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM household WHERE township_code = $1) q");
        double lon0 = geo[0] + (geo[2] - geo[0]) * 0.3, lon1 = geo[0] + (geo[2] - geo[0]) * 0.8, lat0 = geo[1] + (geo[3] - geo[1]) * 0.25, lat1 = geo[1] + (geo[3] - geo[1]) * 0.7;
        var inDegrees = await Ids($"SELECT id FROM household WHERE township_code = $1 AND ST_Intersects(geom, ST_MakeEnvelope({Num(lon0)}, {Num(lat0)}, {Num(lon1)}, {Num(lat1)}, 4326)) ORDER BY id");
        Assert.NotEmpty(inDegrees);
        //-- Latitude first in EPSG:4490; longitude first in CRS84 (named, or by default).
        Assert.Equal(inDegrees, await ItemIds($"bbox={Num(lat0)},{Num(lon0)},{Num(lat1)},{Num(lon1)}&bbox-crs={Uri.EscapeDataString(Cgcs2000)}"));
        Assert.Equal(inDegrees, await ItemIds($"bbox={Num(lon0)},{Num(lat0)},{Num(lon1)},{Num(lat1)}&bbox-crs={Uri.EscapeDataString(Crs84)}"));
        Assert.Equal(inDegrees, await ItemIds($"bbox={Num(lon0)},{Num(lat0)},{Num(lon1)},{Num(lat1)}"));
    }

    public static TheoryData<string, string> RefusedCrs => new()
    {
        { "items?crs=EPSG:4490", "crs" },
        { "items?crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4326", "crs" },
        { "items?crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4534", "crs" },
        { "items?crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4513", "crs" },
        { "items?crs=", "crs" },
        { "items?crs=nonsense", "crs" },
        { "items?bbox=25,104,26,105&bbox-crs=EPSG:4490", "bbox-crs" },
        { "items?bbox=104,25,105,26&bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F9999", "bbox-crs" },
        { "items?bbox=104,25,105,26&bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4490", "bbox" },
        { "items?bbox=2800000,35400000,2700000,35500000&bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4523", "bbox" },
        { "items/nothing?crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4326", "crs" },
        { "items/nothing?bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4490", "bbox-crs" },
        { "?crs=gcj02", "crs" },
    };

    [Theory]
    [MemberData(nameof(RefusedCrs))]
    public async Task Items_CrsOrBboxCrsNotInTheList_Is400ProblemNamingTheParameter(string query, string field)
    {
        using var r = await _http.GetAsync(new Uri($"/ogc/collections/households{(query.StartsWith('?') ? "" : "/")}{query}", UriKind.Relative));
        Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = await r.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("field").GetString() == field, $"{query}: {problem}");
        Assert.True(problem.GetProperty("detail").GetString()![0] > 0x2E80, $"{query}: Chinese first: {problem}");
    }

    [Fact]
    public async Task OpenApi_ItemsAndItem_DescribeCrsBboxCrsAndTheContentCrsHeader()
    {
        var doc = await _http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var items = doc.GetProperty("paths").GetProperty("/ogc/collections/{id}/items").GetProperty("get");
        var item = doc.GetProperty("paths").GetProperty("/ogc/collections/{id}/items/{fid}").GetProperty("get");
        Assert.Contains(items.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "crs");
        Assert.Contains(items.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "bbox-crs");
        Assert.Contains(item.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "crs");
        foreach (var op in new[] { items, item })
            Assert.True(op.GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("Content-Crs", out _));
    }

    /// <summary>Household id → its point by PostGIS <c>ST_Transform</c> to <paramref name="epsg"/>, in that CRS's axis order.</summary>
    internal static async Task<Dictionary<string, Coordinate>> PostGisAsync(DatabaseFixture db, int epsg, bool northingFirst, string condition = "true")
    {
        await using var cmd = db.Db.CreateCommand(
            $"SELECT id, ST_X(p), ST_Y(p) FROM (SELECT id, ST_Transform(geom, {epsg}) p FROM household WHERE township_code = $1 AND ({condition})) h");
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        var points = new Dictionary<string, Coordinate>();
        while (await r.ReadAsync())
            points[r.GetString(0)] = northingFirst ? new Coordinate(r.GetDouble(2), r.GetDouble(1)) : new Coordinate(r.GetDouble(1), r.GetDouble(2));
        return points;
    }

    /// <summary>Asserts every point of <paramref name="expected"/> is read within <paramref name="metres"/>;
    /// degrees are compared on the ellipsoid (<paramref name="latitudeFirst"/> for EPSG:4490's order).</summary>
    internal static void AssertWithin(Dictionary<string, Coordinate> expected, Dictionary<string, Coordinate> actual, double metres, string what, bool degrees, bool latitudeFirst)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} points read, {expected.Count} expected");
        foreach (var (id, e) in expected)
        {
            Assert.True(actual.TryGetValue(id, out var a), $"{what}: {id} missing");
            double d = !degrees ? e.Distance(a)
                : latitudeFirst ? Import.ReferenceTownship.Metres(e.Y, e.X, a.Y, a.X) : Import.ReferenceTownship.Metres(e.X, e.Y, a.X, a.Y);
            Assert.True(d <= metres, $"{what}: {id} is {d:F4} m from {e}, at {a}");
        }
    }

    private static Dictionary<string, Coordinate> Points(JsonElement page) => page.GetProperty("features").EnumerateArray().ToDictionary(
        f => f.GetProperty("id").GetString()!,
        f => new Coordinate(f.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble(), f.GetProperty("geometry").GetProperty("coordinates")[1].GetDouble()));

    private async Task<List<string>> ItemIds(string query)
    {
        var page = await _http.GetFromJsonAsync<JsonElement>($"/ogc/collections/households/items?township={Code}&limit=10000&{query}");
        return [.. page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];
    }

    private async Task<List<string>> Ids(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await r.ReadAsync()) ids.Add(r.GetString(0));
        return [.. ids.Order(StringComparer.Ordinal)];
    }

    private async Task<double[]> Doubles(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return [.. Enumerable.Range(0, r.FieldCount).Select(r.GetDouble)];
    }

    private async Task<long> Count()
    {
        await using var cmd = db.Db.CreateCommand("SELECT count(*) FROM household WHERE township_code = $1");
        cmd.Parameters.AddWithValue(Code);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
