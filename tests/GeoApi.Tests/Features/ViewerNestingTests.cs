using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.GeoApi.Tests.Features.Layers;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The township's nesting in the viewer's layers panel (多网合一, issue #19), in a real
/// Chromium: an editor whose jurisdiction is the township sees that it nests in nothing, chooses the
/// departmental layer and the level, and the page saves it, asks for a recompute and says when the
/// new version is in — whose grids nest, with what it cost against no nesting; a viewer key sees the state without the controls; the editor
/// clears it again (confirmed) and the next version nests in nothing.</summary>
[Collection(ViewerDatabaseFixture.Collection)]
public sealed class ViewerNestingTests(ViewerDatabaseFixture db, ViewerClassFixture shared) : IAsyncLifetime, IClassFixture<ViewerClassFixture>
{
    private const string Code = "530627284";
    private readonly HttpClient _http = db.Client();
    private ViewerPages? _pages;

    public async Task InitializeAsync()
    {
        if (await Scalar<long>("SELECT count(*) FROM township_state WHERE township_code = $1 AND current_version IS NOT NULL") == 0)
        {
            var township = new TownshipGenerator(284).Generate(Code, "嵌套图镇", 111.80, 29.80, 700, urbanShare: 0);
            await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers", "streets");
            await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        }
        using (var r = await _http.PostAsync(new Uri($"/api/townships/{Code}/layers/squares?title={Uri.EscapeDataString("城管方格")}", UriKind.Relative),
                   Samples.Json(await LayerSquares.OfAsync(db.Db, Code, 2))))
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        //-- A database kept from an earlier run may hold this test's nesting: it starts from none.
        if ((await NestingAsync()).GetProperty("layer").GetString() is not null)
        {
            using (var r = await _http.DeleteAsync(new Uri($"/api/townships/{Code}/nesting", UriKind.Relative))) r.EnsureSuccessStatusCode();
            await Samples.PartitionAsync(_http, db.Db, Code, force: false);
            await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(120), Code);
        }
        _pages = await ViewerPages.ForAsync(shared, db.Address);
    }

    public async Task DisposeAsync()
    {
        if (_pages is not null) await _pages.DisposeAsync();
    }

    [SkippableFact]
    public async Task LayersPanel_AnEditorSetsAndClearsTheNesting_EachRecomputedVersionFollows_AViewerSeesTheStateOnly()
    {
        Skip.If(_pages is null, "Debian's chromium is not installed");
        Assert.Null((await NestingAsync()).GetProperty("layer").GetString());
        int before = await Samples.CurrentVersionAsync(_http, Code);

        var editor = await _pages.OpenAsync(Code, await ViewerPages.KeyAsync(_http, "editor", Code));
        await editor.WaitForSelectorAsync("#nesting:not([hidden]) #nesting-form:not([hidden])");
        Assert.Contains("未设置嵌套", await editor.TextContentAsync("#nesting-state"), StringComparison.Ordinal);
        await editor.SelectOptionAsync("#nesting-layer", "squares");
        await editor.SelectOptionAsync("#nesting-level", "grid");
        await editor.ClickAsync("#nesting-set");
        await RecomputedAsync(editor);
        Assert.Equal(("squares", "grid"), ((await NestingAsync()).GetProperty("layer").GetString(), (await NestingAsync()).GetProperty("level").GetString()));
        Assert.True(await Samples.CurrentVersionAsync(_http, Code) > before, "no version was published after the nesting was set");
        var report = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/report");
        Assert.Equal(("grid", 1.0), (report.GetProperty("nesting").GetProperty("level").GetString(), report.GetProperty("nesting").GetProperty("grids_nested_share").GetDouble()));
        await editor.WaitForFunctionAsync("() => document.getElementById('nesting-state').textContent.includes('城管方格')");
        Assert.Contains("网格嵌套在", await editor.TextContentAsync("#nesting-state"), StringComparison.Ordinal);
        //-- What it cost against no nesting, from the report's nesting.cost: the grids' difference as the report has it.
        await editor.WaitForSelectorAsync("#nesting-cost:not([hidden])");
        int grids = report.GetProperty("nesting").GetProperty("cost").GetProperty("difference").GetProperty("grids").GetInt32();
        Assert.Contains($"网格 {(grids > 0 ? "+" : grids < 0 ? "−" : "±")}{Math.Abs(grids)} 个", await editor.TextContentAsync("#nesting-cost"), StringComparison.Ordinal);
        await editor.ScreenshotAsync(new() { Path = Path.Combine(ViewerBrowser.Screenshots(), "viewer-nesting-zh.png") });

        var viewer = await _pages.OpenAsync(Code, await ViewerPages.KeyAsync(_http, "viewer", Code));
        await viewer.WaitForSelectorAsync("#nesting:not([hidden])");
        Assert.Contains("城管方格", await viewer.TextContentAsync("#nesting-state"), StringComparison.Ordinal);
        Assert.True(await viewer.IsHiddenAsync("#nesting-form"), "a viewer key is offered the nesting controls");

        string? asked = null;
        editor.Dialog += async (_, dialog) => { asked = dialog.Message; await dialog.AcceptAsync(); };
        int nested = await Samples.CurrentVersionAsync(_http, Code);
        await editor.ClickAsync("#nesting-clear");
        await RecomputedAsync(editor);
        Assert.Contains("取消嵌套", asked, StringComparison.Ordinal);
        Assert.Null((await NestingAsync()).GetProperty("layer").GetString());
        Assert.True(await Samples.CurrentVersionAsync(_http, Code) > nested, "no version was published after the nesting was cleared");
        var after = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/report");
        Assert.False(after.TryGetProperty("nesting", out var n) && n.ValueKind == JsonValueKind.Object, "the version after clearing still nests");
        Assert.Contains("未设置嵌套", await editor.TextContentAsync("#nesting-state"), StringComparison.Ordinal);
        Assert.Empty(_pages.Outside);
    }

    /// <summary>Waits until the page says its recompute is in, then until the township has settled.</summary>
    private async Task RecomputedAsync(Microsoft.Playwright.IPage page)
    {
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.includes('已按新的嵌套设置重算完成')", null, new() { Timeout = 120_000 });
        await page.EvaluateAsync("() => { document.getElementById('status').textContent = ''; }");
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(120), Code);
    }

    private async Task<JsonElement> NestingAsync() => await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/nesting");

    private async Task<T> Scalar<T>(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
