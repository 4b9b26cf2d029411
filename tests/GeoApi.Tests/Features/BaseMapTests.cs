using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.Features.Tiles;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner.Projection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NetTopologySuite.Geometries;
using SkiaSharp;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Base maps under the coverage (issue #17, item 2): the configured base maps
/// (<c>Viewer:BaseMaps</c>) served by a tile server this test runs on loopback, switched in the
/// page in a real Chromium; a base map declared GCJ-02 gets the overlay drawn in GCJ-02, checked
/// against the project's conversion (<see cref="Gcj02"/>); with no key configured nothing is
/// offered and the page keeps its plain background.</summary>
/// <remarks>The township is imported once for the class (<see cref="ViewerClassFixture"/>): the tests
/// only read it, and two of the three never draw it.</remarks>
[Collection(ViewerDatabaseFixture.Collection)]
public sealed class BaseMapTests(ViewerDatabaseFixture db, ViewerClassFixture shared) : IAsyncLifetime, IClassFixture<ViewerClassFixture>
{
    private const string Code = "530627220";
    private static readonly SKColor Base = new(0x33, 0x55, 0xff);
    private readonly HttpClient _http = db.Client();
    private readonly ConcurrentQueue<string> _tileRequests = new();
    private readonly List<string> _outside = [];
    private WebApplication? _tiles;
    private string _tilesAddress = "";
    private IPage? _page;
    private readonly List<string> _seen = [];

    public async Task InitializeAsync()
    {
        await shared.OnceAsync(db, () => Samples.PublishedAsync(_http, db.Db, new TownshipGenerator(220).Generate(Code, "底图镇", 105.62, 27.25, 600),
            "villages", "buildings", "households", "barriers"));
        //-- The base-map server: every tile one colour (the annotation a transparent tile), every request counted.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _tiles = builder.Build();
        byte[] Png(SKColor c)
        {
            using var bmp = new SKBitmap(256, 256);
            bmp.Erase(c);
            using var data = bmp.Encode(SKEncodedImageFormat.Png, 100);
            return data.ToArray();
        }
        var (solid, clear) = (Png(Base), Png(SKColors.Transparent));
        //-- As public tile servers do, it allows any origin (MapLibre fetches raster tiles with CORS).
        _tiles.MapGet("/{map}/{z}/{x}/{y}", (string map, string z, string x, string y, HttpResponse response) =>
        {
            _tileRequests.Enqueue($"{map}/{z}/{x}/{y}");
            response.Headers.AccessControlAllowOrigin = "*";
            return Results.Bytes(map == "label" ? clear : solid, "image/png");
        });
        await _tiles.StartAsync();
        _tilesAddress = _tiles.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        //-- The page's context too: the class's chromium outlives the test.
        if (_page is not null) await _page.CloseAsync();
        if (_tiles is not null) await _tiles.DisposeAsync();
    }

    /// <summary>The GCJ-02 tile transform against the conversion it stands for, vertex by vertex,
    /// from county to building zoom: within a quarter of a pixel, and within centimetres at street zoom.</summary>
    [Fact]
    public void TileCrs_Gcj02_PlacesEveryPointWhereTheProjectsConversionDoes()
    {
        var random = new Random(17);
        foreach (var z in new[] { 8, 10, 12, 14, 16, 18, 20 })
        {
            double worst = 0, worstPixel = 0;
            for (int t = 0; t < 20; t++)
            {
                var centre = new Coordinate(100 + random.NextDouble() * 20, 22 + random.NextDouble() * 15);
                var (cx, cy) = TileCrs.ToMercator(Gcj02.FromWgs84(centre));
                int n = 1 << z;
                double size = 2 * 20037508.342789244 / n;
                int x = (int)((cx + 20037508.342789244) / size), y = (int)((20037508.342789244 - cy) / size);
                var crs = TileCrs.For(TileCrs.Gcj, z, x, y, TileEndpoints.LonLatEnvelope(z, x, y));
                for (int k = 0; k < 50; k++)
                {
                    //-- A point whose GCJ-02 position lies in the tile.
                    var gcj = TileCrs.ToLonLat(-20037508.342789244 + (x + random.NextDouble()) * size, 20037508.342789244 - (y + random.NextDouble()) * size);
                    var wgs = Gcj02.ToWgs84(gcj);
                    var (ex, ey) = TileCrs.ToMercator(gcj);
                    var (ax, ay) = crs.Apply(TileCrs.ToMercator(wgs).X, TileCrs.ToMercator(wgs).Y);
                    //-- Web Mercator metres are ground metres times 1/cos(lat).
                    double error = Math.Sqrt((ax - ex) * (ax - ex) + (ay - ey) * (ay - ey)) * Math.Cos(gcj.Y * Math.PI / 180);
                    worst = Math.Max(worst, error);
                    worstPixel = Math.Max(worstPixel, Math.Sqrt((ax - ex) * (ax - ex) + (ay - ey) * (ay - ey)) / (size / 256));
                }
            }
            Console.WriteLine($"GCJ-02 tiles, zoom {z}: worst {worstPixel:F4} px, {worst:F4} m");
            Assert.True(worstPixel < 0.25, $"zoom {z}: {worstPixel:F3} px");
            if (z >= 16) Assert.True(worst < 0.05, $"zoom {z}: {worst:F4} m");
        }
        Assert.Throws<GridSpatial.GeoApi.Infrastructure.ApiException>(() => TileCrs.Parse("bd09"));
    }

    [Fact]
    public async Task DefaultConfiguration_OffersNoBaseMap_SoThePageNeedsNoInternet()
    {
        var config = await _http.GetFromJsonAsync<JsonElement>("/api/viewer/config");
        //-- The shipped 天地图 entries lack their key and 高德 is disabled: nothing is offered.
        Assert.Equal(0, config.GetProperty("baseMaps").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("defaultBaseMap").ValueKind);
        var bad = await _http.GetAsync(new Uri("/tiles/micro_grids.json?crs=bd09", UriKind.Relative));
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("crs", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConfiguredBaseMaps_DrawUnderTheCoverage_AndAGcj02MapGetsTheOverlayInGcj02()
    {
        var browser = await shared.BrowserAsync();
        Skip.If(browser is null, "Debian's chromium is not installed");
        //-- Entries 3 and 4: the shipped entries 0–2 stay as they are (configuration arrays merge by index).
        using var api = ApiProcess.Start(db, new()
        {
            ["Viewer__BaseMaps__3__Id"] = "local", ["Viewer__BaseMaps__3__Name"] = "本地底图", ["Viewer__BaseMaps__3__Crs"] = "cgcs2000",
            ["Viewer__BaseMaps__3__Tiles__0"] = $"{_tilesAddress}/base/{{z}}/{{x}}/{{y}}.png",
            ["Viewer__BaseMaps__3__Annotation__0"] = $"{_tilesAddress}/label/{{z}}/{{x}}/{{y}}.png",
            ["Viewer__BaseMaps__3__Attribution"] = "© 测试底图",
            ["Viewer__BaseMaps__4__Id"] = "local-gcj", ["Viewer__BaseMaps__4__Name"] = "本地火星底图", ["Viewer__BaseMaps__4__Crs"] = "gcj02",
            ["Viewer__BaseMaps__4__Tiles__0"] = $"{_tilesAddress}/gcj/{{z}}/{{x}}/{{y}}.png",
        });
        await api.ClientAsync(db.AdminKey);
        //-- Signed in as a user is, with the session cookie (a key header would go to the tile server too).
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 800 }, Locale = "zh-CN" });
        ViewerBrowser.Watch(page, _outside, api.Address, _tilesAddress);
        _page = page;
        page.Request += (_, r) => { lock (_seen) _seen.Add(r.Url); };
        await page.GotoAsync($"{api.Address}/?township={Code}&key={db.AdminKey}");
        await ViewerBrowser.ReadyAsync(page);

        //-- Offered: the two local maps after "none"; none shown, nothing asked of the tile server.
        var options = await page.Locator("#basemap option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)");
        Assert.True(options.SequenceEqual(["", "local", "local-gcj"]), $"offered [{string.Join(", ", options)}]; the page says: {await page.InnerTextAsync("#status")}");
        Assert.Equal("", await page.InputValueAsync("#basemap"));
        Assert.Empty(_tileRequests);

        await page.SelectOptionAsync("#basemap", "local");
        await Asked("base/");
        await Asked("label/");
        await page.WaitForFunctionAsync("() => window.gridspatial.map.isSourceLoaded('basemap') && window.gridspatial.map.areTilesLoaded()", null, new() { Timeout = 30_000 });
        var order = await page.EvaluateAsync<string[]>("() => window.gridspatial.map.getStyle().layers.map(l => l.id)");
        Assert.True(Array.IndexOf(order, "basemap") < Array.IndexOf(order, "micro-fill"), "the base map is not under the coverage");
        Assert.True(Array.IndexOf(order, "basemap-annotation") > Array.IndexOf(order, "micro-line"), "the annotation is not above the coverage");
        Assert.Equal("© 测试底图", await page.InnerTextAsync("#attribution"));
        var png = await page.ScreenshotAsync(new() { Path = Path.Combine(ViewerBrowser.Screenshots(), "viewer-basemap.png") });
        //-- The base map's own colour around the township, and the coverage's colour laid over it (not hiding it).
        var onTarget = Blend(new SKColor(0x7c, 0xc1, 0x91), Base, 0.55);
        var (plain, blended) = Count(png, Base, onTarget);
        Assert.True(plain > 1000, $"{plain} pixels of the base map");
        Assert.True(blended > 1000, $"{blended} pixels of coverage over the base map");

        //-- The GCJ-02 base map: the overlay's tiles come drawn in GCJ-02, where that map draws the same ground.
        await page.SelectOptionAsync("#basemap", "local-gcj");
        //-- The viewer sets every overlay source's tiles one after another: wait for the label source too.
        await page.WaitForFunctionAsync("() => ['micro_grids', 'micro_grid_labels'].every(s => window.gridspatial.map.getSource(s).tiles[0].includes('crs=gcj02'))");
        await Asked("gcj/");
        await using var cmd = db.Db.CreateCommand("""
            SELECT m.code, ST_X(p), ST_Y(p) FROM (SELECT code, ST_Transform(ST_PointOnSurface(geom_3857), 4326) AS p FROM current_micro_grid
              WHERE township_code = $1 AND kind = 'cluster' ORDER BY household_count DESC, code LIMIT 1) m
            """);
        cmd.Parameters.AddWithValue(Code);
        string code;
        Coordinate stored;
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            (code, stored) = (r.GetString(0), new Coordinate(r.GetDouble(1), r.GetDouble(2)));
        }
        var expected = Gcj02.FromWgs84(stored);
        await ViewerBrowser.ZoomToAsync(page, expected.X, expected.Y, 16);
        //-- A tile loaded before the switch keeps its WGS 84 features while it reloads at the new URL, so read
        //-- once the source has loaded, and ask that every copy of the label (a tile's buffer repeats it) sits
        //-- at its GCJ-02 position: none may be left at the WGS 84 one.
        double metres(double lon1, double lat1, double lon2, double lat2) =>
            Math.Sqrt(Math.Pow((lon1 - lon2) * Math.Cos(lat1 * Math.PI / 180), 2) + Math.Pow(lat1 - lat2, 2)) * 111_320;
        var shift = metres(stored.X, stored.Y, expected.X, expected.Y);
        double[][] drawn = [];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await page.WaitForFunctionAsync("() => window.gridspatial.map.isSourceLoaded('micro_grid_labels')", null, new() { Timeout = 20_000 });
            drawn = await page.EvaluateAsync<double[][]>(
                "(code) => window.gridspatial.map.querySourceFeatures('micro_grid_labels', { sourceLayer: 'micro_grid_labels', filter: ['==', ['get', 'code'], code] }).map(f => f.geometry.coordinates)", code);
            if (drawn.Length > 0 && drawn.All(d => metres(d[0], d[1], expected.X, expected.Y) < 1.0)) break;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        Assert.NotEmpty(drawn);
        var off = drawn.Max(d => metres(d[0], d[1], expected.X, expected.Y));
        Assert.True(off < 1.0, $"label drawn {off:F2} m from its GCJ-02 position (the GCJ-02 shift here is {shift:F0} m; {drawn.Length} copies)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ViewerBrowser.Screenshots(), "viewer-basemap-gcj02.png") });

        //-- Back to none: the plain background, the overlay in WGS 84 again.
        await page.SelectOptionAsync("#basemap", "");
        await page.WaitForFunctionAsync("() => !window.gridspatial.map.getSource('micro_grids').tiles[0].includes('crs=gcj02') && !window.gridspatial.map.getLayer('basemap')");
        Assert.Empty(_outside);
    }

    /// <summary>Waits (20 s at most) until the page has asked the tile server for a tile of this map.</summary>
    private async Task Asked(string prefix)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!_tileRequests.Any(r => r.StartsWith(prefix, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {prefix} tile asked; asked: {string.Join(", ", _tileRequests.ToArray().Take(5))}; the page says: {await _page!.InnerTextAsync("#status")}; base map source {await _page.EvaluateAsync<string>("() => JSON.stringify(window.gridspatial.map.getStyle().sources.basemap ?? null) + ' zoom ' + window.gridspatial.map.getZoom()")}; requests {Seen()}");
            await Task.Delay(100);
        }
    }

    private string Seen()
    {
        lock (_seen) return string.Join(", ", _seen.Where(u => !u.Contains("/tiles/", StringComparison.Ordinal)).TakeLast(8));
    }

    private static SKColor Blend(SKColor top, SKColor under, double alpha) => new(
        (byte)Math.Round(top.Red * alpha + under.Red * (1 - alpha)), (byte)Math.Round(top.Green * alpha + under.Green * (1 - alpha)),
        (byte)Math.Round(top.Blue * alpha + under.Blue * (1 - alpha)));

    private static (int A, int B) Count(byte[] png, SKColor a, SKColor b)
    {
        using var bmp = SKBitmap.Decode(png);
        int na = 0, nb = 0;
        static bool Near(SKColor p, SKColor c) => Math.Abs(p.Red - c.Red) < 8 && Math.Abs(p.Green - c.Green) < 8 && Math.Abs(p.Blue - c.Blue) < 8;
        for (int y = 0; y < bmp.Height; y++)
            for (int x = 0; x < bmp.Width; x++)
            {
                var p = bmp.GetPixel(x, y);
                if (Near(p, a)) na++;
                else if (Near(p, b)) nb++;
            }
        return (na, nb);
    }
}
