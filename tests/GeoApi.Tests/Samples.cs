using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GridSpatial.GeoApi.Tests;

/// <summary>Test payloads: the project's sample township from data/sample, and small hand-made
/// features around it.</summary>
internal static class Samples
{
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GridSpatial.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("GridSpatial.sln not found above the test binaries.");
    }

    public static string SampleFile(string name) => Path.Combine(Root(), "data", "sample", name);

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/geo+json");

    public static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    /// <summary>A FeatureCollection with every position moved by (<paramref name="dLon"/>, <paramref name="dLat"/>) degrees:
    /// shared data from abroad moved along its parallel into China keeps its shapes and leaves the
    /// database's coverage (hence the OGC zones listed) inside China, where the other tests expect it.</summary>
    public static string Moved(string geojson, double dLon, double dLat)
    {
        var root = JsonNode.Parse(geojson)!;
        foreach (var f in root["features"]!.AsArray())
            if (f!["geometry"] is JsonObject g) Move(g["coordinates"]!.AsArray(), dLon, dLat);
        return root.ToJsonString();

        static void Move(JsonArray a, double dLon, double dLat)
        {
            if (a.Count >= 2 && a[0] is JsonValue)
            {
                a[0] = a[0]!.GetValue<double>() + dLon;
                a[1] = a[1]!.GetValue<double>() + dLat;
                return;
            }
            foreach (var child in a) Move(child!.AsArray(), dLon, dLat);
        }
    }

    /// <summary>A square township of ~1.1 km with its south-west corner at (lon, lat), by default
    /// 104.9 E, 27.4 N. Townships may not overlap: each code of the tests gets its own place.</summary>
    public static JsonObject Township(string code, string name = "测试镇", double lon = 104.9, double lat = 27.4) => Feature(
        new JsonObject { ["code"] = code, ["name"] = name },
        Polygon((lon, lat), (lon + 0.011, lat), (lon + 0.011, lat + 0.01), (lon, lat + 0.01), (lon, lat)));

    public static JsonObject Feature(JsonObject properties, JsonObject geometry) =>
        new() { ["type"] = "Feature", ["properties"] = properties, ["geometry"] = geometry };

    public static JsonObject Collection(params JsonObject[] features) =>
        new() { ["type"] = "FeatureCollection", ["features"] = new JsonArray(features.Select(f => (JsonNode)f).ToArray()) };

    public static JsonObject Point(double lon, double lat) =>
        new() { ["type"] = "Point", ["coordinates"] = new JsonArray(lon, lat) };

    public static JsonObject Polygon(params (double Lon, double Lat)[] ring) =>
        new() { ["type"] = "Polygon", ["coordinates"] = new JsonArray(new JsonArray(ring.Select(p => (JsonNode)new JsonArray(p.Lon, p.Lat)).ToArray())) };

    public static JsonObject Household(string id, double lon, double lat) =>
        Feature(new JsonObject { ["id"] = id }, Point(lon, lat));

    /// <summary>Imports the project's sample township (data/sample, 530627118) through the API:
    /// the township, then every layer file it has. Upsert by id: a second import changes nothing.</summary>
    public static async Task ImportSampleAsync(HttpClient http)
    {
        using (var t = await http.PostAsync(new Uri("/api/townships", UriKind.Relative), Json(File.ReadAllText(SampleFile("township.geojson")))))
            Assert.True(t.IsSuccessStatusCode, await t.Content.ReadAsStringAsync());
        //-- Households last: their import marks the township dirty, so the recompute it triggers sees the barriers and streets too.
        foreach (var layer in new[] { "villages", "buildings", "barriers", "streets", "households" })
        {
            using var r = await http.PostAsync(new Uri($"/api/townships/530627118/{layer}", UriKind.Relative), Json(File.ReadAllText(SampleFile(layer + ".geojson"))));
            Assert.True(r.IsSuccessStatusCode, $"{layer}: {await r.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Imports a generated township through the API: the township, then the given layers.</summary>
    public static async Task ImportAsync(HttpClient http, GridSpatial.GeoApi.SampleData.GeneratedTownship township, params string[] layers)
    {
        var dir = Path.Combine(Path.GetTempPath(), "gs-import-" + Guid.NewGuid().ToString("N")[..8]);
        GridSpatial.GeoApi.SampleData.SampleWriter.Write(township, dir);
        try
        {
            var code = township.Township.Code;
            foreach (var (path, file) in layers.Select(l => ($"/api/townships/{code}/{l}", l)).Prepend(("/api/townships", "township")))
            {
                using var response = await http.PostAsync(new Uri(path, UriKind.Relative), Json(File.ReadAllText(Path.Combine(dir, file + ".geojson"))));
                Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The township's <paramref name="layers"/> imported, partitioned and settled (no recompute
    /// left to publish a version while a test reads it): what a test class shares as its township.</summary>
    public static async Task PublishedAsync(HttpClient http, Npgsql.NpgsqlDataSource db, GridSpatial.GeoApi.SampleData.GeneratedTownship township, params string[] layers)
    {
        var code = township.Township.Code;
        await ImportAsync(http, township, layers);
        await PartitionAsync(http, db, code, force: false);
        await SettledAsync(db, TimeSpan.FromSeconds(120), code);
    }

    /// <summary>Runs a partition job through the API and waits for it; on a hang, fails with what the database and Hangfire were doing.</summary>
    public static async Task PartitionAsync(HttpClient http, Npgsql.NpgsqlDataSource db, string code, bool force)
    {
        var response = await http.PostAsync(new Uri($"/api/townships/{code}/partition?force={force.ToString().ToLowerInvariant()}", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>();
        var url = job.GetProperty("statusUrl").GetString()!;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await http.GetFromJsonAsync<JsonElement>(url);
            var state = status.GetProperty("state").GetString();
            if (state == "Succeeded") return;
            Assert.True(state is not "Failed" and not "Deleted", $"job {url}: {status}");
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                await using var diag = db.CreateCommand("SELECT string_agg(coalesce(wait_event_type, '') || ':' || coalesce(wait_event, '') || ' ' || coalesce(state, '') || ' ' || left(query, 150), E'\n') FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
                await using var jobs = db.CreateCommand("SELECT string_agg(id || ' ' || coalesce(statename, '') || ' ' || left(invocationdata::text, 150), E'\n') FROM hangfire.job");
                await using var servers = db.CreateCommand("SELECT string_agg(id || ' ' || lastheartbeat::text, E'\n') FROM hangfire.server");
                //-- The job's own states, with the exception of each failed attempt.
                await using var history = db.CreateCommand("SELECT string_agg(name || ' ' || coalesce(reason, '') || ' ' || coalesce(left(data->>'ExceptionDetails', 1500), ''), E'\n' ORDER BY id) FROM hangfire.state WHERE jobid = $1");
                history.Parameters.AddWithValue(long.Parse(url.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Fail($"job {url} still {state}\nSTATES\n{await history.ExecuteScalarAsync()}\nACTIVITY\n{await diag.ExecuteScalarAsync()}\nJOBS\n{await jobs.ExecuteScalarAsync()}\nSERVERS\n{await servers.ExecuteScalarAsync()}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>The first household (by id) of a cluster micro-grid in a township's current
    /// version: its micro-grid code, id and location.</summary>
    public static async Task<(string MicroGrid, string Household, double[] Point)> ClusterHouseholdAsync(Npgsql.NpgsqlDataSource db, string township)
    {
        await using var cmd = db.CreateCommand("""
            SELECT a.micro_grid_code, a.household_id, ST_X(h.geom), ST_Y(h.geom)
            FROM current_assignment a JOIN township_state s ON s.township_code = a.township_code
            JOIN household h ON h.township_code = a.township_code AND h.id = a.household_id
            JOIN current_micro_grid m ON m.township_code = a.township_code AND m.code = a.micro_grid_code AND m.kind = 'cluster'
            WHERE a.township_code = $1 ORDER BY a.household_id LIMIT 1
            """);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Char, township);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), $"township {township} has no cluster micro-grid");
        return (r.GetString(0), r.GetString(1), [r.GetDouble(2), r.GetDouble(3)]);
    }

    /// <summary>Redraws a cluster micro-grid of the township's current version a little larger
    /// (buffered by ~20 m): a staff edit, so the current version no longer is what a recompute
    /// of the same data computes, and a forced recompute has something to publish. The first
    /// cluster (by code) whose larger outline the editor accepts is redrawn: one that would cut a
    /// neighbour in two is refused (422), as staff would see.</summary>
    public static async Task RedrawAsync(HttpClient http, Npgsql.NpgsqlDataSource db, string township)
    {
        await using var cmd = db.CreateCommand("""
            SELECT m.code, ST_AsGeoJSON(ST_Buffer(m.geom, 0.0002)) FROM current_micro_grid m
            WHERE m.township_code = $1 AND m.kind = 'cluster' ORDER BY m.code LIMIT 20
            """);
        cmd.Parameters.AddWithValue(township);
        var candidates = new List<(string Code, string Drawn)>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) candidates.Add((r.GetString(0).Trim(), r.GetString(1)));
        Assert.True(candidates.Count > 0, $"township {township} has no cluster micro-grid");
        var refused = new List<string>();
        foreach (var (micro, drawn) in candidates)
        {
            using var response = await http.PutAsync(new Uri($"/api/codes/{micro}/geometry", UriKind.Relative),
                new StringContent($$"""{"geometry": {{drawn}}, "reason": "test redraw"}""", Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.Created) return;
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"redraw of {micro}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            refused.Add(micro);
        }
        Assert.Fail($"every redraw was refused: {string.Join(", ", refused)}");
    }

    /// <summary>Moves household <paramref name="id"/> beside <paramref name="to"/> through the API and waits
    /// until the township's recompute of it has settled.</summary>
    public static async Task MoveAndSettleAsync(HttpClient http, Npgsql.NpgsqlDataSource db, string township, string id,
        NetTopologySuite.Geometries.Coordinate to)
    {
        using (var move = GridSpatial.GeoApi.Cli.BenchEdit.MoveBeside(id, to))
        using (var patch = await http.SendAsync(move))
            Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync());
        await SettledAsync(db, TimeSpan.FromSeconds(60), township);
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) until every township has a current
    /// version, nothing pending (not dirty), no recompute job waiting for it and the one that ran last
    /// finished: a job publishes (the township is no longer dirty) before its process keeps what it
    /// published and tells its observers (the lookup index), and a test may read those next.</summary>
    public static async Task SettledAsync(Npgsql.NpgsqlDataSource db, TimeSpan timeout, params string[] townships)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var cmd = db.CreateCommand("""
                SELECT count(*) FROM township_state s
                LEFT JOIN hangfire.job j ON j.id = s.queued_job_id LEFT JOIN hangfire.job l ON l.id = s.last_job_id
                WHERE s.township_code = ANY($1) AND s.current_version IS NOT NULL AND s.dirty_since IS NULL
                  AND (j.id IS NULL OR j.statename IN ('Succeeded', 'Failed', 'Deleted'))
                  AND (l.id IS NULL OR l.statename IN ('Succeeded', 'Failed', 'Deleted'))
                """);
            cmd.Parameters.AddWithValue(townships);
            if ((long)(await cmd.ExecuteScalarAsync())! == townships.Length) return;
            Assert.True(clock.Elapsed < timeout, $"townships {string.Join(", ", townships)} did not settle within {timeout}");
            await Task.Delay(100);
        }
    }

    /// <summary>The township's current version, as the service answers it (throws when it has none yet).</summary>
    /// <summary>The state of Hangfire job <paramref name="id"/> (null while it has none).</summary>
    public static async Task<string?> JobStateAsync(Npgsql.NpgsqlDataSource db, string id)
    {
        await using var cmd = db.CreateCommand("SELECT statename FROM hangfire.job WHERE id = $1");
        cmd.Parameters.AddWithValue(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
        return await cmd.ExecuteScalarAsync() as string;
    }

    public static async Task<int> CurrentVersionAsync(HttpClient http, string code) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/townships/{code}")).GetProperty("currentVersion").GetInt32();

    /// <summary>A township's extent in lon/lat, as stored.</summary>
    public static async Task<(double MinX, double MinY, double MaxX, double MaxY)> ExtentAsync(Npgsql.NpgsqlDataSource db, string township)
    {
        await using var cmd = db.CreateCommand("SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM township WHERE code = $1");
        cmd.Parameters.AddWithValue(township);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), $"there is no township {township}");
        return (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3));
    }

    /// <summary>The Web Mercator tile (x, y) at zoom <paramref name="z"/> holding the point.</summary>
    public static (int X, int Y) TileAt(double lon, double lat, int z)
    {
        double n = 1 << z, rad = lat * Math.PI / 180;
        return ((int)Math.Floor((lon + 180) / 360 * n), (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }
}
