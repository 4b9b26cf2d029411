using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.GeoApi.Tests.Features.Subscriptions;

namespace GridSpatial.GeoApi.Tests.Features.Layers;

/// <summary>Crosswalks in change notifications (多网合一, issue #19 item 5): when either side of a
/// crosswalk publishes a new version — the departmental layer or the partition — a subscriber of
/// <c>crosswalk.changed</c> is told, on a real receiver on loopback, which units changed their
/// comprehensive codes, the same diff the API answers for those versions.</summary>
[Collection("db")]
public sealed class CrosswalkNotificationTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627281";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        using var exists = await _http.GetAsync(new Uri($"/api/townships/{Code}", UriKind.Relative));
        if (exists.IsSuccessStatusCode) return;
        await Samples.ImportAsync(_http, new TownshipGenerator(231).Generate(Code, "对照镇", 108.9, 24.9, 400, urbanShare: 0), "villages", "buildings", "households");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EitherSidePublishing_NotifiesTheCrosswalkDiff()
    {
        await ImportAsync(await HalvesAsync(west: true, east: true));
        await using var receiver = await LoopbackReceiver.StartAsync();
        var subscribed = await _http.PostAsJsonAsync("/api/subscriptions", new { url = receiver.Url, townshipPrefix = Code, events = new[] { "crosswalk.changed" } });
        Assert.True(subscribed.StatusCode == HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());

        //-- The layer's side: version 2 drops the east half and grows the west half over it.
        int partition = await Samples.CurrentVersionAsync(_http, Code);
        int layerVersion = await ImportAsync(await HalvesAsync(west: true, east: false));
        var layerSide = await ReceivedAsync(receiver, 1);
        Assert.Equal(("crosswalk.changed", Code, "layer"), (layerSide["event"]!.GetValue<string>(), layerSide["township"]!.GetValue<string>(), layerSide["data"]!["side"]!.GetValue<string>()));
        var data = layerSide["data"]!;
        Assert.Equal((layerVersion - 1, partition, layerVersion, partition), Versions(data));
        Assert.Equal(["E"], data["unitsRemoved"]!.AsArray().Select(u => u!.GetValue<string>()));
        var west = Assert.Single(data["changed"]!.AsArray(), c => c!["unit"]!.GetValue<string>() == "W")!;
        Assert.NotEmpty(west["microGridsAdded"]!.AsArray());
        Assert.Empty(west["microGridsRemoved"]!.AsArray());
        //-- The same diff the API answers for those versions.
        var api = await _http.GetFromJsonAsync<JsonElement>(data["url"]!.GetValue<string>());
        Assert.Equal(JsonNode.Parse(api.GetRawText())!["changed"]!.ToJsonString(), data["changed"]!.ToJsonString());

        //-- The partition's side: a staff redraw publishes a version.
        await Samples.RedrawAsync(_http, db.Db, Code);
        int redrawn = await Samples.CurrentVersionAsync(_http, Code);
        var partitionSide = (await ReceivedAsync(receiver, 2))["data"]!;
        Assert.Equal("partition", partitionSide["side"]!.GetValue<string>());
        Assert.Equal((layerVersion, partition, layerVersion, redrawn), Versions(partitionSide));
    }

    private static (int, int, int, int) Versions(JsonNode data) =>
        (data["from"]!["layerVersion"]!.GetValue<int>(), data["from"]!["partitionVersion"]!.GetValue<int>(),
         data["to"]!["layerVersion"]!.GetValue<int>(), data["to"]!["partitionVersion"]!.GetValue<int>());

    /// <summary>The n-th notification received (1-based), once it has arrived (within 60 s).</summary>
    private static async Task<JsonNode> ReceivedAsync(LoopbackReceiver receiver, int n)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (receiver.All.Count < n)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{receiver.All.Count} notifications of {n} within 60 s");
            await Task.Delay(100);
        }
        return JsonNode.Parse(receiver.All[n - 1].Body)!;
    }

    private async Task<int> ImportAsync(JsonObject layer)
    {
        using var r = await _http.PostAsync(new Uri($"/api/townships/{Code}/layers/halves", UriKind.Relative), Samples.Json(layer));
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
    }

    /// <summary>The township's extent (grown by 1 %) as a west unit W and an east unit E; without the east one, W covers it all.</summary>
    private async Task<JsonObject> HalvesAsync(bool west, bool east)
    {
        var e = await Samples.ExtentAsync(db.Db, Code);
        double w = e.MaxX - e.MinX, h = e.MaxY - e.MinY;
        double x0 = e.MinX - w * 0.01, y0 = e.MinY - h * 0.01, x1 = e.MaxX + w * 0.01, y1 = e.MaxY + h * 0.01, xm = (x0 + x1) / 2;
        JsonObject Box(string code, double a, double b) => Samples.Feature(new JsonObject { ["code"] = code, ["name"] = code },
            Samples.Polygon((a, y0), (b, y0), (b, y1), (a, y1), (a, y0)));
        var features = new List<JsonObject>();
        if (west) features.Add(Box("W", x0, east ? xm : x1));
        if (east) features.Add(Box("E", xm, x1));
        return Samples.Collection([.. features]);
    }
}
