using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;
using Microsoft.Playwright;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Editing that shows what it does (issue #17, item 6), in a real Chromium: a split drawn
/// with snapping to an existing border, the proposed borders and the households that move drawn on
/// the map before publishing, published pinned so a later recompute leaves it as drawn; a border's
/// vertices dragged and the drag undone. Screenshots in TestResults/screenshots.</summary>
/// <remarks>The class's chromium and township are set up once (<see cref="ViewerClassFixture"/>). The
/// split publishes pinned pieces and a recompute; the vertex test publishes nothing. Each edits a unit
/// away from pinned ones (<see cref="UnitAsync"/>), so each edits a unit as the partitioner drew it,
/// in whatever order they run.</remarks>
[Collection(ViewerDatabaseFixture.Collection)]
public sealed class ViewerEditTests(ViewerDatabaseFixture db, ViewerClassFixture shared) : IAsyncLifetime, IClassFixture<ViewerClassFixture>
{
    private const string Code = "530627222";
    private readonly HttpClient _http = db.Client();
    private ViewerPages? _pages;

    public async Task InitializeAsync()
    {
        await shared.OnceAsync(db, () => Samples.PublishedAsync(_http, db.Db, new TownshipGenerator(222).Generate(Code, "编辑镇", 105.90, 27.60, 900),
            "villages", "buildings", "households", "barriers", "streets"));
        _pages = await ViewerPages.ForAsync(shared, db.Address);
    }

    public async Task DisposeAsync()
    {
        if (_pages is not null) await _pages.DisposeAsync();
    }

    private List<string> Outside => _pages?.Outside ?? [];

    private async Task<IPage> OpenAsync()
    {
        Skip.If(_pages is null, "Debian's chromium is not installed");
        return await _pages!.OpenAsync(Code, new BrowserNewPageOptions { ViewportSize = new() { Width = 1280, Height = 860 }, Locale = "zh-CN",
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Api-Key"] = db.AdminKey } });
    }

    /// <summary>The largest cluster micro-grid that neither is nor touches a pinned unit (the pieces the split test draws
    /// by hand and publishes pinned; a township as generated has none, so there it is the largest cluster), with its
    /// interior point, a vertex of its border shared with a neighbour, and its bounding box.</summary>
    private async Task<(string Code, double[] Inside, double[] Vertex, double[] Box)> UnitAsync()
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT m.code, ARRAY[ST_X(ST_PointOnSurface(m.geom)), ST_Y(ST_PointOnSurface(m.geom))],
                   (SELECT ARRAY[ST_X(p.geom), ST_Y(p.geom)] FROM ST_DumpPoints(ST_ExteriorRing(ST_GeometryN(m.geom, 1))) p
                     WHERE EXISTS (SELECT 1 FROM current_micro_grid n WHERE n.township_code = m.township_code AND n.code <> m.code AND ST_DWithin(n.geom, p.geom, 1e-9))
                     ORDER BY ST_X(p.geom) LIMIT 1),
                   ARRAY[ST_XMin(m.geom), ST_YMin(m.geom), ST_XMax(m.geom), ST_YMax(m.geom)]
            FROM current_micro_grid m WHERE m.township_code = $1 AND m.kind = 'cluster' AND m.household_count >= 8
              AND NOT EXISTS (SELECT 1 FROM current_micro_grid p WHERE p.township_code = m.township_code AND p.pinned AND ST_Intersects(p.geom, m.geom))
            ORDER BY m.household_count DESC, m.code LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetString(0), r.GetFieldValue<double[]>(1), r.GetFieldValue<double[]>(2), r.GetFieldValue<double[]>(3));
    }

    private static Task<double[][]> DraftAsync(IPage page) => page.EvaluateAsync<double[][]>("() => window.gridspatial.state.draft");

    private static async Task SelectAsync(IPage page, string code, double[] inside)
    {
        await ViewerBrowser.ZoomToAsync(page, inside[0], inside[1], 16);
        var (x, y) = await ViewerBrowser.ToScreenAsync(page, inside[0], inside[1]);
        await page.Mouse.ClickAsync(x, y);
        await page.WaitForFunctionAsync("(code) => document.getElementById('card-title').textContent.includes(code)", code);
    }

    [SkippableFact]
    public async Task SplitDrawnWithSnapping_IsShownOnTheMapBeforePublishing_PublishedPinned_AndKeptByARecompute()
    {
        var page = await OpenAsync();
        var unit = await UnitAsync();
        await SelectAsync(page, unit.Code, unit.Inside);
        await page.ClickAsync("#edit-split");

        //-- A click 2.5 px off a vertex of the unit's border lands on it.
        var (vx, vy) = await ViewerBrowser.ToScreenAsync(page, unit.Vertex[0], unit.Vertex[1]);
        await page.Mouse.ClickAsync(vx + 2, vy + 1.5f);
        await page.WaitForFunctionAsync("() => window.gridspatial.state.draft.length === 1");
        var first = (await DraftAsync(page))[0];
        double metres = Math.Sqrt(Math.Pow((first[0] - unit.Vertex[0]) * Math.Cos(unit.Vertex[1] * Math.PI / 180), 2) + Math.Pow(first[1] - unit.Vertex[1], 2)) * 111_320;
        Assert.True(metres < 0.5, $"the first point is {metres:F2} m from the border's vertex");

        //-- Through the unit and out the other side; a stray point is undone.
        var (ix, iy) = await ViewerBrowser.ToScreenAsync(page, unit.Inside[0], unit.Inside[1]);
        await page.Mouse.ClickAsync(ix, iy);
        await page.WaitForFunctionAsync("() => window.gridspatial.state.draft.length === 2");
        await page.Mouse.ClickAsync(ix + 5, iy + 60);
        await page.WaitForFunctionAsync("() => window.gridspatial.state.draft.length === 3");
        await page.ClickAsync("#draw-undo");
        Assert.Equal(2, (await DraftAsync(page)).Length);
        var far = new[] { unit.Inside[0] + (unit.Inside[0] - unit.Vertex[0]) * 3, unit.Inside[1] + (unit.Inside[1] - unit.Vertex[1]) * 3 };
        var (fx, fy) = await ViewerBrowser.ToScreenAsync(page, far[0], far[1]);
        await page.Mouse.ClickAsync(fx, fy);
        await page.WaitForFunctionAsync("() => window.gridspatial.state.draft.length === 3");
        await page.ClickAsync("#draw-finish");
        await page.WaitForSelectorAsync("#preview:not([hidden])", new() { Timeout = 45_000 });

        //-- The proposed borders and the households that change micro-grid are on the map, and the list names the new unit.
        await ViewerBrowser.IdleAsync(page);
        //-- One feature per GeoJSON tile a unit touches: the codes once each.
        var proposed = (await page.EvaluateAsync<string[]>("() => window.gridspatial.map.querySourceFeatures('proposed').map(f => f.properties.code)")).Distinct().ToArray();
        Assert.Contains(unit.Code, proposed);
        Assert.True(proposed.Length >= 2, $"proposed: {string.Join(", ", proposed)}");
        Assert.True(await page.EvaluateAsync<int>("() => window.gridspatial.map.queryRenderedFeatures({ layers: ['proposed-line'] }).length") > 0);
        Assert.True(await page.EvaluateAsync<int>("() => window.gridspatial.map.queryRenderedFeatures({ layers: ['moved-households'] }).length") > 0);
        var listed = await page.Locator("#preview-changes li[data-code]").EvaluateAllAsync<string[]>("ls => ls.map(l => l.dataset.code)");
        Assert.Equal(proposed.Order(StringComparer.Ordinal), listed.Where(c => proposed.Contains(c)).Distinct().Order(StringComparer.Ordinal));
        await page.ScreenshotAsync(new() { Path = Path.Combine(ViewerBrowser.Screenshots(), "viewer-edit-preview.png") });

        var before = await Samples.CurrentVersionAsync(_http, Code);
        await page.ClickAsync("#publish");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.startsWith('已发布第')", null, new() { Timeout = 45_000 });
        Assert.Equal(before + 1, await Samples.CurrentVersionAsync(_http, Code));
        await page.WaitForFunctionAsync("() => window.gridspatial.map.querySourceFeatures('proposed').length === 0", null, new() { Timeout = 10_000 });
        //-- Both pieces are pinned (the default), and the new tiles draw the new piece.
        var pieces = proposed.Where(c => c.Length == 18).ToArray();
        var digests = new Dictionary<string, string>();
        foreach (var piece in pieces)
        {
            await using var cmd = db.Db.CreateCommand("SELECT pinned, ST_AsEWKT(geom) FROM current_micro_grid WHERE township_code = $1 AND code = $2");
            cmd.Parameters.AddWithValue(Code);
            cmd.Parameters.AddWithValue(piece);
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync(), $"{piece} is not current");
            Assert.True(r.GetBoolean(0), $"{piece} is not pinned");
            digests[piece] = r.GetString(1);
        }
        var added = pieces.Single(c => c != unit.Code);
        await ViewerBrowser.IdleAsync(page);
        Assert.True(await page.EvaluateAsync<int>("(c) => window.gridspatial.map.querySourceFeatures('micro_grids', { sourceLayer: 'micro_grids', filter: ['==', ['get', 'code'], c] }).length", added) > 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ViewerBrowser.Screenshots(), "viewer-edit-published.png") });

        //-- A recompute run elsewhere (forced, through the API) leaves the drawn pieces as drawn (DESIGN §5: symmetric difference under 1 m²).
        await Samples.PartitionAsync(_http, db.Db, Code, force: true);
        foreach (var (piece, drawn) in digests)
        {
            await using var cmd = db.Db.CreateCommand("SELECT ST_Area(ST_SymDifference(geom, ST_GeomFromEWKT($3))::geography) FROM current_micro_grid WHERE township_code = $1 AND code = $2");
            cmd.Parameters.AddWithValue(Code);
            cmd.Parameters.AddWithValue(piece);
            cmd.Parameters.AddWithValue(drawn);
            var moved = (double?)await cmd.ExecuteScalarAsync();
            Assert.True(moved is < 1.0, $"{piece} moved by {moved} m² after the recompute");
        }
        Assert.Empty(Outside);
    }

    [SkippableFact]
    public async Task BorderVertices_DraggedAndUndone_ThenPreviewedAndDiscarded_LeaveNothingPublished()
    {
        var page = await OpenAsync();
        var unit = await UnitAsync();
        await SelectAsync(page, unit.Code, unit.Inside);
        await page.ClickAsync("#edit-vertices");
        var ring = await DraftAsync(page);
        Assert.True(ring.Length >= 3, $"{ring.Length} vertices");
        //-- The vertex nearest the unit's inside point's west, dragged 25 px further in; then undone.
        var (x0, y0) = await ViewerBrowser.ToScreenAsync(page, ring[0][0], ring[0][1]);
        var (ix, iy) = await ViewerBrowser.ToScreenAsync(page, unit.Inside[0], unit.Inside[1]);
        var (dx, dy) = ((ix - x0) / 4, (iy - y0) / 4);
        await page.Mouse.MoveAsync(x0, y0);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x0 + dx / 2, y0 + dy / 2, new() { Steps = 3 });
        await page.Mouse.MoveAsync(x0 + dx, y0 + dy, new() { Steps = 3 });
        await page.Mouse.UpAsync();
        var moved = (await DraftAsync(page))[0];
        Assert.NotEqual(ring[0], moved);
        await page.ClickAsync("#draw-undo");
        Assert.Equal(ring[0], (await DraftAsync(page))[0]);

        //-- Dragged again and previewed: the unit is drawn reshaped; discarding clears the map and publishes nothing.
        await page.Mouse.MoveAsync(x0, y0);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x0 + dx, y0 + dy, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        var version = await Samples.CurrentVersionAsync(_http, Code);
        await page.UncheckAsync("#keep-pinned");
        await page.ClickAsync("#draw-finish");
        await page.WaitForSelectorAsync("#preview:not([hidden])", new() { Timeout = 45_000 });
        await ViewerBrowser.IdleAsync(page);
        Assert.Contains(unit.Code, await page.EvaluateAsync<string[]>("() => window.gridspatial.map.querySourceFeatures('proposed').map(f => f.properties.code)"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(ViewerBrowser.Screenshots(), "viewer-edit-vertices.png") });
        await page.ClickAsync("#discard");
        await page.WaitForFunctionAsync("() => window.gridspatial.map.querySourceFeatures('proposed').length === 0", null, new() { Timeout = 10_000 });
        Assert.Equal(version, await Samples.CurrentVersionAsync(_http, Code));
        Assert.Empty(Outside);
    }
}
