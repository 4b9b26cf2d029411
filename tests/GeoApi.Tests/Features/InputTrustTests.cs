using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Input the service must not trust (issue #13): a code in a body is parsed once,
/// strictly, and checked against the caller's jurisdiction whatever its JSON form; a township may
/// not be drawn over another; a huge upload is streamed, so memory stays bounded.</summary>
[Collection("db")]
public class InputTrustTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string A = "530627120", B = "530627121", Foreign = "110101007";
    private const double ALon = 104.30, BLon = 104.311, FLon = 104.40, Lat = 28.40;
    private readonly HttpClient _admin = db.Client();
    private readonly Dictionary<string, HttpClient> _editors = [];

    public async Task InitializeAsync()
    {
        foreach (var (code, lon) in new[] { (A, ALon), (B, BLon), (Foreign, FLon) })
            (await _admin.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(Samples.Township(code, "信任镇", lon, Lat)))).EnsureSuccessStatusCode();
        //-- A township's editor, a village's editor and an editor whose jurisdiction holds no township.
        foreach (var jurisdiction in new[] { A, A + "201", "990000" })
        {
            var response = await _admin.PostAsJsonAsync("/api/keys", new { name = $"trust-{jurisdiction}-{Guid.NewGuid():N}", role = "editor", jurisdiction });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            _editors[jurisdiction] = db.Client((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString());
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A code outside every test key's jurisdiction, written every way a client might.</summary>
    private static readonly string[] ForeignForms =
    [
        "110101007", "\"110101007\"", "530627121", "\"530627121\"", "1.10101007e8", "110101007.0", "-110101007",
        "\"0110101007\"", "\"11010107\"", "\" 110101007\"", "\"110101007 \"", "\"110 101 007\"",
        "\"１１０１０１００７\"", "\"١١٠١٠١٠٠٧\"", "\"۱۱۰۱۰۱۰۰۷\"", "\"110101007\\u0000\"", "\"５３０６２７１２１\"",
    ];

    private static string TownshipBody(string codeJson, double lon, double lat = 30.0, string name = "越权镇") =>
        $$"""{"type":"Feature","properties":{"code":{{codeJson}},"name":"{{name}}"},"geometry":{{Samples.Township("x", lon: lon, lat: lat)["geometry"]!.ToJsonString()}}}""";

    private static async Task<List<string>> Refusals(IEnumerable<(HttpClient Client, string Who, string Path, string Body)> requests)
    {
        var failures = new List<string>();
        foreach (var (client, who, path, body) in requests)
        {
            var response = await client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            int status = (int)response.StatusCode;
            if (status is not (400 or 403))
                failures.Add($"{who} POST {path} {body}: {status} {await response.Content.ReadAsStringAsync()}");
        }
        return failures;
    }

    [Fact]
    public async Task ImportTownships_CodeOutsideJurisdictionInAnyJsonForm_IsRefusedAndChangesNothing()
    {
        var before = await db.ChecksumAsync();
        var failures = await Refusals(
            from e in _editors
            from form in ForeignForms
            from body in new[] { TownshipBody(form, 100.0), $$"""{"type":"FeatureCollection","features":[{{TownshipBody(form, 100.0)}}]}""" }
            select (e.Value, e.Key, "/api/townships", body));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await db.ChecksumAsync());
    }

    [Fact]
    public async Task ImportTownships_CodeAsJsonNumberInJurisdiction_IsStoredAsItsDigitsAndAudited()
    {
        var response = await _editors[A].PostAsync(new Uri("/api/townships", UriKind.Relative),
            new StringContent(TownshipBody(A, ALon, Lat, "改名镇"), Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await using var cmd = db.Db.CreateCommand("SELECT t.name, a.township_code FROM township t, LATERAL (SELECT township_code FROM audit_log WHERE entity = 'townships' ORDER BY id DESC LIMIT 1) a WHERE t.code = $1");
        cmd.Parameters.AddWithValue(A);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal("改名镇", r.GetString(0));
        Assert.Equal(A, r.GetString(1));
    }

    [Fact]
    public async Task ImportVillages_CodeOutsideTheRouteTownshipInAnyJsonForm_IsRefusedAndChangesNothing()
    {
        var before = await db.ChecksumAsync();
        string[] forms = ["530627121201", "\"530627121201\"", "110101007201", "\"110101007201\"", "\"５３０６２７１２０２０１\"", "\"٥٣٠٦٢٧١٢٠٢٠١\"",
            "\" 530627120201\"", "\"530627120201 \"", "\"0530627120201\"", "\"53062712020\"", "5.30627120201e11", "\"530627120201\\u0000\""];
        var failures = await Refusals(
            from form in forms
            select (_editors[A], A, $"/api/townships/{A}/villages",
                $$"""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":{{form}},"name":"越权村"},"geometry":{{Samples.Polygon((ALon + 0.001, Lat + 0.001), (ALon + 0.002, Lat + 0.001), (ALon + 0.002, Lat + 0.002), (ALon + 0.001, Lat + 0.001)).ToJsonString()}}}]}"""));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await db.ChecksumAsync());
    }

    [Fact]
    public async Task MergeAndBatch_CodesOutsideJurisdictionInAnyJsonForm_AreRefusedAndStartNothing()
    {
        var before = await db.ChecksumAsync();
        var batches = await BatchCount();
        string[] codes = ["110101007001001", "\"110101007001001\"", "\"１１０１０１００７００１００１\"", "\" 110101007001001\"", "\"110101007001001\\u0000\"", "530627121201001"];
        string[] townships = [.. ForeignForms];
        string[] prefixes = ["110", "\"110\"", "\"１１０\"", "\"١١٠\"", "\" 110\"", "\"530627121\"", "530627121", "\"110101007\\u0000\""];
        var requests =
            (from e in _editors from c in codes select (e.Value, e.Key, "/api/codes/merge", $$"""{"codes":[{{c}},{{c}}],"reason":"test"}"""))
            .Concat(from e in _editors from t in townships select (e.Value, e.Key, "/api/partitions", $$"""{"townships":[{{t}}]}"""))
            .Concat(from e in _editors from p in prefixes select (e.Value, e.Key, "/api/partitions", $$"""{"prefix":{{p}}}"""));
        var failures = await Refusals(requests);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await db.ChecksumAsync());
        Assert.Equal(batches, await BatchCount());
    }

    private async Task<long> BatchCount()
    {
        await using var cmd = db.Db.CreateCommand("SELECT count(*) FROM partition_batch");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ImportTownships_GeometryOverAnotherTownship_Is409NamingBothAndChangesNothing()
    {
        var before = await db.ChecksumAsync();
        //-- A drawn over all of B (A's editor may edit A, but not take B's lookups).
        var over = Samples.Township(A, "吞并镇", ALon, Lat);
        over["geometry"] = Samples.Polygon((ALon, Lat), (BLon + 0.011, Lat), (BLon + 0.011, Lat + 0.01), (ALon, Lat + 0.01), (ALon, Lat));
        var response = await _editors[A].PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(over));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("geometry", problem.GetProperty("field").GetString());
        Assert.Equal(A, problem.GetProperty("township").GetString());
        Assert.Equal(B, problem.GetProperty("overlaps").GetString());
        Assert.Contains(B, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        //-- Two new townships of one upload that overlap each other.
        var pair = Samples.Collection(Samples.Township("530627122", "甲镇", 104.50, 28.50), Samples.Township("530627123", "乙镇", 104.505, 28.50));
        Assert.Equal(HttpStatusCode.Conflict, (await _admin.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(pair))).StatusCode);
        Assert.Equal(before, await db.ChecksumAsync());
    }

    [Fact]
    public async Task ImportTownships_NewBoundaryLeavingHouseholdsOutside_Is409NamingOneAndChangesNothing()
    {
        const string code = "530627124";
        const double lon = 104.20;
        (await _admin.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(Samples.Township(code, "留户镇", lon, Lat)))).EnsureSuccessStatusCode();
        var households = Samples.Collection(Samples.Household("stranded-east", lon + 0.010, Lat + 0.005), Samples.Household("stranded-west", lon + 0.001, Lat + 0.005));
        (await _admin.PostAsync(new Uri($"/api/townships/{code}/households", UriKind.Relative), Samples.Json(households))).EnsureSuccessStatusCode();
        var before = await db.ChecksumAsync();

        //-- The east half cut off: the east household would stand outside its township.
        var half = Samples.Township(code, "留户镇", lon, Lat);
        half["geometry"] = Samples.Polygon((lon, Lat), (lon + 0.005, Lat), (lon + 0.005, Lat + 0.01), (lon, Lat + 0.01), (lon, Lat));
        var response = await _admin.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(half));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("geometry", problem.GetProperty("field").GetString());
        Assert.Equal(code, problem.GetProperty("township").GetString());
        Assert.Equal(1, problem.GetProperty("households").GetInt32());
        Assert.Equal("stranded-east", problem.GetProperty("household").GetString());
        Assert.Equal(before, await db.ChecksumAsync());
        //-- A boundary that still holds both is taken.
        var wider = Samples.Township(code, "留户镇", lon, Lat);
        wider["geometry"] = Samples.Polygon((lon, Lat), (lon + 0.012, Lat), (lon + 0.012, Lat + 0.01), (lon, Lat + 0.01), (lon, Lat));
        (await _admin.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(wider))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task ImportTownships_BoundaryNoiseUnderOnePercent_IsAccepted()
    {
        //-- B's west edge moved 5 m into A: about 0.5 % of B's area.
        var noisy = Samples.Township(B, "信任镇", BLon - 0.00005, Lat);
        noisy["geometry"] = Samples.Polygon((BLon - 0.00005, Lat), (BLon + 0.011, Lat), (BLon + 0.011, Lat + 0.01), (BLon - 0.00005, Lat + 0.01), (BLon - 0.00005, Lat));
        var response = await _admin.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(noisy));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        (await _admin.PostAsync(new Uri("/api/townships", UriKind.Relative), Samples.Json(Samples.Township(B, "信任镇", BLon, Lat)))).EnsureSuccessStatusCode();
    }

    /// <summary>A household FeatureCollection written as it is sent, never held whole by the client.</summary>
    private sealed class GeneratedCollection(int count, Func<int, string> feature) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            await w.WriteAsync("{\"type\":\"FeatureCollection\",\"features\":[");
            for (int i = 0; i < count; i++)
            {
                if (i > 0) await w.WriteAsync(',');
                await w.WriteAsync(feature(i));
            }
            await w.WriteAsync("]}");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Fact]
    public async Task ImportHouseholds_150MegabyteBodyRefusedAtItsLastFeature_MemoryStaysBoundedAndNothingChanges()
    {
        const int count = 280_000;
        var address = new string('路', 150);
        string Feature(int i) => i < count - 1
            ? $$$"""{"type":"Feature","properties":{"id":"mem{{{i:D7}}}","address":"{{{address}}}","room":"{{{i}}}"},"geometry":{"type":"Point","coordinates":[104.305,28.405]}}"""
            : """{"type":"Feature","properties":{"id":"last"},"geometry":{"type":"Point","coordinates":[104.9,28.405]}}""";
        Assert.True((long)count * Encoding.UTF8.GetByteCount(Feature(0)) > 150L * 1024 * 1024);
        var before = await db.ChecksumAsync();
        long baseline = GC.GetTotalMemory(forceFullCollection: true), peak = baseline;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(250);
            }
        });
        //-- A plain client: the test client's redirect handler buffers request bodies to replay them.
        using var client = new HttpClient { BaseAddress = new Uri(db.Address), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add("X-Api-Key", db.AdminKey);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await client.PostAsync(new Uri($"/api/townships/{A}/households", UriKind.Relative), new GeneratedCollection(count, Feature));
        var elapsed = clock.Elapsed;
        await done.CancelAsync();
        await sampler;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(count - 1, problem.GetProperty("featureIndex").GetInt32());
        Assert.Equal("geometry", problem.GetProperty("field").GetString());
        Assert.True(peak - baseline < 150L * 1024 * 1024, $"managed memory grew by {(peak - baseline) / 1048576} MB");
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed.TotalSeconds:F0} s");
        Assert.Equal(before, await db.ChecksumAsync());
    }
}
