using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>An input limit belongs to the host configured with it (<c>Limits:MaxVertices</c>),
/// not to static state: a service started with a low limit refuses a geometry that the
/// in-process service, with the default limit, accepts; two limits live side by side.</summary>
[Collection("db")]
public class InputLimitsTests(DatabaseFixture db)
{
    private const string Code = "530627986";

    private static JsonObject Township() => Samples.Feature(new JsonObject { ["code"] = Code, ["name"] = "限点镇" }, Circle(103.20, 30.20, 60));

    [SkippableFact]
    public async Task MaxVertices_ConfiguredForOneService_RefusesThereAndNowhereElse()
    {
        Skip.If(!File.Exists(ApiProcess.Dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        using var limited = ApiProcess.Start(db, new() { ["Limits__MaxVertices"] = "50", ["Hangfire__Server"] = "false" });
        var http = await limited.ClientAsync(db.AdminKey);
        using var refused = await http.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(Township()));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("geometry", problem.GetProperty("field").GetString());
        Assert.Contains("at most 50", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var accepted = await db.Client().PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(Township()));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public void Validator_TwoLimitsAtOnce_EachAppliesItsOwn()
    {
        using var feature = JsonDocument.Parse(Township().ToJsonString());
        var low = new InputLimits { MaxVertices = 50 };
        var usual = new InputLimits();

        var e = Assert.Throws<InputException>(() => low.Validator("townships").Township(feature.RootElement, 0));
        Assert.Equal("geometry", e.Field);
        Assert.Equal(Code, usual.Validator("townships").Township(feature.RootElement, 0).Code.Value);
        Assert.Throws<InputException>(() => low.Validator("townships").Township(feature.RootElement, 0));
    }

    /// <summary>A polygon of <paramref name="vertices"/> distinct vertices about 1 km across.</summary>
    private static JsonObject Circle(double lon, double lat, int vertices) => Samples.Polygon([
        .. Enumerable.Range(0, vertices).Select(i => (lon + 0.005 * Math.Cos(2 * Math.PI * i / vertices), lat + 0.005 * Math.Sin(2 * Math.PI * i / vertices))),
        (lon + 0.005, lat)]);
}
