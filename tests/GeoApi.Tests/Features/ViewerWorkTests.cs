using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The viewer as grid staff work in it (issue #17): Chinese first with an English switch,
/// labels drawn on the map, search by code and name, the floors of a building on its card, a
/// viewer key signed in through the form seeing no edit controls, and a phone-sized screen.
/// Screenshots at township, village and building zoom, in Chinese and English, are kept in
/// TestResults/screenshots. Every page asserts that no request left loopback.</summary>
public sealed partial class ViewerTests
{
    private static readonly string[] EnglishUiWords = ["Redraw", "Split", "Merge", "Publish", "Households", "Report", "Find", "Township", "Micro-grid", "Sign"];

    private static async Task<int> Rendered(IPage page, string layer) =>
        await page.EvaluateAsync<int>("(l) => window.gridspatial.map.queryRenderedFeatures({ layers: [l] }).length", layer);

    /// <summary>A village of the test township with its name and interior point.</summary>
    private async Task<(string Code, string Name, double Lon, double Lat)> Village()
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT v.code, v.name, ST_X(ST_PointOnSurface(v.geom)), ST_Y(ST_PointOnSurface(v.geom)) FROM village v
            WHERE v.township_code = $1 AND EXISTS (SELECT 1 FROM current_grid g WHERE g.village_code = v.code) ORDER BY v.code LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetDouble(3));
    }

    /// <summary>A building split into floor micro-grids: its id, interior point and the codes of its floor runs.</summary>
    private async Task<(string Building, double Lon, double Lat, string[] Codes)> Tower()
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT m.building_id, ST_X(ST_PointOnSurface((array_agg(m.geom))[1])), ST_Y(ST_PointOnSurface((array_agg(m.geom))[1])), array_agg(m.code::text ORDER BY m.code)
            FROM current_micro_grid m WHERE m.township_code = $1 AND m.kind = 'floor'
            GROUP BY m.building_id HAVING count(*) >= 3 ORDER BY count(*) DESC, m.building_id LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "the generated township has no building split into three or more floor runs");
        return (r.GetString(0), r.GetDouble(1), r.GetDouble(2), r.GetFieldValue<string[]>(3));
    }

    [SkippableFact]
    public async Task Page_InChinese_ShowsChineseTextsLabelsAtEveryZoom_AndNoEnglishUiWords()
    {
        var village = await Village();
        var tower = await Tower();
        foreach (var locale in new[] { "zh-CN", "en-US" })
        {
            var page = await Open(locale: locale);
            var tag = locale[..2];
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), $"viewer-{tag}-township.png") });
            Assert.True(await Rendered(page, "village-label") + await Rendered(page, "grid-label") > 0, "no village or grid label at township zoom");
            //-- The map's labels are codes and names, the same in either language: zoomed through once, in Chinese.
            if (tag == "zh")
            {
                await ZoomTo(page, village.Lon, village.Lat, 14);
                await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), $"viewer-{tag}-village.png") });
                Assert.True(await Rendered(page, "grid-label") > 0, "no grid label at village zoom");
                await ZoomTo(page, tower.Lon, tower.Lat, 17);
                await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), $"viewer-{tag}-building.png") });
                var labels = await page.EvaluateAsync<string[]>("() => window.gridspatial.map.queryRenderedFeatures({ layers: ['micro-label'] }).map(f => f.properties.code)");
                Assert.True(labels.Length > 3, $"{labels.Length} micro-grid labels at building zoom");
                //-- One label per unit (the service's label points), not one per tile piece.
                Assert.Equal(labels.Length, labels.Distinct().Count());
            }

            var text = await page.InnerTextAsync("body");
            if (tag == "zh")
            {
                Assert.Equal("zh-CN", await page.GetAttributeAsync("html", "lang"));
                Assert.Equal("查找", (await page.InnerTextAsync("#search-go")).Trim());
                Assert.Contains("户数适中", text, StringComparison.Ordinal);
                Assert.Contains("质量报告", text, StringComparison.Ordinal);
                foreach (var word in EnglishUiWords) Assert.DoesNotContain(word, text, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal("Find", (await page.InnerTextAsync("#search-go")).Trim());
                Assert.Contains("on target", text, StringComparison.Ordinal);
                //-- The switch is remembered: after a reload the page stays Chinese.
                await page.ClickAsync("#lang");
                Assert.Equal("查找", (await page.InnerTextAsync("#search-go")).Trim());
                await page.ReloadAsync();
                await Ready(page);
                Assert.Equal("查找", (await page.InnerTextAsync("#search-go")).Trim());
            }
        }
        Assert.Empty(Outside);
    }

    [SkippableFact]
    public async Task Search_ByVillageCodeAndByName_FindsTheVillage_AndListsSeveralMatches()
    {
        var village = await Village();
        var page = await Open();
        await page.FillAsync("#search", village.Code);
        await page.PressAsync("#search", "Enter");
        await page.WaitForFunctionAsync("(code) => document.getElementById('card-title').textContent.includes(code)", village.Code);
        Assert.StartsWith("村/社区", await page.InnerTextAsync("#card-title"), StringComparison.Ordinal);

        await page.EvaluateAsync("() => { document.getElementById('status').textContent = ''; document.getElementById('card').hidden = true; }");
        await page.FillAsync("#search", village.Name);
        await page.ClickAsync("#search-go");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.includes('已找到')");
        Assert.Contains(village.Code, await page.InnerTextAsync("#card-title"), StringComparison.Ordinal);

        //-- Every village of the township has 村 or 社区 in its name: a list to choose from.
        await using var count = db.Db.CreateCommand("SELECT count(*) FROM village WHERE township_code = $1 AND name LIKE '%村%'");
        count.Parameters.AddWithValue(Code);
        var villages = (long)(await count.ExecuteScalarAsync())!;
        Skip.If(villages < 2, "the generated township has fewer than two villages named 村");
        await page.FillAsync("#search", "村");
        await page.ClickAsync("#search-go");
        await page.WaitForSelectorAsync("#search-results button[data-kind=village]");
        Assert.True(await page.Locator("#search-results button[data-kind=village]").CountAsync() >= Math.Min(villages, 20));
        await page.Locator("#search-results button[data-kind=village]").Nth(1).ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('search-results').children.length === 0");
        Assert.StartsWith("村/社区", await page.InnerTextAsync("#card-title"), StringComparison.Ordinal);

        await page.FillAsync("#search", "没有这个村");
        await page.ClickAsync("#search-go");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.includes('没有找到')");
        Assert.Empty(Outside);
    }

    [SkippableFact]
    public async Task ClickOnATower_ListsItsStackedFloorsOnTheCard_EachSelectable()
    {
        var tower = await Tower();
        var page = await Open();
        await ZoomTo(page, tower.Lon, tower.Lat, 17);
        var (x, y) = await ToScreen(page, tower.Lon, tower.Lat);
        await page.Mouse.ClickAsync(x, y);
        await page.WaitForSelectorAsync("#card-stack:not([hidden])");
        var listed = await page.Locator("#card-floors button").EvaluateAllAsync<string[]>("bs => bs.map(b => b.dataset.code)");
        Assert.Equal(tower.Codes.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Contains("层", await page.InnerTextAsync("#card-floors"), StringComparison.Ordinal);

        var shown = (await page.InnerTextAsync("dd[data-field=code]")).Trim();
        Assert.Equal("true", await page.GetAttributeAsync($"#card-floors button[data-code='{shown}']", "aria-current"));
        var other = tower.Codes.First(c => c != shown);
        await page.ClickAsync($"#card-floors button[data-code='{other}']");
        await page.WaitForFunctionAsync("(code) => document.querySelector('dd[data-field=code]').textContent === code", other);
        Assert.Equal("true", await page.GetAttributeAsync($"#card-floors button[data-code='{other}']", "aria-current"));
        var stored = await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{other}");
        Assert.StartsWith(stored.GetProperty("building").GetProperty("floorFrom").GetInt32().ToString(CultureInfo.InvariantCulture),
            await page.InnerTextAsync("dd[data-field=floors]"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), "viewer-zh-floors.png") });
        Assert.Empty(Outside);
    }

    [SkippableFact]
    public async Task ViewerKey_SignsInWithTheForm_SeesNoEditControls_AndTheKeyLeavesTheUrl()
    {
        var created = await _http.PostAsJsonAsync("/api/keys", new { name = $"viewer-page-{Guid.NewGuid():N}", role = "viewer", jurisdiction = Code });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var unit = await Unit(1);
        var page = await NewPage(key: null);
        await page.GotoAsync($"{db.Address}/?township={Code}");
        await page.WaitForSelectorAsync("#login:not([hidden])");
        Assert.Contains("API 密钥", await page.InnerTextAsync("#login"), StringComparison.Ordinal);
        await page.FillAsync("#login-key", "gs_not_a_key_at_all_000000");
        await page.ClickAsync("#login-go");
        await page.WaitForFunctionAsync("() => document.getElementById('login-error').textContent.includes('无效')");
        await page.FillAsync("#login-key", key);
        await page.ClickAsync("#login-go");
        await Ready(page);

        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "gridspatial_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(key, await page.EvaluateAsync<string>("() => location.href + JSON.stringify(localStorage)"), StringComparison.Ordinal);
        Assert.Contains("查看", await page.InnerTextAsync("#who"), StringComparison.Ordinal);

        await ZoomTo(page, unit.Lon, unit.Lat, 16);
        var (x, y) = await ToScreen(page, unit.Lon, unit.Lat);
        await page.Mouse.ClickAsync(x, y);
        await page.WaitForFunctionAsync("(code) => document.getElementById('card-title').textContent.includes(code)", unit.Code);
        Assert.Equal(0, await page.Locator("#card-edit, #edit-redraw, #edit-split, #edit-merge, #edit-pin, #publish").CountAsync());
        Assert.DoesNotContain("编辑", await page.InnerTextAsync("#card"), StringComparison.Ordinal);

        await page.ClickAsync("#logout");
        await page.WaitForSelectorAsync("#login:not([hidden])");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "gridspatial_session");

        //-- A key brought once in the address is traded for a session and leaves the address bar.
        await page.GotoAsync($"{db.Address}/?key={Uri.EscapeDataString(key)}&township={Code}");
        await Ready(page);
        Assert.DoesNotContain(key, await page.EvaluateAsync<string>("() => location.href"), StringComparison.Ordinal);
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "gridspatial_session");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Value.Contains(key, StringComparison.Ordinal));
        Assert.Empty(Outside);
    }

    [SkippableFact]
    public async Task Phone_390x844_MapFillsTheScreen_LocateMeOpensTheMicroGridStoodIn()
    {
        var unit = await Unit(3);
        var page = await Open(width: 390, height: 844, more: new()
        {
            IsMobile = true, HasTouch = true, Permissions = ["geolocation"],
            Geolocation = new() { Longitude = (float)unit.Lon, Latitude = (float)unit.Lat },
        });
        var share = await page.EvaluateAsync<double>("""
            () => { const m = document.getElementById('map').getBoundingClientRect(); const p = document.getElementById('panel').getBoundingClientRect();
                    const visible = m.width * m.height - Math.max(0, Math.min(m.bottom, p.bottom) - Math.max(m.top, p.top)) * m.width;
                    return visible / (innerWidth * innerHeight); }
            """);
        Assert.True(share >= 0.6, $"the map shows on {share:P0} of the screen");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), "viewer-zh-phone.png") });

        await page.TapAsync("#locate");
        await page.WaitForFunctionAsync("(code) => document.getElementById('card-title').textContent.includes(code)", unit.Code, new() { Timeout = 30_000 });
        Assert.True(await page.IsVisibleAsync("#card-title"));
        Assert.Contains(unit.Code, await page.InnerTextAsync("#status"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots(), "viewer-zh-phone-card.png") });
        Assert.Empty(Outside);
    }

    [SkippableFact]
    public async Task SplitRefusedByTheApi_IsExplainedInChinese_WithTheApisWordsInTheDetails()
    {
        var unit = await Unit(4);
        var page = await Open();
        await ZoomTo(page, unit.Lon, unit.Lat, 16);
        var (x, y) = await ToScreen(page, unit.Lon, unit.Lat);
        await page.Mouse.ClickAsync(x, y);
        await page.WaitForFunctionAsync("(code) => document.getElementById('card-title').textContent.includes(code)", unit.Code);
        //-- A line of two points a few pixels apart inside the unit: it cuts nothing, the API answers 422.
        await page.ClickAsync("#edit-split");
        await page.Mouse.ClickAsync(x - 3, y);
        await page.WaitForFunctionAsync("() => window.gridspatial.state.draft.length === 1");
        await page.Mouse.ClickAsync(x + 3, y);
        await page.WaitForFunctionAsync("() => window.gridspatial.state.draft.length === 2");
        await page.ClickAsync("#draw-finish");
        await page.WaitForSelectorAsync("#status[data-status='422']");
        Assert.Equal("修改未通过校验，请调整后重试。", await page.InnerTextAsync("#status > span"));
        Assert.Contains("does not cut", await page.TextContentAsync("#status details code") ?? "", StringComparison.Ordinal);
        Assert.True(await page.IsHiddenAsync("#preview"));
        Assert.Empty(Outside);
    }
}
