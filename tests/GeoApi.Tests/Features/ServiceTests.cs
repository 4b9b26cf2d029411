using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpatial.GeoApi.SampleData;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The service end to end on a real PostGIS: import a township, partition it as a
/// Hangfire job, then ask for every household's codes by id and by coordinates.</summary>
[Collection("db")]
public class ServiceTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627150";
    private readonly HttpClient _http = db.Client();
    private GeneratedTownship _township = null!;

    public async Task InitializeAsync()
    {
        _township = new TownshipGenerator(150).Generate(Code, "测试镇", 104.95, 27.30, 1500);
        await Samples.ImportAsync(_http, _township, "villages", "buildings", "households", "barriers");
        await Partition(force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryHousehold_ByIdAndByCoordinates_GetsItsAssignedMicroGrid()
    {
        var assigned = await Assignments();
        Assert.Equal(_township.Households.Count, assigned.Count);
        var version = await Samples.CurrentVersionAsync(_http, Code);

        foreach (var h in _township.Households)
        {
            var grid = await _http.GetFromJsonAsync<JsonElement>($"/api/households/{h.Id}/grid");
            Assert.Equal(assigned[h.Id], grid.GetProperty("microGridCode").GetString());
            Assert.Equal(version, grid.GetProperty("version").GetInt32());
        }

        await WaitForIndex(version);
        var points = new JsonArray(_township.Households.Select(h => (JsonNode)new JsonArray(h.Location.X, h.Location.Y)).ToArray());
        var response = await _http.PostAsync(new Uri("/api/lookup", UriKind.Relative), Samples.Json(points));
        response.EnsureSuccessStatusCode();
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        Assert.Equal(_township.Households.Count, results.Count);
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var codes = r.TryGetProperty("floorRuns", out var runs) && runs.ValueKind == JsonValueKind.Array
                ? runs.EnumerateArray().Select(x => x.GetProperty("code").GetString()).ToList()
                : [r.GetProperty("microGrid").GetProperty("code").GetString()];
            Assert.Contains(assigned[_township.Households[i].Id], codes);
        }

        var one = _township.Households[0];
        var single = await _http.GetFromJsonAsync<JsonElement>(FormattableString.Invariant($"/api/lookup?lon={one.Location.X}&lat={one.Location.Y}"));
        Assert.Equal(Code, single.GetProperty("township").GetProperty("code").GetString());
        var outside = await _http.GetAsync(new Uri("/api/lookup?lon=10&lat=10", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        Assert.Equal("application/problem+json", outside.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task LookupFromTheIndex_AnswersWhatPostgisAnswers_ByteForByteWhereNoFloorRunsStack()
    {
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(120), Code);
        var version = await Samples.CurrentVersionAsync(_http, Code);
        await WaitForIndex(version);
        int stacked = 0;
        foreach (var h in _township.Households.Where((_, i) => i % 10 == 0))
        {
            var query = FormattableString.Invariant($"/api/lookup?lon={h.Location.X}&lat={h.Location.Y}");
            using var fromIndex = await _http.GetAsync(new Uri(query, UriKind.Relative));
            Assert.Equal("application/json; charset=utf-8", fromIndex.Content.Headers.ContentType?.ToString());
            var indexText = await fromIndex.Content.ReadAsStringAsync();
            var postgisText = await _http.GetStringAsync(new Uri(query + "&source=postgis", UriKind.Relative));
            var index = JsonNode.Parse(indexText)!.AsObject();
            var postgis = JsonNode.Parse(postgisText)!.AsObject();
            Assert.Equal(postgis.Select(p => p.Key), index.Select(p => p.Key));
            //-- Only the index knows a building's floor runs stacked on one territory (the database answers the lowest code).
            if (index["floorRuns"] is JsonArray runs)
            {
                stacked++;
                Assert.Equal(index["microGrid"]!["code"]!.GetValue<string>(), runs[0]!["code"]!.GetValue<string>());
                index["floorRuns"] = null;
                Assert.True(JsonNode.DeepEquals(postgis, index), $"{query}: index {indexText} != PostGIS {postgisText}");
            }
            //-- Byte for byte: numbers, escaping (Chinese names unescaped) and the order inside every object.
            else Assert.Equal(postgisText, indexText);
        }
        Assert.True(stacked > 0, "no household of the township sits in a building of stacked floor runs");
    }

    [Fact]
    public async Task Household_StaleIfMatch_Is412AndFreshOneWins()
    {
        var id = _township.Households[^1].Id;
        var get = await _http.GetAsync(new Uri($"/api/households/{id}", UriKind.Relative));
        var etag = get.Headers.ETag!.Tag;
        var feature = JsonNode.Parse(await get.Content.ReadAsStringAsync())!.AsObject();
        feature["properties"]!["persons"] = 4;

        var first = await Send(HttpMethod.Put, $"/api/households/{id}", feature.ToJsonString(), etag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = await Send(HttpMethod.Put, $"/api/households/{id}", feature.ToJsonString(), etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);

        var patch = await Send(HttpMethod.Patch, $"/api/households/{id}", "{\"properties\":{\"persons\":5}}", first.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var after = await _http.GetFromJsonAsync<JsonElement>($"/api/households/{id}");
        Assert.Equal(5, after.GetProperty("properties").GetProperty("persons").GetInt32());

        var t = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}");
        Assert.Equal(JsonValueKind.String, t.GetProperty("dirtySince").ValueKind);

        var outside = await Send(HttpMethod.Patch, $"/api/households/{id}", "{\"geometry\":{\"type\":\"Point\",\"coordinates\":[100.0,20.0]}}", null);
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        var missing = await _http.GetAsync(new Uri("/api/households/no-such-household", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Recompute_AfterDelete_RetiresOrKeepsCodesWithHistoryAndDiff()
    {
        var before = await Samples.CurrentVersionAsync(_http, Code);
        var assigned = await Assignments();
        var victim = _township.Households.First(h => h.Floor is null);
        var del = await _http.DeleteAsync(new Uri($"/api/households/{victim.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        await Partition(force: false);
        var after = await Samples.CurrentVersionAsync(_http, Code);
        Assert.Equal(before + 1, after);

        var diff = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/versions/{before}/diff/{after}");
        Assert.Contains(diff.GetProperty("households").EnumerateArray(), m => m.GetProperty("householdId").GetString() == victim.Id);

        var code = await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{assigned[victim.Id]}");
        Assert.Equal("micro_grid", code.GetProperty("level").GetString());
        Assert.Equal(1, code.GetProperty("history").GetProperty("validFrom").GetInt32());
        var grid = await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{assigned[victim.Id][..15]}");
        Assert.Equal("grid", grid.GetProperty("level").GetString());
        Assert.True(grid.GetProperty("children").GetInt32() > 0);

        // Nothing changed since: a recompute publishes nothing new.
        await Partition(force: false);
        Assert.Equal(after, await Samples.CurrentVersionAsync(_http, Code));
        var report = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/report");
        Assert.Equal(0, report.GetProperty("households_outside_own_territory").GetInt32());
        var unknown = await _http.GetAsync(new Uri("/api/codes/530627150999999999", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [SkippableFact]
    public async Task Ogrinfo_ReadsEveryCollection_WithTheStoredCounts()
    {
        Skip.If(!File.Exists("/usr/bin/ogrinfo"), "GDAL's ogrinfo is not installed");
        var address = db.Address;
        foreach (var (collection, table) in new[] { ("townships", "township"), ("villages", "village"), ("households", "household"), ("buildings", "building"), ("barriers", "barrier"),
                     ("grids", "current_grid x JOIN township_state s ON s.township_code = x.township_code"),
                     ("micro_grids", "current_micro_grid x JOIN township_state s ON s.township_code = x.township_code") })
        {
            await using var cmd = db.Db.CreateCommand($"SELECT count(*) FROM {table}");
            var expected = (long)(await cmd.ExecuteScalarAsync())!;
            var psi = new ProcessStartInfo("ogrinfo", ["-ro", "-al", "-so", "--config", "GDAL_HTTP_HEADERS", $"X-Api-Key: {db.AdminKey}", $"OAPIF:{address}/ogc", collection])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"{collection}: {await p.StandardError.ReadToEndAsync()}");
            Assert.Contains($"Feature Count: {expected}", output, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task Exports_GeoPackageGeoJsonAndCsv_HoldTheCurrentPartition()
    {
        var assigned = await Assignments();
        var csv = await _http.GetStringAsync($"/api/townships/{Code}/export/assignments.csv");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("household_id,micro_grid_code,grid_code", lines[0]);
        Assert.Equal(assigned.Count, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Equal(assigned[l.Split(',')[0]], l.Split(',')[1]));

        var geojson = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/export/micro_grids.geojson");
        var microGrids = geojson.GetProperty("features").GetArrayLength();
        Assert.Equal(assigned.Values.Distinct().Count(), geojson.GetProperty("features").EnumerateArray().Count(f => f.GetProperty("properties").GetProperty("household_count").GetInt32() > 0));

        Skip.If(!File.Exists("/usr/bin/ogrinfo"), "GDAL's ogrinfo is not installed");
        var path = Path.Combine(Path.GetTempPath(), $"gs-{Guid.NewGuid():N}.gpkg");
        await File.WriteAllBytesAsync(path, await _http.GetByteArrayAsync($"/api/townships/{Code}/export/partition.gpkg"));
        var psi = new ProcessStartInfo("ogrinfo", ["-ro", "-so", path, "micro_grids"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        File.Delete(path);
        Assert.Contains($"Feature Count: {microGrids}", output, StringComparison.Ordinal);
    }

    private Task Partition(bool force) => Samples.PartitionAsync(_http, db.Db, Code, force);

    private async Task<Dictionary<string, string>> Assignments()
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT a.household_id, a.micro_grid_code FROM current_assignment a JOIN township_state s ON s.township_code = a.township_code
            WHERE a.township_code = $1
            """);
        cmd.Parameters.AddWithValue(Code);
        var map = new Dictionary<string, string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) map[r.GetString(0)] = r.GetString(1);
        return map;
    }

    private async Task WaitForIndex(int version)
    {
        var h = _township.Households[0];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var r = await _http.GetAsync(new Uri(FormattableString.Invariant($"/api/lookup?lon={h.Location.X}&lat={h.Location.Y}"), UriKind.Relative));
            if (r.IsSuccessStatusCode && (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32() == version) return;
            await Task.Delay(100);
        }
        Assert.Fail("the lookup index did not pick up the published version");
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = Samples.Json(body) };
        if (ifMatch is not null) request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        return await _http.SendAsync(request);
    }
}
