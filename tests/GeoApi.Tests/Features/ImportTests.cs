using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Tests.Features;

[Collection("db")]
public class ImportTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    [Fact]
    public async Task Health_WithDatabaseUp_IsHealthy()
    {
        var response = await _http.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Migrations_AppliedAgain_ChangeNothing()
    {
        var before = await db.ChecksumAsync();
        Migrator.Apply(db.ConnectionString);
        Migrator.Apply(db.ConnectionString);
        Assert.Equal(before, await db.ChecksumAsync());
        await using var cmd = db.Db.CreateCommand("SELECT count(*) FROM schemaversions");
        Assert.Equal(Directory.GetFiles(Path.Combine(Samples.Root(), "src/GeoApi/Infrastructure/Migrations"), "*.sql").Length,
            Convert.ToInt32(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Import_SampleTownshipEveryLayer_RoundTripsAndReimportChangesNothing()
    {
        var created = await Post("/api/townships", File.ReadAllText(Samples.SampleFile("township.geojson")));
        Assert.Equal(1, created.GetProperty("received").GetInt32());
        var expected = new Dictionary<string, int>();
        foreach (var layer in new[] { "villages", "buildings", "households", "barriers" })
        {
            var r = await Post($"/api/townships/530627118/{layer}", File.ReadAllText(Samples.SampleFile(layer + ".geojson")));
            expected[layer] = r.GetProperty("received").GetInt32();
            Assert.True(r.GetProperty("inserted").GetInt32() + r.GetProperty("updated").GetInt32() >= 0);
        }

        var t = await _http.GetFromJsonAsync<JsonElement>("/api/townships/530627118");
        Assert.Equal("木卓镇", t.GetProperty("name").GetString());
        Assert.Equal("town", t.GetProperty("kind").GetString());
        Assert.Equal(expected["villages"], t.GetProperty("villages").GetInt32());
        Assert.Equal(expected["buildings"], t.GetProperty("buildings").GetInt32());
        Assert.Equal(expected["households"], t.GetProperty("households").GetInt32());
        var bbox = t.GetProperty("bbox").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(4, bbox.Length);
        Assert.True(bbox[0] > 104.8 && bbox[2] < 105 && bbox[1] > 27.3 && bbox[3] < 27.5 && bbox[0] < bbox[2]);

        var list = await _http.GetFromJsonAsync<JsonElement>("/api/townships");
        Assert.Contains(list.EnumerateArray(), e => e.GetProperty("code").GetString() == "530627118");

        // Stored geometry equals what was sent.
        await using (var cmd = db.Db.CreateCommand("SELECT ST_AsText(geom) FROM household WHERE id = $1"))
        {
            var first = JsonNode.Parse(File.ReadAllText(Samples.SampleFile("households.geojson")))!["features"]![0]!;
            cmd.Parameters.AddWithValue(first["properties"]!["id"]!.GetValue<string>());
            var coords = first["geometry"]!["coordinates"]!.AsArray();
            Assert.Equal(FormattableString.Invariant($"POINT({coords[0]!.GetValue<double>()} {coords[1]!.GetValue<double>()})"), await cmd.ExecuteScalarAsync());
        }

        var before = await db.ChecksumAsync();
        var again = await Post("/api/townships/530627118/households", File.ReadAllText(Samples.SampleFile("households.geojson")));
        Assert.Equal(0, again.GetProperty("inserted").GetInt32());
        Assert.Equal(0, again.GetProperty("updated").GetInt32());
        Assert.Equal(before, await db.ChecksumAsync());
    }

    public static TheoryData<string, string, string, int, string, int?> BadInputs => new()
    {
        // name, path, body, status, field, feature index
        { "not JSON", "/api/townships/530627990/households", "{\"type\": \"FeatureCollection\", \"features\": [", 400, "$", null },
        { "wrong geometry type", "/api/townships/530627990/households",
            Samples.Collection(Samples.Household("ok", 104.905, 27.405), Samples.Feature(new JsonObject { ["id"] = "line" }, new JsonObject { ["type"] = "LineString", ["coordinates"] = new JsonArray(new JsonArray(104.9, 27.4), new JsonArray(104.91, 27.41)) })).ToJsonString(), 400, "geometry", 1 },
        { "self-intersecting polygon", "/api/townships/530627990/buildings",
            Samples.Collection(Samples.Feature(new JsonObject { ["id"] = "bowtie" }, Samples.Polygon((104.905, 27.405), (104.906, 27.406), (104.906, 27.405), (104.905, 27.406), (104.905, 27.405)))).ToJsonString(), 400, "geometry", 0 },
        { "coordinates out of range", "/api/townships/530627990/households",
            Samples.Collection(Samples.Household("far", 204.9, 27.4)).ToJsonString(), 400, "geometry", 0 },
        { "swapped lat/lon", "/api/townships/530627990/households",
            Samples.Collection(Samples.Household("swapped", 27.405, 104.905)).ToJsonString(), 400, "geometry", 0 },
        { "household outside its township", "/api/townships/530627990/households",
            Samples.Collection(Samples.Household("a", 104.905, 27.405), Samples.Household("outside", 104.95, 27.405)).ToJsonString(), 400, "geometry", 1 },
        { "duplicate ids in one upload", "/api/townships/530627990/households",
            Samples.Collection(Samples.Household("dup", 104.905, 27.405), Samples.Household("dup", 104.906, 27.405)).ToJsonString(), 400, "id", 1 },
        { "missing required property", "/api/townships/530627990/households",
            Samples.Collection(Samples.Feature(new JsonObject { ["floor"] = 2 }, Samples.Point(104.905, 27.405))).ToJsonString(), 400, "id", 0 },
        { "wrong property type", "/api/townships/530627990/households",
            Samples.Collection(Samples.Feature(new JsonObject { ["id"] = "x", ["floor"] = "second" }, Samples.Point(104.905, 27.405))).ToJsonString(), 400, "floor", 0 },
        { "unknown township code", "/api/townships/530627999/households",
            Samples.Collection(Samples.Household("a", 104.905, 27.405)).ToJsonString(), 404, "", null },
        { "invalid township code", "/api/townships",
            Samples.Township("53062").ToJsonString(), 400, "code", 0 },
        { "village of another township", "/api/townships/530627990/villages",
            Samples.Collection(Samples.Feature(new JsonObject { ["code"] = "530627118201", ["name"] = "外村" }, Samples.Polygon((104.9, 27.4), (104.905, 27.4), (104.905, 27.405), (104.9, 27.4)))).ToJsonString(), 400, "code", 0 },
        { "not a FeatureCollection", "/api/townships/530627990/households", "[1, 2, 3]", 400, "type", null },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Import_BadInput_AnswersProblemNamingFeatureAndFieldAndChangesNothing(string name, string path, string body, int status, string field, int? index)
    {
        await Post("/api/townships", Samples.Township("530627990").ToJsonString());
        await Post("/api/townships/530627990/households", Samples.Collection(Samples.Household("kept", 104.9051, 27.4051)).ToJsonString());
        var before = await db.ChecksumAsync();

        var response = await _http.PostAsync(new Uri(path, UriKind.Relative), Samples.Json(body));
        Assert.True(status == (int)response.StatusCode, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        if (field.Length > 0) Assert.Equal(field, problem.GetProperty("field").GetString());
        if (index is not null) Assert.Equal(index, problem.GetProperty("featureIndex").GetInt32());
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await db.ChecksumAsync());
    }

    [Fact]
    public async Task Import_HouseholdsChange_BumpsDataVersionAndMarksDirty()
    {
        await Post("/api/townships", Samples.Township("530627991", lon: 104.96).ToJsonString());
        await Post("/api/townships/530627991/households", Samples.Collection(Samples.Household("d1", 104.965, 27.405)).ToJsonString());
        var t = await _http.GetFromJsonAsync<JsonElement>("/api/townships/530627991");
        Assert.Equal(1, t.GetProperty("dataVersion").GetInt64());
        Assert.Equal(JsonValueKind.String, t.GetProperty("dirtySince").ValueKind);
        await Post("/api/townships/530627991/households", Samples.Collection(Samples.Household("d1", 104.965, 27.405)).ToJsonString());
        t = await _http.GetFromJsonAsync<JsonElement>("/api/townships/530627991");
        Assert.Equal(1, t.GetProperty("dataVersion").GetInt64());
    }

    [Fact]
    public async Task HouseholdIds_AreTheServices_AnotherTownshipGets409_UntilTheHouseholdOrItsTownshipIsDeleted()
    {
        const string A = "530627297", B = "530627298";
        await Post("/api/townships", Samples.Township(A, "甲镇", lon: 105.30, lat: 27.70).ToJsonString());
        await Post("/api/townships", Samples.Township(B, "乙镇", lon: 105.32, lat: 27.70).ToJsonString());
        await Post($"/api/townships/{A}/households", Samples.Collection(Samples.Household("shared-id", 105.305, 27.705)).ToJsonString());

        //-- The whole upload is refused, naming the id; B's other household is not written either.
        var before = await db.ChecksumAsync();
        var refused = await _http.PostAsync(new Uri($"/api/townships/{B}/households", UriKind.Relative), Samples.Json(Samples.Collection(
            Samples.Household("b-own", 105.325, 27.705), Samples.Household("shared-id", 105.326, 27.706)).ToJsonString()));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("shared-id", problem.GetProperty("featureId").GetString());
        Assert.Equal("id", problem.GetProperty("field").GetString());
        Assert.Equal(before, await db.ChecksumAsync());
        var held = await _http.GetFromJsonAsync<JsonElement>("/api/households/shared-id");
        Assert.Equal(105.305, held.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble(), 9);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(new Uri("/api/households/b-own", UriKind.Relative))).StatusCode);

        //-- Deleted in A, the id is free for B; B's township deleted, it is free again.
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(new Uri("/api/households/shared-id", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(new Uri("/api/households/shared-id", UriKind.Relative))).StatusCode);
        await Post($"/api/townships/{B}/households", Samples.Collection(Samples.Household("shared-id", 105.326, 27.706)).ToJsonString());
        var moved = await _http.GetFromJsonAsync<JsonElement>("/api/households/shared-id");
        Assert.Equal(105.326, moved.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble(), 9);
        var item = await _http.GetFromJsonAsync<JsonElement>("/ogc/collections/households/items/shared-id");
        Assert.Equal(B, item.GetProperty("properties").GetProperty("township_code").GetString());
        //-- Settled first: a township deleted under its own recompute's publish may deadlock with it.
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(60), B);
        await using (var drop = db.Db.CreateCommand($"DELETE FROM township WHERE code = '{B}'")) await drop.ExecuteNonQueryAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(new Uri("/api/households/shared-id", UriKind.Relative))).StatusCode);
        await Post($"/api/townships/{A}/households", Samples.Collection(Samples.Household("shared-id", 105.305, 27.705)).ToJsonString());
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("/api/households/shared-id", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task AnImportRacingADeleteOfTheSameHousehold_LeavesItLocatableOrGone_NeverHalf()
    {
        const string A = "530627299";
        await Post("/api/townships", Samples.Township(A, "丙镇", lon: 105.34, lat: 27.70).ToJsonString());
        var body = Samples.Collection(Samples.Household("race-id", 105.345, 27.705)).ToJsonString();
        for (int i = 0; i < 15; i++)
        {
            await Post($"/api/townships/{A}/households", body);
            var import = _http.PostAsync(new Uri($"/api/townships/{A}/households", UriKind.Relative), Samples.Json(body));
            var delete = _http.DeleteAsync(new Uri("/api/households/race-id", UriKind.Relative));
            using var imported = await import;
            using var deleted = await delete;
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
            Assert.True(deleted.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound, await deleted.Content.ReadAsStringAsync());
            //-- The household and its locator entry exist together or not at all.
            await using var cmd = db.Db.CreateCommand(
                "SELECT (SELECT count(*) FROM household WHERE id = 'race-id'), (SELECT count(*) FROM household_locator WHERE id = 'race-id')");
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal(r.GetInt64(0), r.GetInt64(1));
        }
    }

    private async Task<JsonElement> Post(string path, string body)
    {
        var response = await _http.PostAsync(new Uri(path, UriKind.Relative), Samples.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
