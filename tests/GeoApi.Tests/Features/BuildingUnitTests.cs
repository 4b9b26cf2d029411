using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Units (单元) end to end on a real PostGIS: households carry <c>unit</c> through
/// import, storage, GET, OGC API and tiles; a recompute splits the tower by unit and every floor
/// micro-grid carries its unit through the store, the OGC API, exports, tiles and /api/codes.</summary>
[Collection("db")]
public class BuildingUnitTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627986";
    private const double Lon = 103.40, Lat = 29.40;
    private static readonly (double Lon, double Lat) Tower = (Lon + 0.0052, Lat + 0.0051);
    private readonly HttpClient _http = db.Client();

    /// <summary>The tower's households: unit "1" (12 floors × 3 = 36, above the cap of 30),
    /// "2单元" (12), unit 3 written as " 3 " and as the number 3, and two without a unit; then
    /// 24 houses around it.</summary>
    private static IEnumerable<JsonObject> Households()
    {
        JsonObject Flat(string id, int floor, JsonNode? unit)
        {
            var props = new JsonObject { ["id"] = id, ["building_id"] = "T1", ["floor"] = floor };
            if (unit is not null) props["unit"] = unit;
            return Samples.Feature(props, Samples.Point(Tower.Lon, Tower.Lat));
        }
        for (int f = 1; f <= 12; f++)
        {
            for (int k = 1; k <= 3; k++) yield return Flat($"T1-1-{f:D2}{k:D2}", f, "1");
            yield return Flat($"T1-2-{f:D2}01", f, "2单元");
        }
        yield return Flat("T1-3-0101", 1, " 3 ");
        yield return Flat("T1-3-0201", 2, 3);
        yield return Flat("T1-x-0101", 1, null);
        yield return Flat("T1-x-0102", 1, null);
        for (int i = 0; i < 24; i++)
            yield return Samples.Household($"H{i:D2}", Lon + 0.001 + 0.0004 * (i % 6), Lat + 0.001 + 0.0004 * (i / 6));
    }

    public async Task InitializeAsync()
    {
        (await _http.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(Samples.Township(Code, "单元镇", Lon, Lat)))).EnsureSuccessStatusCode();
        var import = await _http.PostAsync(new Uri($"/api/townships/{Code}/households", UriKind.Relative), Samples.Json(Samples.Collection([.. Households()])));
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Import_Unit_IsStoredTrimmedAndServedByGetAndOgc()
    {
        var household = await _http.GetFromJsonAsync<JsonElement>("/api/households/T1-3-0101");
        Assert.Equal("3", household.GetProperty("properties").GetProperty("unit").GetString());
        var fromNumber = await _http.GetFromJsonAsync<JsonElement>("/api/households/T1-3-0201");
        Assert.Equal("3", fromNumber.GetProperty("properties").GetProperty("unit").GetString());

        var items = await _http.GetFromJsonAsync<JsonElement>($"/ogc/collections/households/items?township={Code}&limit=1000");
        var units = items.GetProperty("features").EnumerateArray().ToDictionary(
            f => f.GetProperty("id").GetString()!, f => f.GetProperty("properties").GetProperty("unit").GetString());
        Assert.Equal(Households().Count(), units.Count);
        Assert.Equal("2单元", units["T1-2-0701"]);
        Assert.Equal("1", units["T1-1-1203"]);
        Assert.Null(units["T1-x-0101"]);
        Assert.Null(units["H00"]);

        // A patch changes the unit; a bad one is a problem naming the field, and changes nothing.
        var patch = await _http.PatchAsync(new Uri("/api/households/H00", UriKind.Relative), Samples.Json("""{"properties":{"unit":"4"}}"""));
        Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync());
        Assert.Equal("4", (await _http.GetFromJsonAsync<JsonElement>("/api/households/H00")).GetProperty("properties").GetProperty("unit").GetString());
        var bad = await _http.PatchAsync(new Uri("/api/households/H00", UriKind.Relative), Samples.Json(new JsonObject { ["properties"] = new JsonObject { ["unit"] = new string('9', 33) } }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unit", problem.GetProperty("field").GetString());
        Assert.Equal("H00", problem.GetProperty("featureId").GetString());
        Assert.Contains("32", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("4", (await _http.GetFromJsonAsync<JsonElement>("/api/households/H00")).GetProperty("properties").GetProperty("unit").GetString());
    }

    [Fact]
    public async Task Recompute_SplitsTheTowerByUnit_AndEveryReaderSeesTheUnit()
    {
        // Stored: every floor micro-grid holds the households of its own unit only.
        await using (var cmd = db.Db.CreateCommand("""
            SELECT m.code, m.unit, m.floor_from, m.floor_to, count(*)::int, count(*) FILTER (WHERE m.unit IS DISTINCT FROM h.unit)::int
            FROM current_micro_grid m JOIN current_assignment a ON a.township_code = m.township_code AND a.micro_grid_code = m.code
            JOIN household h ON h.township_code = a.township_code AND h.id = a.household_id
            WHERE m.township_code = $1 AND m.kind = 'floor' GROUP BY m.code, m.unit, m.floor_from, m.floor_to ORDER BY m.code
            """))
        {
            cmd.Parameters.AddWithValue(Code);
            await using var r = await cmd.ExecuteReaderAsync();
            var runs = new List<(string Code, string? Unit, int Households)>();
            while (await r.ReadAsync())
            {
                Assert.Equal(0, r.GetInt32(5));
                Assert.InRange(r.GetInt32(4), 1, 30);
                runs.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt32(4)));
            }
            Assert.InRange(runs.Count(x => x.Unit == "1"), 2, 4);
            Assert.Equal([("2单元", 12), ("3", 2), (null, 2)], runs.Where(x => x.Unit != "1").Select(x => (x.Unit, x.Households)));
            // Serials read the tower unit by unit.
            Assert.Equal(runs.Select(x => x.Unit).ToList(), runs.Select(x => x.Unit).OrderBy(u => u, Partitioner.Households.BuildingUnit.Order).ToList());
        }

        var ogc = await _http.GetFromJsonAsync<JsonElement>($"/ogc/collections/micro_grids/items?township={Code}&limit=1000");
        var props = ogc.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties")).ToList();
        Assert.All(props, p => Assert.True(p.TryGetProperty("unit", out _)));
        var unit2 = props.Single(p => p.GetProperty("unit").ValueKind == JsonValueKind.String && p.GetProperty("unit").GetString() == "2单元");
        Assert.Equal(("floor", "T1", 1, 12), (unit2.GetProperty("kind").GetString(), unit2.GetProperty("building_id").GetString(),
            unit2.GetProperty("floor_from").GetInt32(), unit2.GetProperty("floor_to").GetInt32()));
        Assert.All(props.Where(p => p.GetProperty("kind").GetString() == "cluster"), p => Assert.Equal(JsonValueKind.Null, p.GetProperty("unit").ValueKind));

        var code = await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{unit2.GetProperty("code").GetString()}");
        var building = code.GetProperty("building");
        Assert.Equal(("T1", "2单元", 1, 12), (building.GetProperty("id").GetString(), building.GetProperty("unit").GetString(),
            building.GetProperty("floorFrom").GetInt32(), building.GetProperty("floorTo").GetInt32()));

        var export = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/export/micro_grids.geojson");
        Assert.Contains(export.GetProperty("features").EnumerateArray(), f => f.GetProperty("properties").GetProperty("unit").GetString() == "2单元");
    }

    [SkippableFact]
    public async Task Ogrinfo_ReadsTheUnit_FromTheGeoPackageAndTheTiles()
    {
        Skip.IfNot(Gdal.Installed, "GDAL's ogrinfo is not installed");
        var gpkg = await Gdal.OgrinfoAsync(await _http.GetByteArrayAsync($"/api/townships/{Code}/export/partition.gpkg"), ".gpkg");
        Assert.Contains("unit: String", gpkg, StringComparison.Ordinal);
        Assert.Contains("unit (String) = 2单元", gpkg, StringComparison.Ordinal);

        const int z = 15;
        int x = (int)Math.Floor((Tower.Lon + 180) / 360 * (1 << z));
        double lat = Tower.Lat * Math.PI / 180;
        int y = (int)Math.Floor((1 - Math.Log(Math.Tan(lat) + 1 / Math.Cos(lat)) / Math.PI) / 2 * (1 << z));
        foreach (var layer in new[] { "micro_grids", "households" })
        {
            var tile = await Gdal.OgrinfoAsync(await _http.GetByteArrayAsync($"/tiles/{layer}/{z}/{x}/{y}.mvt"), ".mvt");
            Assert.Contains("unit (String) = 2单元", tile, StringComparison.Ordinal);
        }
    }
}
