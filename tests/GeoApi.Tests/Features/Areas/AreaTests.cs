using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner.Files;

namespace GridSpatial.GeoApi.Tests.Features.Areas;

/// <summary>Area queries on a real PostGIS: the households counted are PostGIS's ST_Contains on the
/// same polygon, the units are the ones whose land meets it, circles and corridors are drawn in metres
/// whatever CRS the coordinates come in, a key without the people permission gets counts and roles but
/// never a name, phone or household, and a bad area is a problem naming its field.</summary>
[Collection("db")]
public class AreaTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627210";
    private const double Lon = 108.1, Lat = 24.1;
    private readonly HttpClient _http = db.Client();
    private HttpClient _local = null!;

    public async Task InitializeAsync()
    {
        using var exists = await _http.GetAsync(new Uri($"/api/townships/{Code}", UriKind.Relative));
        if (!exists.IsSuccessStatusCode)
        {
            await Samples.ImportAsync(_http, new TownshipGenerator(210).Generate(Code, "区域镇", Lon, Lat, 600, urbanShare: 0.3), "villages", "buildings", "households");
            await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        }
        //-- An administrator of this township only: other classes' townships never fall into its areas.
        _local = db.Client(await KeyAsync("admin", people: true));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> KeyAsync(string role, bool people)
    {
        var response = await _http.PostAsJsonAsync("/api/keys", new { name = "area-" + Guid.NewGuid().ToString("N")[..8], role, jurisdiction = Code, people });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> AreaAsync(HttpClient http, string body, string query = "")
    {
        var response = await http.PostAsync(new Uri("/api/area" + query, UriKind.Relative), Body(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<T> Scalar<T>(string sql, params object[] args)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<double[]> ExtentAsync() =>
        await Scalar<double[]>("SELECT ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] FROM township WHERE code = $1", Code);

    /// <summary>A random star-shaped (hence simple) polygon inside the township's extent.</summary>
    private static string RandomPolygon(Random rnd, double[] e)
    {
        double cx = e[0] + (e[2] - e[0]) * (0.2 + 0.6 * rnd.NextDouble()), cy = e[1] + (e[3] - e[1]) * (0.2 + 0.6 * rnd.NextDouble());
        double size = (e[2] - e[0]) * (0.05 + 0.3 * rnd.NextDouble());
        int n = rnd.Next(3, 12);
        var ring = Enumerable.Range(0, n).Select(i =>
        {
            double a = 2 * Math.PI * i / n, r = size * (0.3 + 0.7 * rnd.NextDouble());
            return FormattableString.Invariant($"[{cx + r * Math.Cos(a)},{cy + r * Math.Sin(a)}]");
        }).ToList();
        ring.Add(ring[0]);
        return $$"""{"type":"Polygon","coordinates":[[{{string.Join(",", ring)}}]]}""";
    }

    [Fact]
    public async Task Polygon_HouseholdsAndUnits_EqualPostgisOnTheSamePolygon_ForRandomPolygons()
    {
        var extent = await ExtentAsync();
        var rnd = new Random(210);
        for (int i = 0; i < 12; i++)
        {
            var polygon = RandomPolygon(rnd, extent);
            var answer = await AreaAsync(_local, polygon);
            var expected = await Scalar<long>("SELECT count(*) FROM household WHERE township_code = $1 AND ST_Contains(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), geom)", Code, polygon);
            Assert.Equal(expected, answer.GetProperty("householdCount").GetInt32());
            Assert.Equal(expected, answer.GetProperty("households").GetArrayLength());

            var micros = answer.GetProperty("microGrids").EnumerateArray().ToList();
            var expectedMicros = await Scalar<string[]>("""
                SELECT coalesce(array_agg(code::text ORDER BY code), '{}') FROM current_micro_grid
                WHERE township_code = $1 AND ST_Intersects(geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))
                """, Code, polygon);
            Assert.Equal(expectedMicros, micros.Select(m => m.GetProperty("code").GetString()).ToArray());
            //-- Every household inside is in exactly one micro-grid touched; shares are between 0 and 1.
            Assert.Equal(expected, micros.Sum(m => m.GetProperty("householdsInside").GetInt32()));
            Assert.All(micros, m => Assert.InRange(m.GetProperty("areaShare").GetDouble(), 0, 1));
            Assert.All(micros, m => Assert.InRange(m.GetProperty("householdsInside").GetInt32(), 0, m.GetProperty("households").GetInt32()));
            Assert.Equal(expected, answer.GetProperty("grids").EnumerateArray().Sum(g => g.GetProperty("householdsInside").GetInt32()));
            Assert.Equal(expected, answer.GetProperty("townships").EnumerateArray().Sum(g => g.GetProperty("householdsInside").GetInt32()));
        }
    }

    [Fact]
    public async Task WholeTownship_EveryUnitFullyInside_ShareOne()
    {
        var outline = await Scalar<string>("SELECT ST_AsGeoJSON(ST_Buffer(geom, 0.001)) FROM township WHERE code = $1", Code);
        var answer = await AreaAsync(_local, outline);
        var total = await Scalar<long>("SELECT count(*) FROM household WHERE township_code = $1", Code);
        Assert.Equal(total, answer.GetProperty("householdCount").GetInt32());
        Assert.All(answer.GetProperty("grids").EnumerateArray(), g =>
        {
            Assert.Equal(1.0, g.GetProperty("areaShare").GetDouble());
            Assert.Equal(g.GetProperty("households").GetInt32(), g.GetProperty("householdsInside").GetInt32());
            Assert.False(string.IsNullOrEmpty(g.GetProperty("name").GetString()));
        });
        var township = Assert.Single(answer.GetProperty("townships").EnumerateArray());
        Assert.Equal("区域镇", township.GetProperty("name").GetString());
        Assert.Equal(1.0, township.GetProperty("areaShare").GetDouble());
    }

    [Fact]
    public async Task Circle_InGaussKrugerCoordinates_IsTheSameCircleInMetres()
    {
        var (hx, hy) = await HouseholdAtAsync(0);
        const double radius = 250;
        var gk = InputCrs.ThreeDegreeZoneAt(hx)!;
        var p = gk.FromWgs84(new NetTopologySuite.Geometries.Coordinate(hx, hy));
        var answer = await AreaAsync(_local, FormattableString.Invariant($$"""{"geometry": {"type": "Point", "coordinates": [{{p.X}}, {{p.Y}}]}, "radius_m": {{radius}}}"""),
            "?crs=" + Uri.EscapeDataString(gk.Code));
        Assert.Equal("circle", answer.GetProperty("area").GetProperty("kind").GetString());
        Assert.InRange(answer.GetProperty("area").GetProperty("areaM2").GetDouble(), Math.PI * radius * radius * 0.99, Math.PI * radius * radius * 1.001);
        //-- The households well within the radius are all in; none well beyond is.
        var ids = answer.GetProperty("households").EnumerateArray().Select(h => h.GetProperty("id").GetString()).ToHashSet();
        var near = await Scalar<string[]>("SELECT coalesce(array_agg(id), '{}') FROM household WHERE township_code = $1 AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography, $4)", Code, hx, hy, radius * 0.99);
        var far = await Scalar<string[]>("SELECT coalesce(array_agg(id), '{}') FROM household WHERE township_code = $1 AND NOT ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography, $4)", Code, hx, hy, radius * 1.01);
        Assert.NotEmpty(near);
        Assert.All(near, id => Assert.Contains(id, ids));
        Assert.All(far, id => Assert.DoesNotContain(id, ids));
    }

    [Fact]
    public async Task Corridor_LineWithBuffer_HoldsTheHouseholdsNearTheLine()
    {
        var (x0, y0) = await HouseholdAtAsync(3);
        var (x1, y1) = await HouseholdAtAsync(40);
        var line = FormattableString.Invariant($$"""{"type":"LineString","coordinates":[[{{x0}},{{y0}}],[{{x1}},{{y1}}]]}""");
        var answer = await AreaAsync(_local, $$"""{"type": "Feature", "properties": {"buffer_m": 60}, "geometry": {{line}}}""");
        Assert.Equal("corridor", answer.GetProperty("area").GetProperty("kind").GetString());
        var near = await Scalar<long>("SELECT count(*) FROM household WHERE township_code = $1 AND ST_DWithin(geom::geography, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)::geography, 59)", Code, line);
        Assert.InRange(answer.GetProperty("householdCount").GetInt32(), near, int.MaxValue);
    }

    [Fact]
    public async Task KeyWithoutPeople_GetsCountsAndRoles_NeverNamesPhonesOrHouseholds()
    {
        var micro = await Scalar<string>("SELECT code::text FROM current_micro_grid WHERE township_code = $1 AND household_count > 0 ORDER BY code LIMIT 1", Code);
        var created = await _http.PostAsJsonAsync("/api/people", new { name = "王区域", role = "full_time", phone = "13900002100", jurisdiction = Code });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var person = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Created, (await _http.PostAsJsonAsync($"/api/codes/{micro}/people", new { personId = person, validFrom = "2026-01-01" })).StatusCode);
        var territory = await Scalar<string>("SELECT ST_AsGeoJSON(geom) FROM current_micro_grid WHERE township_code = $1 AND code = $2", Code, micro);

        using var plain = db.Client(await KeyAsync("integrator", people: false));
        var raw = await (await plain.PostAsync(new Uri("/api/area", UriKind.Relative), Body(territory))).Content.ReadAsStringAsync();
        var answer = JsonDocument.Parse(raw).RootElement;
        Assert.True(answer.GetProperty("householdCount").GetInt32() > 0);
        Assert.False(answer.TryGetProperty("households", out _));
        var unit = answer.GetProperty("microGrids").EnumerateArray().Single(m => m.GetProperty("code").GetString() == micro);
        var who = Assert.Single(unit.GetProperty("responsible").GetProperty("people").EnumerateArray());
        Assert.Equal("full_time", who.GetProperty("role").GetString());
        Assert.DoesNotContain("王区域", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("13900002100", raw, StringComparison.Ordinal);
        var csv = await (await plain.PostAsync(new Uri("/api/area?format=csv", UriKind.Relative), Body(territory))).Content.ReadAsStringAsync();
        Assert.Contains("区域内户数", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("王区域", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("13900002100", csv, StringComparison.Ordinal);

        //-- A key with the permission reads names, phones and households, and the read is audited.
        var full = await AreaAsync(_local, territory);
        Assert.Contains(full.GetProperty("microGrids").EnumerateArray().Single(m => m.GetProperty("code").GetString() == micro)
            .GetProperty("responsible").GetProperty("people").EnumerateArray(), p => p.GetProperty("phone").GetString() == "13900002100");
        Assert.True(full.GetProperty("households").GetArrayLength() > 0);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long rows;
        while ((rows = await Scalar<long>(
                   "SELECT count(*) FROM audit_log WHERE action = 'read_personal' AND detail->>'what' LIKE 'POST /api/area%' AND detail->'people' @> to_jsonb($1::bigint)",
                   person)) == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task EvacuationList_Xlsx_ListsHouseholdsSortedByGridMicroGridBuildingFloor()
    {
        var outline = await Scalar<string>("SELECT ST_AsGeoJSON(geom) FROM township WHERE code = $1", Code);
        var response = await _local.PostAsync(new Uri("/api/area?format=xlsx", UriKind.Relative), Body(outline));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.NotNull(zip.GetEntry("xl/workbook.xml"));
        var csv = await (await _local.PostAsync(new Uri("/api/area?format=csv", UriKind.Relative), Body(outline))).Content.ReadAsStringAsync();
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("网格编码,网格名称,微网格编码", lines[0], StringComparison.Ordinal);
        var total = await Scalar<long>("SELECT count(*) FROM household WHERE township_code = $1", Code);
        Assert.Equal(total, lines.Length - 1);
        var keys = lines.Skip(1).Select(l => Csv.Split(l)).Select(c => (c[0], c[2], c[4], int.TryParse(c[5], CultureInfo.InvariantCulture, out var f) ? f : int.MinValue)).ToList();
        Assert.Equal(keys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal).ThenBy(k => k.Item3, StringComparer.Ordinal).ThenBy(k => k.Item4), keys);
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[108.1,24.1],[108.11,24.11],[108.11,24.1],[108.1,24.11],[108.1,24.1]]]}""", "", "geometry")]
    [InlineData("""{"type":"Point","coordinates":[108.1,24.1]}""", "", "radius_m")]
    [InlineData("""{"geometry":{"type":"Point","coordinates":[108.1,24.1]},"radius_m":-5}""", "", "radius_m")]
    [InlineData("""{"type":"LineString","coordinates":[[108.1,24.1],[108.11,24.11]]}""", "", "buffer_m")]
    [InlineData("""{"type":"Polygon","coordinates":[[[108.1,24.1],[108.11,24.11]]]}""", "", "geometry")]
    [InlineData("""{"type":"Point","coordinates":[108.1,24.1]}""", "?crs=EPSG:9999", "crs")]
    [InlineData("""{"type":"Point","coordinates":[108.1,24.1],"radius_m":10}""", "?crs=EPSG:4545", "crs")]
    [InlineData("""{"geometry":{"type":"Point","coordinates":[108.1,24.1]},"radius_m":100}""", "?format=pdf", "format")]
    [InlineData("""[1, 2]""", "", "$")]
    public async Task BadArea_IsAProblemNamingTheField(string body, string query, string field)
    {
        var response = await _local.PostAsync(new Uri("/api/area" + query, UriKind.Relative), Body(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task OgcItems_Intersects_AnswersTheAreaQuerysUnitsAndHouseholds()
    {
        var polygon = RandomPolygon(new Random(2101), await ExtentAsync());
        var area = await AreaAsync(_local, polygon);
        var wkt = await Scalar<string>("SELECT ST_AsText(ST_GeomFromGeoJSON($1))", polygon);
        async Task<List<string>> Items(string collection, string idProperty, string geometry, string crs = "")
        {
            var page = await _local.GetFromJsonAsync<JsonElement>($"/ogc/collections/{collection}/items?township={Code}&limit=10000&intersects={Uri.EscapeDataString(geometry)}{crs}");
            return page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty(idProperty).GetString()!).Order(StringComparer.Ordinal).ToList();
        }
        Assert.Equal(area.GetProperty("microGrids").EnumerateArray().Select(m => m.GetProperty("code").GetString()!).ToList(), await Items("micro_grids", "code", wkt));
        Assert.Equal(area.GetProperty("households").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToList(),
            await Items("households", "id", polygon));

        //-- In a Gauss–Krüger zone (northing, easting), the same polygon answers the same units.
        var (hx, _) = await HouseholdAtAsync(0);
        var zone = InputCrs.ThreeDegreeZoneAt(hx, zonePrefix: true)!;
        var swapped = await Scalar<string>("SELECT ST_AsText(ST_FlipCoordinates(ST_Transform(ST_GeomFromGeoJSON($1), $2)))", polygon, zone.Epsg);
        Assert.Equal(area.GetProperty("microGrids").EnumerateArray().Select(m => m.GetProperty("code").GetString()!).ToList(),
            await Items("micro_grids", "code", swapped, "&bbox-crs=" + Uri.EscapeDataString(zone.OgcUri!)));

        foreach (var bad in new[] { "POLYGON((0 0, 1 1))", "POLYGON((108.1 24.1, 108.11 24.11, 108.11 24.1, 108.1 24.11, 108.1 24.1))", "{\"type\": \"Polygon\"}", "POINT(500 24)" })
        {
            var response = await _local.GetAsync(new Uri($"/ogc/collections/micro_grids/items?intersects={Uri.EscapeDataString(bad)}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("intersects", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
    }

    private async Task<(double X, double Y)> HouseholdAtAsync(int skip)
    {
        await using var cmd = db.Db.CreateCommand("SELECT ST_X(geom), ST_Y(geom) FROM household WHERE township_code = $1 ORDER BY id OFFSET $2 LIMIT 1");
        cmd.Parameters.AddWithValue(Code);
        cmd.Parameters.AddWithValue(skip);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetDouble(0), r.GetDouble(1));
    }
}
