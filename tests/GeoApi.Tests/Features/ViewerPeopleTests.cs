using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;
using Microsoft.Playwright;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The viewer's versions, people and area tool in a real Chromium: a past version restored
/// through the page (恢复此版本, confirmed) becomes the new current version; a key with the
/// <c>people</c> permission sees a grid worker's name and phone on the card and the review list, a
/// viewer key without it sees the role only; a polygon drawn with the area tool lists the
/// micro-grids inside (each opening its card) and its evacuation list downloads as CSV and XLSX.</summary>
/// <remarks>The class's chromium and township are set up once (<see cref="ViewerClassFixture"/>). The
/// restore publishes two versions, the second with the first version's units and codes again, and the
/// others pick their unit in whatever version is current: each holds in any order.</remarks>
[Collection(ViewerDatabaseFixture.Collection)]
public sealed class ViewerPeopleTests(ViewerDatabaseFixture db, ViewerClassFixture shared) : IAsyncLifetime, IClassFixture<ViewerClassFixture>
{
    private const string Code = "530627242";
    private readonly HttpClient _http = db.Client();
    private ViewerPages? _pages;

    public async Task InitializeAsync()
    {
        await shared.OnceAsync(db, () => Samples.PublishedAsync(_http, db.Db, new TownshipGenerator(242).Generate(Code, "人员图镇", 105.70, 27.90, 500),
            "villages", "buildings", "households", "barriers", "streets"));
        _pages = await ViewerPages.ForAsync(shared, db.Address);
    }

    public async Task DisposeAsync()
    {
        if (_pages is not null) await _pages.DisposeAsync();
    }

    private Task<IPage> OpenAsync(string key)
    {
        Skip.If(_pages is null, "Debian's chromium is not installed");
        return _pages!.OpenAsync(Code, key);
    }

    private async Task<T> Scalar<T>(string sql, params object[] args)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private Task<string> KeyAsync(string role, bool people) => ViewerPages.KeyAsync(_http, role, Code, people);

