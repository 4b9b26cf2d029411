using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>One set of input rules (issue #14): the <c>partition</c> command's reader and the
/// service's import refuse the same bad feature naming the same layer, feature and field.</summary>
[Collection("db")]
public class InputRulesTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627985";
    private const double Lon = 103.70, Lat = 29.70;
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync() =>
        (await _http.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(Samples.Township(Code, "规则镇", Lon, Lat)))).EnsureSuccessStatusCode();

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonObject Point(string lon, string lat) => JsonNode.Parse($$"""{"type":"Point","coordinates":[{{lon}},{{lat}}]}""")!.AsObject();

    public static TheoryData<string, string, string, string> BadFeatures => new()
    {
        //-- name, layer, bad feature (GeoJSON), field refused
        { "id with a slash", "households", Samples.Household("a/b", Lon + 0.005, Lat + 0.005).ToJsonString(), "id" },
        { "infinite coordinate", "households", Samples.Feature(new JsonObject { ["id"] = "inf" }, Point("1e999", "29.705")).ToJsonString(), "geometry" },
        { "NaN coordinate", "households", Samples.Feature(new JsonObject { ["id"] = "nan" }, Point("\"NaN\"", "29.705")).ToJsonString(), "geometry" },
        { "latitude out of range", "households", Samples.Household("far", Lon + 0.005, 95).ToJsonString(), "geometry" },
        { "floor not a number", "households", Samples.Feature(new JsonObject { ["id"] = "fl", ["floor"] = "second" }, Samples.Point(Lon + 0.005, Lat + 0.005)).ToJsonString(), "floor" },
        { "household not a point", "households", Samples.Feature(new JsonObject { ["id"] = "poly" }, Samples.Polygon((Lon, Lat), (Lon + 0.001, Lat), (Lon, Lat + 0.001), (Lon, Lat))).ToJsonString(), "geometry" },
        { "polygon of 3 points", "buildings", Samples.Feature(new JsonObject { ["id"] = "b3" }, Samples.Polygon((Lon + 0.001, Lat + 0.001), (Lon + 0.002, Lat + 0.001), (Lon + 0.001, Lat + 0.001))).ToJsonString(), "geometry" },
        { "self-intersecting polygon", "buildings", Samples.Feature(new JsonObject { ["id"] = "bow" }, Samples.Polygon((Lon + 0.001, Lat + 0.001), (Lon + 0.002, Lat + 0.002), (Lon + 0.002, Lat + 0.001), (Lon + 0.001, Lat + 0.002), (Lon + 0.001, Lat + 0.001))).ToJsonString(), "geometry" },
        { "unit longer than 32", "households", Samples.Feature(new JsonObject { ["id"] = "u33", ["unit"] = new string('单', 33) }, Samples.Point(Lon + 0.005, Lat + 0.005)).ToJsonString(), "unit" },
        { "unit with a line break", "households", Samples.Feature(new JsonObject { ["id"] = "ulf", ["unit"] = "2\n3" }, Samples.Point(Lon + 0.005, Lat + 0.005)).ToJsonString(), "unit" },
        { "unit not text", "households", Samples.Feature(new JsonObject { ["id"] = "uobj", ["unit"] = new JsonObject { ["n"] = 2 } }, Samples.Point(Lon + 0.005, Lat + 0.005)).ToJsonString(), "unit" },
        { "NUL in a property", "households", Samples.Feature(new JsonObject { ["id"] = "nul", ["address"] = "a\u0000b" }, Samples.Point(Lon + 0.005, Lat + 0.005)).ToJsonString(), "address" },
    };

    [Theory]
    [MemberData(nameof(BadFeatures))]
    public async Task ReadAndImport_SameBadFeature_RefusedNamingTheSameField(string name, string layer, string feature, string field)
    {
        //-- A good feature first: the bad one is #1 for both.
        var good = layer == "households"
            ? Samples.Household("ok1", Lon + 0.004, Lat + 0.004).ToJsonString()
            : Samples.Feature(new JsonObject { ["id"] = "ok1" }, Samples.Polygon((Lon + 0.003, Lat + 0.003), (Lon + 0.004, Lat + 0.003), (Lon + 0.004, Lat + 0.004), (Lon + 0.003, Lat + 0.003))).ToJsonString();
        var body = $$"""{"type":"FeatureCollection","features":[{{good}},{{feature}}]}""";

        var file = Path.Combine(Path.GetTempPath(), $"rules-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(file, body);
        InputException cli;
        try
        {
            cli = Assert.Throws<InputException>(() => layer == "households" ? GeoJsonInputReader.ReadHouseholds(file).Count : GeoJsonInputReader.ReadBuildings(file).Count);
        }
        finally
        {
            File.Delete(file);
        }

        var before = await db.ChecksumAsync();
        var response = await _http.PostAsync(new Uri($"/api/townships/{Code}/{layer}", UriKind.Relative), Samples.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(before, await db.ChecksumAsync());

        Assert.Equal(field, cli.Field);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(layer, cli.Layer);
        Assert.Equal(layer, problem.GetProperty("layer").GetString());
        Assert.Equal(1, cli.Index);
        Assert.Equal(1, problem.GetProperty("featureIndex").GetInt32());
        Assert.Equal(cli.FeatureId, problem.GetProperty("featureId").GetString());
    }
}
