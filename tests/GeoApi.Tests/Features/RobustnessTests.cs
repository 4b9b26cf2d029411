using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Bad input, conflicts and a database restart against the real service: malformed
/// bodies to every write and lookup endpoint get 4xx problem details (never 5xx) and leave every
/// table as it was; parallel conflicting writes lose nothing (412/409 for the losers). Database
/// restarts: PostgresRestartTests; killed processes: FaultTests.</summary>
[Collection("db")]
public class RobustnessTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627195";
    private readonly HttpClient _http = db.Client();
    private string _micro = "", _household = "", _redraw = "";
    private double[] _point = [];

    public async Task InitializeAsync()
    {
        await Samples.ImportAsync(_http, new TownshipGenerator(195).Generate(Code, "稳健镇", 104.50, 28.10, 400), "villages", "buildings", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        (_micro, _household, _point) = await Samples.ClusterHouseholdAsync(db.Db, Code);
        _redraw = await RedrawOf(_micro);
    }

    /// <summary>A redraw of a micro-grid that the service would accept: its territory grown by ~10 m.</summary>
    private async Task<string> RedrawOf(string micro)
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT ST_AsGeoJSON(ST_Buffer(m.geom, 0.0001)) FROM current_micro_grid m JOIN township_state s ON s.township_code = m.township_code
            WHERE m.township_code = $1 AND m.code = $2
            """);
        cmd.Parameters.AddWithValue(Code);
        cmd.Parameters.AddWithValue(micro);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Polygon(int vertices)
    {
        var sb = new StringBuilder("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"530627195201","name":"大村"},"geometry":{"type":"Polygon","coordinates":[[""");
        for (int i = 0; i < vertices; i++)
        {
            double a = 2 * Math.PI * i / vertices;
            sb.Append(FormattableString.Invariant($"[{104.5 + 0.01 * Math.Cos(a)},{28.1 + 0.01 * Math.Sin(a)}],"));
        }
        sb.Append("[104.51,28.1]]]}}]}");
        return sb.ToString();
    }

    /// <summary>The corpus: bodies no endpoint may accept. Some are valid but for one string
    /// (a household, a redraw): the database cannot store a NUL or a lone surrogate.</summary>
    private IEnumerable<(string Name, byte[] Body)> Corpus()
    {
        static byte[] U(string s) => Encoding.UTF8.GetBytes(s);
        var at = FormattableString.Invariant($"[{_point[0]},{_point[1]}]");
        string Household(string properties) => $$$"""{"type":"Feature","properties":{{{properties}}},"geometry":{"type":"Point","coordinates":{{{at}}}}}""";
        foreach (var (name, properties) in new[]
        {
            ("NUL in a property", """{"id":"nul1","address":"a\u0000b"}"""),
            ("NUL in a nested property name", """{"id":"nul2","extra":{"a\u0000":1}}"""),
            ("lone surrogate in a property", """{"id":"sur1","room":"\ud800x"}"""),
            ("lone low surrogate in an id", """{"id":"\udc00"}"""),
        })
        {
            yield return (name + " (Feature)", U(Household(properties)));
            yield return (name + " (FeatureCollection)", U($$"""{"type":"FeatureCollection","features":[{{Household(properties)}}]}"""));
        }
        byte[] invalid = [.. U("{\"id\":\"utf1\",\"address\":\"a"), 0xC3, 0x28, 0xFF, .. U("\"}")];
        var feature = U(Household("#")).ToList();
        int hole = feature.IndexOf((byte)'#');
        feature.RemoveAt(hole);
        feature.InsertRange(hole, invalid);
        yield return ("invalid UTF-8 in a property (Feature)", [.. feature]);
        yield return ("invalid UTF-8 in a property (FeatureCollection)", [.. U("{\"type\":\"FeatureCollection\",\"features\":["), .. feature, .. U("]}")]);
        yield return ("NUL in a reason", U($$"""{"geometry":{{_redraw}},"reason":"a\u0000b"}"""));
        yield return ("lone surrogate in a reason", U($$"""{"geometry":{{_redraw}},"reason":"\ud800"}"""));
        yield return ("not JSON", U("hello, world"));
        yield return ("empty", []);
        yield return ("truncated", U("""{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[104.5,"""));
        yield return ("wrong types", U("""{"type":5,"features":"many","geometry":[],"codes":7,"reason":{}}"""));
        yield return ("a JSON array", U("[1,2,3]"));
        yield return ("NaN and Infinity", U("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"n1"},"geometry":{"type":"Point","coordinates":[NaN,Infinity]}}]}"""));
        yield return ("1e300 coordinates", U("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"big","code":"530627195299"},"geometry":{"type":"Point","coordinates":[1e300,-1e300]}}],"geometry":{"type":"Polygon","coordinates":[[[1e300,1e300],[1e301,1e300],[1e300,1e301],[1e300,1e300]]]}}"""));
        yield return ("deeply nested arrays", U(new string('[', 100_000) + new string(']', 100_000)));
        yield return ("SQL injection in codes", U("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"530627195'; DROP TABLE household; --","id":"x'); DELETE FROM household; --"},"geometry":{"type":"Point","coordinates":[104.5,28.1]}}],"codes":["1' OR '1'='1","530627195201001001'; DROP TABLE grid;--"]}"""));
        yield return ("invalid UTF-8", [0x7b, 0x22, 0x74, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]);
        yield return ("1,000,000-vertex polygon", U(Polygon(1_000_000)));
    }

    private IEnumerable<(string Method, string Path)> WriteAndLookupEndpoints() =>
    [
        ("POST", "/api/townships"),
        ("POST", $"/api/townships/{Code}/villages"),
        ("POST", $"/api/townships/{Code}/buildings"),
        ("POST", $"/api/townships/{Code}/households"),
        ("POST", $"/api/townships/{Code}/barriers"),
        ("PUT", $"/api/households/{_household}"),
        ("PATCH", $"/api/households/{_household}"),
        ("POST", "/api/lookup"),
        ("PUT", $"/api/codes/{_micro}/geometry"),
        ("POST", $"/api/codes/{_micro}/split"),
        ("POST", "/api/codes/merge"),
        ("POST", "/api/keys"),
    ];

    [Fact]
    public async Task MalformedCorpus_ToEveryWriteAndLookupEndpoint_Gets4xxProblems_AndChangesNothing()
    {
        //-- Versions compared: the townships with nothing pending now (another test's township still
        //-- being recomputed in the background publishes whatever this test does); this one among them.
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(60), Code);
        var before = await db.ChecksumAsync();
        var versions = await SettledVersions();
        Assert.Contains(Code, versions.Keys);
        var failures = new List<string>();
        foreach (var (name, body) in Corpus())
            foreach (var (method, path) in WriteAndLookupEndpoints())
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                if (method is "PUT" or "PATCH" && path.StartsWith("/api/households", StringComparison.Ordinal)) request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
                int status;
                HttpResponseMessage? response = null;
                try
                {
                    response = await _http.SendAsync(request);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException) when (body.Length > 16 * 1024 * 1024)
                {
                    status = 413; // past the body limit the server may stop reading and close the connection
                }
                using var _ = response;
                //-- A lookup is a read: answering the valid points of a hostile body is fine; a write must refuse.
                bool read = path == "/api/lookup";
                if (status >= 500 || (status < 400 && !read)) failures.Add($"{name} → {method} {path}: {status}");
                else if (status >= 400 && status != 413 && response?.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    failures.Add($"{name} → {method} {path}: {status} without problem details");
            }
        //-- Query strings too: lookups and tiles.
        foreach (var q in new[] { "lon=NaN&lat=1", "lon=1e300&lat=1e300", "lon=abc&lat=27", "lon=104&lat=27&crs=gcj02'--", "lon=104", "lon=104.5&lat=28.1&crs=wgs84%00" })
        {
            var status = (int)(await _http.GetAsync(new Uri("/api/lookup?" + q, UriKind.Relative))).StatusCode;
            if (status is < 400 or >= 500) failures.Add($"GET /api/lookup?{q}: {status}");
        }
        //-- A NUL reaching SQL through a route value or any query parameter.
        foreach (var url in new[] { $"/api/households/{_household}%00/grid", $"/api/codes/{_micro}%00", $"/api/townships/{Code}/versions?limit=1&x=%00",
            $"/ogc/collections/micro_grids/items?township={Code}%00" })
        {
            var status = (int)(await _http.GetAsync(new Uri(url, UriKind.Relative))).StatusCode;
            if (status is < 400 or >= 500) failures.Add($"GET {url}: {status}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await db.ChecksumAsync());
        var after = await Versions();
        Assert.All(versions, v => Assert.Equal(v, new KeyValuePair<string, int>(v.Key, after[v.Key])));
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    /// <summary>Every coordinate given an altitude, as RFC 7946 allows: [lon, lat, 5].</summary>
    private static string WithAltitude(string geoJson) =>
        System.Text.RegularExpressions.Regex.Replace(geoJson, @"\[(-?[0-9.eE+-]+),(-?[0-9.eE+-]+)\]", "[$1,$2,5]");

    [Fact]
    public async Task Altitude_OnEveryImportLayerHouseholdWriteAndRedraw_IsDroppedAndStored2D()
    {
        //-- A redraw first: household writes below start a recompute, which a concurrent edit may lose to (409).
        int redraw = 0;
        for (int attempt = 0; attempt < 3 && redraw is 0 or 409; attempt++)
            redraw = (int)(await _http.PutAsync(new Uri($"/api/codes/{_micro}/geometry", UriKind.Relative),
                new StringContent($$"""{"geometry": {{WithAltitude(await RedrawOf(_micro))}}, "reason": "altitude"}""", Encoding.UTF8, "application/json"))).StatusCode;
        Assert.Equal(201, redraw);

        //-- Each layer: one stored feature sent again with altitude.
        foreach (var (layer, sql) in new[]
        {
            ("", "SELECT json_build_object('code', code, 'name', name), ST_AsGeoJSON(geom, 15) FROM township WHERE code = $1"),
            ("villages", "SELECT json_build_object('code', code, 'name', name), ST_AsGeoJSON(geom, 15) FROM village WHERE township_code = $1 ORDER BY code LIMIT 1"),
            ("buildings", "SELECT properties, ST_AsGeoJSON(geom, 15) FROM building WHERE township_code = $1 ORDER BY id LIMIT 1"),
            ("households", "SELECT properties, ST_AsGeoJSON(geom, 15) FROM household WHERE township_code = $1 ORDER BY id LIMIT 1"),
            ("barriers", "SELECT properties, ST_AsGeoJSON(geom, 15) FROM barrier WHERE township_code = $1 ORDER BY id LIMIT 1"),
        })
        {
            await using var cmd = db.Db.CreateCommand(sql);
            cmd.Parameters.AddWithValue(Code);
            string properties, geometry;
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                Assert.True(await r.ReadAsync(), layer);
                (properties, geometry) = (r.GetString(0), r.GetString(1));
            }
            var body = $$"""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{{properties}},"geometry":{{WithAltitude(geometry)}}}]}""";
            var response = await _http.PostAsync(new Uri(layer.Length == 0 ? "/api/townships" : $"/api/townships/{Code}/{layer}", UriKind.Relative), Samples.Json(body));
            Assert.True(response.IsSuccessStatusCode, $"{layer}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        //-- A household replaced and patched with altitude.
        var get = await _http.GetAsync(new Uri($"/api/households/{_household}", UriKind.Relative));
        using (var put = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/households/{_household}", UriKind.Relative))
        {
            Content = new StringContent(WithAltitude(await get.Content.ReadAsStringAsync()), Encoding.UTF8, "application/geo+json"),
        })
        {
            var response = await _http.SendAsync(put);
            Assert.True(response.IsSuccessStatusCode, $"PUT: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var patch = FormattableString.Invariant($$$"""{"geometry":{"type":"Point","coordinates":[{{{_point[0]}}},{{{_point[1]}}},7]}}""");
        var patched = await _http.PatchAsync(new Uri($"/api/households/{_household}", UriKind.Relative), new StringContent(patch, Encoding.UTF8, "application/merge-patch+json"));
        Assert.True(patched.IsSuccessStatusCode, $"PATCH: {(int)patched.StatusCode} {await patched.Content.ReadAsStringAsync()}");

        await using var dims = db.Db.CreateCommand("""
            SELECT max(d) FROM (
                SELECT ST_NDims(geom) d FROM township WHERE code = $1 UNION ALL SELECT ST_NDims(geom) FROM village WHERE township_code = $1
                UNION ALL SELECT ST_NDims(geom) FROM building WHERE township_code = $1 UNION ALL SELECT ST_NDims(geom) FROM household WHERE township_code = $1
                UNION ALL SELECT ST_NDims(geom) FROM barrier WHERE township_code = $1
                UNION ALL SELECT ST_NDims(geom) FROM micro_grid WHERE township_code = $1) x
            """);
        dims.Parameters.AddWithValue(Code);
        Assert.Equal(2, Convert.ToInt32(await dims.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HundredMegabyteBody_IsRefusedWith413_AndTheServiceStaysUp()
    {
        var before = await db.ChecksumAsync();
        var body = new byte[100 * 1024 * 1024];
        Array.Fill(body, (byte)' ');
        foreach (var path in new[] { "/api/lookup", $"/api/codes/{_micro}/geometry" })
        {
            using var request = new HttpRequestMessage(path.EndsWith("geometry", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post, new Uri(path, UriKind.Relative))
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            HttpStatusCode status;
            try { status = (await _http.SendAsync(request)).StatusCode; }
            catch (HttpRequestException) { status = HttpStatusCode.RequestEntityTooLarge; } // the server may close the connection mid-upload
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        }
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        Assert.Equal(before, await db.ChecksumAsync());
    }

    [Fact]
    public async Task ParallelConflictingHouseholdWrites_OneWins_TheOthersGet412()
    {
        var first = await _http.GetAsync(new Uri($"/api/households/{_household}", UriKind.Relative));
        var etag = first.Headers.ETag!;
        var tasks = Enumerable.Range(1, 12).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri($"/api/households/{_household}", UriKind.Relative))
            {
                Content = new StringContent("{\"properties\": {\"persons\": " + i + "}}", Encoding.UTF8, "application/merge-patch+json"),
            };
            request.Headers.IfMatch.Add(etag);
            var response = await _http.SendAsync(request);
            return ((int)response.StatusCode, i);
        }).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.Single(results, r => r.Item1 == 200);
        Assert.All(results.Where(r => r.Item1 != 200), r => Assert.Equal(412, r.Item1));
        var winner = results.Single(r => r.Item1 == 200).i;
        var stored = await _http.GetFromJsonAsync<JsonElement>($"/api/households/{_household}");
        Assert.Equal(winner, stored.GetProperty("properties").GetProperty("persons").GetInt32());
    }

    [Fact]
    public async Task ParallelEditsOfOneTownship_OneVersionEach_NoneLost()
    {
        //-- Each redraw is computed from the version it read; the loser of a race is told (409), never silently overwritten.
        await using var cmd = db.Db.CreateCommand("""
            SELECT m.code, ST_AsGeoJSON(ST_Buffer(m.geom, 0.0002)) FROM current_micro_grid m JOIN township_state s ON s.township_code = m.township_code
            WHERE m.township_code = $1 AND m.kind = 'cluster' ORDER BY m.code LIMIT 4
            """);
        cmd.Parameters.AddWithValue(Code);
        var edits = new List<(string Code, string Geometry)>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) edits.Add((r.GetString(0), r.GetString(1)));
        var before = (await Versions())[Code];
        var results = await Task.WhenAll(edits.Select(async e =>
            (int)(await _http.PutAsync(new Uri($"/api/codes/{e.Code}/geometry", UriKind.Relative),
                new StringContent("{\"geometry\": " + e.Geometry + ", \"reason\": \"race\"}", Encoding.UTF8, "application/json"))).StatusCode));
        Assert.All(results, s => Assert.Contains(s, new[] { 201, 409 }));
        var published = results.Count(s => s == 201);
        Assert.True(published >= 1);
        Assert.Equal(before + published, (await Versions())[Code]);
    }

    private Task<Dictionary<string, int>> Versions() => VersionsWhere("true");

    /// <summary>The versions of townships not dirty and without a recompute waiting: nothing but a request changes them.</summary>
    private Task<Dictionary<string, int>> SettledVersions() => VersionsWhere("""
        s.dirty_since IS NULL AND NOT EXISTS (SELECT 1 FROM hangfire.job j WHERE j.id = s.queued_job_id AND j.statename IN ('Enqueued', 'Processing', 'Scheduled', 'Awaiting'))
        """);

    private async Task<Dictionary<string, int>> VersionsWhere(string condition)
    {
        await using var cmd = db.Db.CreateCommand($"SELECT s.township_code, coalesce(s.current_version, 0) FROM township_state s WHERE {condition}");
        var map = new Dictionary<string, int>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) map[r.GetString(0)] = r.GetInt32(1);
        return map;
    }
}
