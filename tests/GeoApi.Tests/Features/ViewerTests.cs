using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;
using Microsoft.Playwright;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The viewer page in a real headless Chromium (Debian's, driven by Playwright): it
/// loads a township, paints the coverage in the legend's colours, shows a card on click, and a
/// boundary redrawn in the page is published and drawn from the new tiles. Screenshots are kept
/// in TestResults/screenshots. The page's work for staff (Chinese, labels, search, roles,
/// phones) is in ViewerWorkTests.cs.</summary>
/// <remarks>The class's chromium and its township are set up once (<see cref="ViewerClassFixture"/>):
/// every test but the redraw only reads the township, and the redraw publishes on a township of its
/// own, so each test sees the township as generated, in whatever order they run.</remarks>
[Collection(ViewerDatabaseFixture.Collection)]
public sealed partial class ViewerTests(ViewerDatabaseFixture db, ViewerClassFixture shared) : IAsyncLifetime, IClassFixture<ViewerClassFixture>
{
    private const string Code = "530627180";
    /// <summary>The township of the test that publishes a redrawn boundary: another seed and name, as
    /// searches for a village name span townships and must find the test township's alone.</summary>
    private const string Redrawn = "530627171";
    private readonly HttpClient _http = db.Client();
    private ViewerPages? _pages;

    public async Task InitializeAsync()
    {
        await shared.OnceAsync(db, () => SetUpAsync(Code, 180, "地图镇", 105.60, 27.20));
        _pages = await ViewerPages.ForAsync(shared, db.Address);
    }

    public async Task DisposeAsync()
    {
        if (_pages is not null) await _pages.DisposeAsync();
    }

    /// <summary>A generated township of 1,200 households, imported, partitioned and settled.</summary>
    private Task SetUpAsync(string code, int seed, string name, double lon, double lat) =>
        Samples.PublishedAsync(_http, db.Db, new TownshipGenerator(seed).Generate(code, name, lon, lat, 1200), "villages", "buildings", "households", "barriers");

    private static string Screenshots() => ViewerBrowser.Screenshots();

    /// <summary>Every request the pages of this test made to anything but the service (loopback).</summary>
    private List<string> Outside => _pages?.Outside ?? [];

    /// <summary>A new page in a browser context of this <paramref name="locale"/> and size, recording requests that leave loopback;
    /// with the administrator key in a header, or (<paramref name="key"/> null) with none.</summary>
    private async Task<IPage> NewPage(string locale = "zh-CN", int width = 1280, int height = 860, string? key = "", BrowserNewPageOptions? more = null)
    {
        Skip.If(_pages is null, "Debian's chromium is not installed");
        var options = more ?? new BrowserNewPageOptions();
        options.ViewportSize = new() { Width = width, Height = height };
        options.Locale = locale;
        if (key is not null) options.ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Api-Key"] = key == "" ? db.AdminKey : key };
        return await _pages!.NewPageAsync(options);
    }

    /// <summary>The page on the test township, loaded and idle; requests leaving loopback fail the test.</summary>
    private async Task<IPage> Open(string township = Code, string locale = "zh-CN", int width = 1280, int height = 860, BrowserNewPageOptions? more = null)
    {
        var page = await NewPage(locale, width, height, more: more);
        await page.GotoAsync($"{db.Address}/?township={township}");
        await Ready(page);
        return page;
    }

    /// <summary>Waits until the page has signed in, loaded its township and drawn every tile.</summary>
    private async Task Ready(IPage page)
    {
        await ViewerBrowser.ReadyAsync(page);
        Assert.Empty(Outside);
    }

    /// <summary>Screen position of a lon/lat on the page.</summary>
    private static Task<(float X, float Y)> ToScreen(IPage page, double lon, double lat) => ViewerBrowser.ToScreenAsync(page, lon, lat);

    /// <summary>A cluster micro-grid away from the township's edge whose bounding box lies well inside its grid, with its interior point.</summary>
    private async Task<(string Code, int Households, string Grid, double Lon, double Lat, double[] Box)> Unit(int skip, string township = Code)
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT m.code, m.household_count, m.grid_code, ST_X(ST_PointOnSurface(m.geom)), ST_Y(ST_PointOnSurface(m.geom)),
                   ARRAY[ST_XMin(m.geom), ST_YMin(m.geom), ST_XMax(m.geom), ST_YMax(m.geom)]
            FROM current_micro_grid m JOIN township_state s ON s.township_code = m.township_code
            JOIN township t ON t.code = m.township_code
            JOIN current_grid g ON g.township_code = m.township_code AND g.code = m.grid_code
            WHERE m.township_code = $1 AND m.kind = 'cluster' AND ST_Distance(m.geom, ST_Boundary(t.geom)) > 0.002
              AND ST_Contains(g.geom, ST_Expand(ST_Envelope(m.geom), 0.0002))
              AND (SELECT count(*) FROM current_micro_grid x WHERE x.township_code = m.township_code AND x.grid_code = m.grid_code) >= 4
            ORDER BY m.household_count DESC, m.code OFFSET $2 LIMIT 1
            """);
        cmd.Parameters.AddWithValue(township);
        cmd.Parameters.AddWithValue(skip);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetDouble(3), r.GetDouble(4), r.GetFieldValue<double[]>(5));
    }

    private static Task ZoomTo(IPage page, double lon, double lat, int zoom) => ViewerBrowser.ZoomToAsync(page, lon, lat, zoom);

    [SkippableFact]
    public async Task Page_LoadsTheTownship_AndPaintsTheCoverageInTheLegendColours()
    {
        var page = await Open();
        Assert.Contains(Code, await page.InputValueAsync("#township"), StringComparison.Ordinal);
        Assert.True(await page.Locator("#histogram rect").CountAsync() > 5);
        Assert.Contains("户数", await page.TextContentAsync("#figures") ?? "", StringComparison.Ordinal);
        Assert.Contains("覆盖无缝隙、无重叠", await page.InnerTextAsync("#report-summary"), StringComparison.Ordinal);
        var png = await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), "viewer-loaded.png") });

        //-- Count screenshot pixels of each legend colour.
        var counts = await page.EvaluateAsync<JsonElement>("""
            async (b64) => {
              const img = new Image(); img.src = 'data:image/png;base64,' + b64; await img.decode();
              const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
              const g = c.getContext('2d'); g.drawImage(img, 0, 0);
              const d = g.getImageData(0, 0, c.width, c.height).data;
              const want = { under: [0xf5, 0xc7, 0x6b], on: [0x7c, 0xc1, 0x91], over: [0xe5, 0x73, 0x73] };
              const out = { under: 0, on: 0, over: 0 };
              for (let i = 0; i < d.length; i += 4)
                for (const [k, e] of Object.entries(want))
                  if (Math.abs(d[i] - e[0]) < 8 && Math.abs(d[i + 1] - e[1]) < 8 && Math.abs(d[i + 2] - e[2]) < 8) out[k]++;
              return out;
            }
            """, Convert.ToBase64String(png));
        Assert.True(counts.GetProperty("on").GetInt32() > 2000, $"on-target pixels: {counts}");
        Assert.True(counts.GetProperty("under").GetInt32() + counts.GetProperty("over").GetInt32() > 0, $"under/over pixels: {counts}");
    }

    /// <summary>The first map every user sees: the project's sample township (data/sample) in the
    /// viewer, with its barriers and streets drawn over the coverage; the screenshot is kept
    /// (TestResults/screenshots/viewer-sample.png).</summary>
    [SkippableFact]
    public async Task SampleTownship_ShowsItsCoverageWithBarriersAndStreets_ScreenshotKept()
    {
        Skip.If(_pages is null, "Debian's chromium is not installed");
        const string sample = "530627118";
        await Samples.ImportSampleAsync(_http);
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(120), sample);
        var page = await Open(sample);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), "viewer-sample.png") });
        //-- Nearer in (streets are drawn from zoom 12): the valley floor at the generation point, with the river and the provincial road.
        await ZoomTo(page, 104.87, 27.44, 15);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), "viewer-sample-town.png") });
        var drawn = await page.EvaluateAsync<JsonElement>("""
            () => { const m = window.gridspatial.map; const n = (l) => m.queryRenderedFeatures({ layers: [l] }).length;
                    return { micro: n('micro-fill'), streets: n('street-line'), barriers: n('barrier-line') }; }
            """);
        Assert.True(drawn.GetProperty("micro").GetInt32() > 20, $"drawn: {drawn}");
        Assert.True(drawn.GetProperty("streets").GetInt32() > 5, $"drawn: {drawn}");
        Assert.True(drawn.GetProperty("barriers").GetInt32() > 0, $"drawn: {drawn}");
    }

    [SkippableFact]
    public async Task ClickOnAMicroGrid_ShowsItsCard_WithCodeHouseholdsParentAndHistory()
    {
        var page = await Open();
        var unit = await Unit(0);
        await ZoomTo(page, unit.Lon, unit.Lat, 16);
        var (x, y) = await ToScreen(page, unit.Lon, unit.Lat);
        await page.Mouse.ClickAsync(x, y);
        await page.WaitForSelectorAsync("#card:not([hidden])");
        await page.WaitForFunctionAsync("(code) => document.getElementById('card-title').textContent.includes(code)", unit.Code);
        Assert.Equal(unit.Households.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync("dd[data-field=households]"));
        Assert.Equal(unit.Grid, await page.InnerTextAsync("dd[data-field=parent]"));
        Assert.Matches("^自第 [0-9]+ 版起有效", await page.InnerTextAsync("#card-history"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), "viewer-card.png") });
    }

    /// <summary>The notice map's QR code links to <c>/?township=T&amp;code=C</c>: the page opens that unit's card.</summary>
    [SkippableFact]
    public async Task LinkWithACode_OpensThatUnitsCard()
    {
        Skip.If(_pages is null, "Debian's chromium is not installed");
        var unit = await Unit(1);
        var page = await NewPage("zh-CN", 1280, 860);
        await page.GotoAsync($"{db.Address}/?township={Code}&code={unit.Grid}");
        await Ready(page);
        await page.WaitForFunctionAsync("(code) => !document.getElementById('card').hidden && document.getElementById('card-title').textContent.includes(code)", unit.Grid);
    }

    [SkippableFact]
    public async Task ClickOnATowerSplitByUnits_ShowsTheUnitOnTheCard_ChineseFirst()
    {
        var page = await Open();
        await using var cmd = db.Db.CreateCommand("""
            SELECT ST_X(ST_PointOnSurface(m.geom)), ST_Y(ST_PointOnSurface(m.geom)) FROM current_micro_grid m
            WHERE m.township_code = $1 AND m.kind = 'floor' AND m.unit IS NOT NULL ORDER BY m.code LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        double lon, lat;
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync(), "the generated township has no tower split by units");
            (lon, lat) = (r.GetDouble(0), r.GetDouble(1));
        }
        await ZoomTo(page, lon, lat, 17);
        var (x, y) = await ToScreen(page, lon, lat);
        await page.Mouse.ClickAsync(x, y);
        await page.WaitForSelectorAsync("dd[data-field=unit]");
        //-- Whichever run of the stack the click found, the card shows that run's unit and floors.
        var code = (await page.InnerTextAsync("dd[data-field=code]")).Trim();
        var stored = await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{code}");
        var building = stored.GetProperty("building");
        Assert.Equal(building.GetProperty("unit").GetString(), await page.InnerTextAsync("dd[data-field=unit]"));
        Assert.Equal(building.GetProperty("id").GetString(), await page.InnerTextAsync("dd[data-field=building]"));
        Assert.StartsWith($"{building.GetProperty("floorFrom").GetInt32()}", await page.InnerTextAsync("dd[data-field=floors]"), StringComparison.Ordinal);
        Assert.StartsWith("单元", await page.InnerTextAsync("#card-fields dt:nth-last-of-type(1)"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), "viewer-card-unit.png") });
    }

    /// <summary>On a township of its own (<see cref="Redrawn"/>): the new version it publishes would
    /// change the units the other tests pick.</summary>
    [SkippableFact]
    public async Task RedrawInThePage_IsPreviewedPublished_AndTheMapDrawsTheNewBoundary()
    {
        Skip.If(_pages is null, "Debian's chromium is not installed");
        await SetUpAsync(Redrawn, 171, "重绘镇", 105.80, 27.35);
        var page = await Open(Redrawn);
        var unit = await Unit(2, Redrawn);
        await ZoomTo(page, unit.Lon, unit.Lat, 16);
        var (x, y) = await ToScreen(page, unit.Lon, unit.Lat);
        await page.Mouse.ClickAsync(x, y);
        await page.WaitForFunctionAsync("(code) => document.getElementById('card-title').textContent.includes(code)", unit.Code);

        //-- The unit's bounding box, drawn corner by corner: it takes in all its households and some land of its neighbours.
        var before = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Redrawn}");
        await page.FillAsync("#reason", "browser redraw");
        //-- The corners exactly where clicked: no snapping to the neighbours' borders.
        await page.UncheckAsync("#snap");
        await page.ClickAsync("#edit-redraw");
        var b = unit.Box;
        var corners = new List<(float X, float Y)>();
        foreach (var (lon, lat) in new[] { (b[0], b[3]), (b[2], b[3]), (b[2], b[1]), (b[0], b[1]) })
        {
            var p = await ToScreen(page, lon, lat);
            corners.Add(p);
            await page.Mouse.ClickAsync(p.X, p.Y);
            //-- Each click a corner of the draft before the next (Playwright's clicks are single clicks: no double click finishes early).
            await page.WaitForFunctionAsync("(n) => window.gridspatial.state.draft.length === n", corners.Count);
        }
        await page.ClickAsync("#draw-finish");
        await page.WaitForSelectorAsync("#preview:not([hidden])");
        Assert.Contains("将改变", await page.InnerTextAsync("#preview-summary"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), "viewer-preview.png") });
        await page.ClickAsync("#publish");
        try
        {
            await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.startsWith('已发布第')", null, new() { Timeout = 45_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"not published within 45 s; the page says: {await page.InnerTextAsync("#status")}");
        }

        var after = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Redrawn}");
        Assert.Equal(before.GetProperty("currentVersion").GetInt32() + 1, after.GetProperty("currentVersion").GetInt32());
        //-- The township list and the report follow the new version.
        var version = after.GetProperty("currentVersion").GetInt32();
        await page.WaitForFunctionAsync("(v) => document.getElementById('report-summary').textContent.startsWith(`第 ${v} 版`)", version);
        Assert.Contains($"第 {version} 版", await page.EvaluateAsync<string>("() => document.getElementById('township').selectedOptions[0].textContent"), StringComparison.Ordinal);
        //-- Near each drawn corner (just inside the box) the map now shows the edited unit, drawn from the new tiles.
        var (cx, cy) = (corners.Average(c => c.X), corners.Average(c => c.Y));
        foreach (var (px, py) in corners)
        {
            var code = await page.EvaluateAsync<string?>(
                "([x, y]) => { const m = window.gridspatial.map; const r = m.getContainer().getBoundingClientRect(); const f = m.queryRenderedFeatures([x - r.left, y - r.top], { layers: ['micro-fill'] })[0]; return f ? f.properties.code : null; }",
                new[] { px + (cx - px) * 0.08, py + (cy - py) * 0.08 });
            var lonLat = await page.EvaluateAsync<double[]>(
                "([x, y]) => { const m = window.gridspatial.map; const r = m.getContainer().getBoundingClientRect(); const p = m.unproject([x - r.left, y - r.top]); return [p.lng, p.lat]; }",
                new[] { px + (cx - px) * 0.08, py + (cy - py) * 0.08 });
            await using var cmd = db.Db.CreateCommand("SELECT string_agg(m.code, ',') FROM current_micro_grid m JOIN township_state s ON s.township_code = m.township_code WHERE ST_Contains(m.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))");
            cmd.Parameters.AddWithValue(lonLat[0]);
            cmd.Parameters.AddWithValue(lonLat[1]);
            var stored = await cmd.ExecuteScalarAsync();
            Assert.True(unit.Code == code, $"map shows {code}, database has {stored} at {lonLat[0]},{lonLat[1]}");
        }
        //-- The card follows: the unit holds every household inside the box now.
        await using var count = db.Db.CreateCommand("SELECT m.household_count FROM current_micro_grid m JOIN township_state s ON s.township_code = m.township_code WHERE m.code = $1");
        count.Parameters.AddWithValue(unit.Code);
        var households = (int)(await count.ExecuteScalarAsync())!;
        Assert.True(households >= unit.Households);
        Assert.Equal(households.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync("dd[data-field=households]"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), "viewer-redrawn.png") });
    }
}
