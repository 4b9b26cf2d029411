using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Inputs that were accepted but did something else than asked: ids no URL can reach,
/// batches on queues nobody serves, a long merge without a reason, coordinates with thousands
/// separators, layers named by number. Each is a 400 naming the field, or now works.</summary>
[Collection("db")]
public sealed class InputEdgeTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627196";
    private readonly HttpClient _admin = db.Client();
    private double[] _point = [];
    private string _micro = "";

    public async Task InitializeAsync()
    {
        if (!(await _admin.GetAsync(new Uri($"/api/townships/{Code}", UriKind.Relative))).IsSuccessStatusCode)
        {
            await Samples.ImportAsync(_admin, new TownshipGenerator(195).Generate(Code, "边界镇", 104.90, 28.50, 1500, urbanShare: 0), "villages", "households");
            await Samples.PartitionAsync(_admin, db.Db, Code, force: false);
        }
        (_micro, _, _point) = await Samples.ClusterHouseholdAsync(db.Db, Code);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<string?> Field(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("field", out var f) ? f.GetString() : null;

    [Theory]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a%2Fb")]
    [InlineData("a b")]
    [InlineData("a\u0001b")]
    [InlineData("..")]
    public async Task ImportHousehold_WithAnIdNoUrlCanReach_Is400NamingId(string id)
    {
        var before = await db.ChecksumAsync();
        var response = await _admin.PostAsync(new Uri($"/api/townships/{Code}/households", UriKind.Relative),
            Samples.Json(Samples.Collection(Samples.Household(id, _point[0], _point[1]))));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("id", await Field(response));
        Assert.Equal(before, await db.ChecksumAsync());
    }

    [Fact]
    public async Task Batch_OnAQueueNoWorkerServes_Is400NamingQueue()
    {
        var response = await _admin.PostAsJsonAsync("/api/partitions", new { townships = new[] { Code }, queue = "nobody_listens" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("queue", await Field(response));
        var served = await _admin.PostAsJsonAsync("/api/partitions", new { townships = new[] { Code }, queue = "default" });
        Assert.Equal(HttpStatusCode.Accepted, served.StatusCode);
    }

    [Fact]
    public async Task Merge_OfManyCodesWithoutAReason_IsNotRefusedForTheReason()
    {
        //-- The micro-grids of the township's largest grid: over 500 characters of codes.
        await using var cmd = db.Db.CreateCommand("""
            SELECT array_agg(m.code::text ORDER BY m.code) FROM township_state s
            JOIN current_micro_grid m ON m.township_code = s.township_code
            WHERE s.township_code = $1 GROUP BY m.grid_code ORDER BY count(*) DESC LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        var codes = (string[])(await cmd.ExecuteScalarAsync())!;
        Assert.True(string.Join(", ", codes).Length > 500, $"the largest grid has {codes.Length} micro-grids");
        var response = await _admin.PostAsJsonAsync("/api/codes/merge?dryRun=true", new { codes });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        var reason = body.GetProperty("reason").GetString()!;
        Assert.True(reason.Length <= 500 && reason.StartsWith($"merge {codes.Length} units", StringComparison.Ordinal), reason);
    }

    [Theory]
    [InlineData("1,2", "lon")]
    [InlineData("104,900", "lon")]
    [InlineData("1_000", "lon")]
    public async Task Lookup_WithAThousandsSeparator_Is400NamingTheCoordinate(string lon, string field)
    {
        var lat = _point[1].ToString("R", CultureInfo.InvariantCulture);
        var response = await _admin.GetAsync(new Uri($"/api/lookup?lon={Uri.EscapeDataString(lon)}&lat={lat}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, await Field(response));
        var ok = await _admin.GetAsync(new Uri(FormattableString.Invariant($"/api/lookup?lon={_point[0]:R}&lat={_point[1]:R}"), UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var exponent = await _admin.GetAsync(new Uri(FormattableString.Invariant($"/api/lookup?lon={_point[0] / 100:R}e2&lat={_point[1]:R}"), UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, exponent.StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("3")]
    [InlineData("-1")]
    public async Task ImportLayer_NamedByNumber_IsNotALayer(string layer)
    {
        var before = await db.ChecksumAsync();
        var response = await _admin.PostAsync(new Uri($"/api/townships/{Code}/{layer}", UriKind.Relative), Samples.Json(Samples.Collection()));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("layer", await Field(response));
        Assert.Equal(before, await db.ChecksumAsync());
    }
}
