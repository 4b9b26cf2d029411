using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.SampleData;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>What a key limited to one township (or one village) learns about everything else:
/// jobs of other townships or of none, extents and bounds, tile ETags, household id conflicts and
/// edit reports stay within its jurisdiction.</summary>
[Collection("db")]
public sealed class JurisdictionLeakTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Inside = "530627192", Outside = "530627193";
    private readonly HttpClient _admin = db.Client();
    private string _viewer = "", _editor = "", _villageEditor = "", _micro = "", _outsideHousehold = "";
    private double[] _point = [];

    public async Task InitializeAsync()
    {
        foreach (var (code, lon, seed) in new[] { (Inside, 104.60, 192), (Outside, 104.70, 193) })
        {
            await Samples.ImportAsync(_admin, new TownshipGenerator(seed).Generate(code, "界内镇", lon, 28.50, 300), "villages", "buildings", "households", "barriers");
            await Samples.PartitionAsync(_admin, db.Db, code, force: false);
        }
        (_micro, _, _point) = await Samples.ClusterHouseholdAsync(db.Db, Inside);
        (_, _outsideHousehold, _) = await Samples.ClusterHouseholdAsync(db.Db, Outside);
        _viewer = await CreateKey("viewer", Inside);
        _editor = await CreateKey("editor", Inside);
        _villageEditor = await CreateKey("editor", _micro[..12]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> CreateKey(string role, string jurisdiction)
    {
        var response = await _admin.PostAsJsonAsync("/api/keys", new { name = $"leak-{role}-{jurisdiction}-{Guid.NewGuid():N}", role, jurisdiction });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private async Task<double[]> TownshipExtent(string prefix)
    {
        await using var cmd = db.Db.CreateCommand("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM township WHERE code LIKE $1 || '%') q");
        cmd.Parameters.AddWithValue(prefix);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return [r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3)];
    }

    [Fact]
    public async Task Job_OfAnotherTownshipOrOfNoTownship_IsNotFoundButForGlobalAdmins()
    {
        var started = await _admin.PostAsync(new Uri($"/api/townships/{Outside}/partition", UriKind.Relative), null);
        var outsideJob = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
        var jobs = db.Factory.Services.GetRequiredService<IBackgroundJobClient>();
        var check = jobs.Enqueue<ConsistencyJob>(j => j.CheckAsync(CancellationToken.None));
        var countyAdmin = await CreateKey("admin", Inside[..6]);

        foreach (var key in new[] { _viewer, _editor, countyAdmin })
        {
            using var http = db.Client(key);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"/api/jobs/{check}", UriKind.Relative))).StatusCode);
        }
        using (var viewer = db.Client(_viewer))
            Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync(new Uri($"/api/jobs/{outsideJob}", UriKind.Relative))).StatusCode);
        using (var county = db.Client(countyAdmin))
        {
            var own = await county.GetFromJsonAsync<JsonElement>($"/api/jobs/{outsideJob}");
            Assert.Equal(Outside, own.GetProperty("township").GetString());
        }
        var global = await _admin.GetFromJsonAsync<JsonElement>($"/api/jobs/{check}");
        Assert.Equal(JsonValueKind.Null, global.GetProperty("township").ValueKind);
    }

    [Fact]
    public async Task OgcExtentsAndTileJsonBounds_CoverTheKeysTownshipsOnly()
    {
        var own = await TownshipExtent(Inside);
        using var viewer = db.Client(_viewer);
        var collections = await viewer.GetFromJsonAsync<JsonElement>("/ogc/collections");
        foreach (var c in collections.GetProperty("collections").EnumerateArray())
        {
            var bbox = c.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(own, bbox, (a, b) => Math.Abs(a - b) < 1e-9);
        }
        var one = await viewer.GetFromJsonAsync<JsonElement>("/ogc/collections/households");
        Assert.Equal(own[2], one.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0][2].GetDouble(), 9);
        var tileJson = await viewer.GetFromJsonAsync<JsonElement>("/tiles/grids.json");
        Assert.Equal(own, tileJson.GetProperty("bounds").EnumerateArray().Select(v => v.GetDouble()).ToArray(), (a, b) => Math.Abs(a - b) < 1e-9);
        //-- The global administrator's bounds reach the other township.
        var all = await _admin.GetFromJsonAsync<JsonElement>("/tiles/grids.json");
        Assert.True(all.GetProperty("bounds")[2].GetDouble() >= (await TownshipExtent(Outside))[2]);
    }

    [Fact]
    public async Task TileETag_OverAnotherTownship_DoesNotChangeWhenItRepublishes()
    {
        //-- One zoom-10 tile holds both townships (104.60 and 104.70 E).
        int z = 10, x = (int)Math.Floor((104.65 + 180) / 360 * (1 << z));
        double lat = 28.50 * Math.PI / 180;
        int y = (int)Math.Floor((1 - Math.Log(Math.Tan(lat) + 1 / Math.Cos(lat)) / Math.PI) / 2 * (1 << z));
        var path = $"/tiles/grids/{z}/{x}/{y}.mvt";
        using var viewer = db.Client(_viewer);
        async Task<string> ETag(HttpClient http) => (await http.GetAsync(new Uri(path, UriKind.Relative))).Headers.ETag!.Tag;
        var (viewerBefore, adminBefore) = (await ETag(viewer), await ETag(_admin));
        var v = (await viewer.GetFromJsonAsync<JsonElement>("/tiles/grids.json")).GetProperty("tiles")[0].GetString()!;

        await Samples.RedrawAsync(_admin, db.Db, Outside);
        var clock = Stopwatch.StartNew();
        while (await ETag(_admin) == adminBefore)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the administrator's tile never saw the republish");
            await Task.Delay(100);
        }
        Assert.Equal(viewerBefore, await ETag(viewer));
        Assert.Equal(v, (await viewer.GetFromJsonAsync<JsonElement>("/tiles/grids.json")).GetProperty("tiles")[0].GetString());
    }

    [Fact]
    public async Task ImportHousehold_WithAnotherTownshipsId_SaysTheIdIsTakenWithoutNamingIt()
    {
        using var editor = db.Client(_editor);
        var body = Samples.Collection(Samples.Household(_outsideHousehold, _point[0], _point[1]));
        var before = await db.ChecksumAsync();
        var response = await editor.PostAsync(new Uri($"/api/townships/{Inside}/households", UriKind.Relative), Samples.Json(body));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("id", problem.GetProperty("field").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("taken", detail, StringComparison.Ordinal);
        //-- The generated ids carry their township's code: only the id itself may show it.
        Assert.DoesNotContain(Outside, detail.Replace(_outsideHousehold, "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(before, await db.ChecksumAsync());
    }

    [Fact]
    public async Task Edit_ByAVillageKey_ReportsUnitsOfItsVillageOnlyAndNoTownshipReport()
    {
        double d = 0.0005, x = _point[0], y = _point[1];
        var square = JsonSerializer.Serialize(new { geometry = new { type = "Polygon", coordinates = new[] { new[] { new[] { x - d, y - d }, new[] { x + d, y - d }, new[] { x + d, y + d }, new[] { x - d, y + d }, new[] { x - d, y - d } } } } });
        async Task<JsonElement> Preview(string key)
        {
            using var http = db.Client(key);
            var response = await http.PutAsync(new Uri($"/api/codes/{_micro}/geometry?dryRun=true", UriKind.Relative), new StringContent(square, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        var township = await Preview(_editor);
        Assert.Equal(JsonValueKind.Object, township.GetProperty("report").ValueKind);
        var village = await Preview(_villageEditor);
        Assert.Equal(JsonValueKind.Null, village.GetProperty("report").ValueKind);
        Assert.NotEmpty(village.GetProperty("changes").EnumerateArray());
        Assert.All(village.GetProperty("changes").EnumerateArray(), c => Assert.StartsWith(_micro[..12], c.GetProperty("code").GetString(), StringComparison.Ordinal));
        Assert.True(village.GetProperty("householdsMoved").GetInt32() <= township.GetProperty("householdsMoved").GetInt32());
    }
}