    /// <summary>The largest cluster micro-grid: its code, interior point and bounding box.</summary>
    private async Task<(string Code, double[] Inside, double[] Box)> ClusterAsync()
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT m.code, ARRAY[ST_X(ST_PointOnSurface(m.geom)), ST_Y(ST_PointOnSurface(m.geom))], ARRAY[ST_XMin(m.geom), ST_YMin(m.geom), ST_XMax(m.geom), ST_YMax(m.geom)]
            FROM current_micro_grid m WHERE m.township_code = $1 AND m.kind = 'cluster' ORDER BY m.household_count DESC, m.code LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetString(0), r.GetFieldValue<double[]>(1), r.GetFieldValue<double[]>(2));
    }

    [SkippableFact]
    public async Task RestoreOfAPastVersion_ThroughThePage_PublishesItAsTheNewCurrentVersion()
    {
        Skip.If(_pages is null, "Debian's chromium is not installed");
        await Samples.RedrawAsync(_http, db.Db, Code);
        var edited = await Samples.CurrentVersionAsync(_http, Code);
        var page = await OpenAsync(db.AdminKey);
        await page.WaitForSelectorAsync($"#version-list li[data-version='{edited}'] strong");
        string? asked = null;
        page.Dialog += async (_, dialog) => { asked = dialog.Message; await dialog.AcceptAsync(); };
        await page.ClickAsync("#version-list button.restore[data-version='1']");
        await page.WaitForSelectorAsync($"#version-list li[data-version='{edited + 1}'] strong", new() { Timeout = 60_000 });
        Assert.Contains("第 1 版", asked, StringComparison.Ordinal);
        Assert.Contains("已将第 1 版恢复为", await page.TextContentAsync("#status"), StringComparison.Ordinal);
        Assert.Equal(edited + 1, await Samples.CurrentVersionAsync(_http, Code));
        //-- Every micro-grid of version 1 is back with its code and territory.
        Assert.Equal(0L, await Scalar<long>("""
            SELECT count(*) FROM micro_grid_at($1, 1) x LEFT JOIN micro_grid_at($1, $2) y ON y.code = x.code
            WHERE y.code IS NULL OR ST_Area(ST_SymDifference(x.geom, y.geom)) > 1e-9 * ST_Area(x.geom)
            """, Code, edited + 1));
        await page.ScreenshotAsync(new() { Path = Path.Combine(ViewerBrowser.Screenshots(), "viewer-restore-zh.png") });
        Assert.Empty(_pages!.Outside);
    }

    [SkippableFact]
    public async Task Card_ShowsTheGridWorkersName_ToAPeopleKeyOnly_AndAViewerWithoutItSeesTheRole()
    {
        Skip.If(_pages is null, "Debian's chromium is not installed");
        var unit = await ClusterAsync();
        var created = await _http.PostAsJsonAsync("/api/people", new { name = "王网格", role = "full_time", phone = "13800002222", organisation = "人员图镇综治中心", jurisdiction = Code });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var person = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Created, (await _http.PostAsJsonAsync($"/api/codes/{unit.Code}/people", new { personId = person, validFrom = "2026-01-01" })).StatusCode);

        var allowed = await OpenAsync(await KeyAsync("viewer", people: true));
        await allowed.EvaluateAsync("(code) => window.gridspatial.select(code)", unit.Code);
        var seen = await allowed.TextContentAsync("#card-people-list");
        Assert.Contains("王网格", seen, StringComparison.Ordinal);
        Assert.Contains("13800002222", seen, StringComparison.Ordinal);
        Assert.Contains("网格", await allowed.TextContentAsync("#card-people-list [data-field='name']"), StringComparison.Ordinal);
        //-- The review list: units nobody answers for, the assigned one not among them.
        await allowed.ClickAsync("#review-load");
        await allowed.WaitForSelectorAsync("#review-unassigned li");
        var unassigned = await allowed.EvalOnSelectorAllAsync<string[]>("#review-unassigned button", "bs => bs.map(b => b.dataset.code)");
        Assert.NotEmpty(unassigned);
        Assert.DoesNotContain(unit.Code, unassigned);
        Assert.Empty(await allowed.QuerySelectorAllAsync("#version-list button.restore"));
        await allowed.ScreenshotAsync(new() { Path = Path.Combine(ViewerBrowser.Screenshots(), "viewer-people-card-zh.png") });

        var viewer = await OpenAsync(await KeyAsync("viewer", people: false));
        await viewer.EvaluateAsync("(code) => window.gridspatial.select(code)", unit.Code);
        var shown = await viewer.TextContentAsync("#card-people-list");
        Assert.Contains("专职网格员（1 人）", shown, StringComparison.Ordinal);
        var page = await viewer.ContentAsync();
        Assert.DoesNotContain("王网格", page, StringComparison.Ordinal);
        Assert.DoesNotContain("13800002222", page, StringComparison.Ordinal);
        Assert.Null(await viewer.QuerySelectorAsync("#review"));
        Assert.Empty(_pages!.Outside);
    }

    [SkippableFact]
    public async Task AreaDrawnOnTheMap_ListsTheMicroGridsInside_AndItsEvacuationListDownloads()
    {
        Skip.If(_pages is null, "Debian's chromium is not installed");
        var unit = await ClusterAsync();
        var page = await OpenAsync(db.AdminKey);
        await ViewerBrowser.ZoomToAsync(page, unit.Inside[0], unit.Inside[1], 16);
        await page.ClickAsync("#area-draw");
        //-- A box a little inside the unit's bounding box, corner by corner.
        var (w, s, e, n) = (unit.Box[0], unit.Box[1], unit.Box[2], unit.Box[3]);
        var (dx, dy) = ((e - w) * 0.1, (n - s) * 0.1);
        var corners = new[] { (w + dx, s + dy), (e - dx, s + dy), (e - dx, n - dy), (w + dx, n - dy) };
        for (int i = 0; i < corners.Length; i++)
        {
            var (x, y) = await ViewerBrowser.ToScreenAsync(page, corners[i].Item1, corners[i].Item2);
            await page.Mouse.ClickAsync(x, y);
            //-- Each click a corner of the draft before the next (Playwright's clicks are single clicks: no double click finishes early).
            await page.WaitForFunctionAsync("(n) => window.gridspatial.state.draft.length === n", i + 1);
        }
        var drawn = await page.EvaluateAsync<double[][]>("() => window.gridspatial.state.draft");
        Assert.Equal(4, drawn.Length);
        await page.ClickAsync("#area-finish");
        await page.WaitForSelectorAsync("#area-result:not([hidden]) #area-list li");
        var listed = await page.EvalOnSelectorAllAsync<string[]>("#area-list li", "ls => ls.map(l => l.dataset.code)");
        Assert.Contains(unit.Code, listed);
        //-- Exactly the micro-grids whose land the drawn polygon overlaps, as PostGIS finds them.
        var ring = string.Join(",", drawn.Append(drawn[0]).Select(p => FormattableString.Invariant($"{p[0]} {p[1]}")));
        var expected = await Scalar<string[]>("""
            SELECT coalesce(array_agg(code::text ORDER BY code), '{}') FROM current_micro_grid
            WHERE township_code = $1 AND ST_Intersects(geom, ST_GeomFromText($2, 4326)) AND ST_Area(ST_Intersection(geom, ST_GeomFromText($2, 4326))) > 0
            """, Code, $"POLYGON(({ring}))");
        Assert.Equal(expected.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Contains("区域内", await page.TextContentAsync("#area-summary"), StringComparison.Ordinal);
        await page.ClickAsync($"#area-list li[data-code='{unit.Code}'] button");
        await page.WaitForFunctionAsync("(code) => document.getElementById('card-title').textContent.includes(code)", unit.Code);

        var csv = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#area-csv"));
        Assert.Equal("area.csv", csv.SuggestedFilename);
        Assert.Contains(unit.Code, await File.ReadAllTextAsync((await csv.PathAsync())!), StringComparison.Ordinal);
        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#area-xlsx"));
        Assert.Equal("area.xlsx", xlsx.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await xlsx.PathAsync())!);
        Assert.Equal("PK"u8.ToArray(), bytes[..2]);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ViewerBrowser.Screenshots(), "viewer-area-zh.png") });
        Assert.Empty(_pages!.Outside);
    }
}
