using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;
using SkiaSharp;

namespace GridSpatial.GeoApi.Tests.Features.NoticeMaps;

/// <summary>Notice maps (网格公示图) read by poppler, the way a print shop or a browser's PDF
/// viewer reads them: one page per grid, the grid's code, name and 网格员 section as real text,
/// the coverage colours on the rastered page, the paper's size and aspect ratio; bad parameters
/// and keys outside the jurisdiction are refused like every other read.</summary>
[Collection("db")]
public sealed class NoticeMapTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627174";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        if (await ScalarAsync<long>("SELECT count(*) FROM township_state WHERE township_code = $1 AND current_version IS NOT NULL") > 0) return;
        var township = new TownshipGenerator(174).Generate(Code, "公示镇", 107.30, 25.20, 2400);
        await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers", "streets");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Screenshots()
    {
        var dir = Path.Combine(Samples.Root(), "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public async Task GridPdf_OneGrid_IsOnePageWithItsCodeNameAndPeopleSection()
    {
        var (grid, name) = await FirstGridAsync();
        var pdf = await GetAsync($"/api/codes/{grid}/notice-map.pdf", "application/pdf");

        Assert.Equal(1, await Poppler.PagesAsync(pdf));
        var text = await Poppler.TextAsync(pdf);
        Assert.Contains(grid, text, StringComparison.Ordinal);
        Assert.Contains(name, text, StringComparison.Ordinal);
        Assert.Contains("网格员", text, StringComparison.Ordinal);
        Assert.Contains("未登记", text, StringComparison.Ordinal);
        Assert.Contains("GridSpatial", text, StringComparison.Ordinal);
        Assert.Contains($"版本 {await Samples.CurrentVersionAsync(_http, Code)}", text, StringComparison.Ordinal);
        //-- Every micro-grid is labelled with its short code, or counted among those with no room (LabelPlacer).
        var missing = (await StringsAsync("SELECT code FROM current_micro_grid WHERE township_code = $1 AND grid_code = $2", grid))
            .Count(micro => !text.Contains(micro[^3..], StringComparison.Ordinal));
        if (missing > 0) Assert.Contains($"另有 {missing} 处因过密未标注", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GridPdf_RasteredPage_IsNotBlankAndShowsTheCoverageColours()
    {
        var (grid, _) = await FirstGridAsync();
        var png = await Poppler.FirstPagePngAsync(await GetAsync($"/api/codes/{grid}/notice-map.pdf", "application/pdf"), 50);
        using var page = SKBitmap.Decode(png);
        int ink = 0, coverage = 0;
        string[] colours = ["#f5c76b", "#7cc191", "#e57373"];
        var bands = colours.Select(SKColor.Parse).ToArray();
        for (int y = 0; y < page.Height; y++)
            for (int x = 0; x < page.Width; x++)
            {
                var c = page.GetPixel(x, y);
                if (c.Red < 245 || c.Green < 245 || c.Blue < 245) ink++;
                if (bands.Any(b => Math.Abs(b.Red - c.Red) <= 4 && Math.Abs(b.Green - c.Green) <= 4 && Math.Abs(b.Blue - c.Blue) <= 4)) coverage++;
            }
        int pixels = page.Width * page.Height;
        Assert.True(ink > pixels / 5, $"only {ink} of {pixels} pixels are not white");
        Assert.True(coverage > pixels / 50, $"only {coverage} of {pixels} pixels have a coverage colour ({string.Join(", ", colours)})");

        //-- The page kept for people to look at: the PNG endpoint's rendering of the same grid.
        await File.WriteAllBytesAsync(Path.Combine(Screenshots(), "notice-map-grid.png"), await GetAsync($"/api/codes/{grid}/notice-map.png", "image/png"));
    }

    [Theory]
    [InlineData("A4", "portrait", 210.0 / 297)]
    [InlineData("A4", "landscape", 297.0 / 210)]
    [InlineData("A3", "portrait", 297.0 / 420)]
    public async Task GridPng_OfAPaper_HasThePapersAspectRatio(string paper, string orientation, double ratio)
    {
        var (grid, _) = await FirstGridAsync();
        using var image = SKBitmap.Decode(await GetAsync($"/api/codes/{grid}/notice-map.png?paper={paper}&orientation={orientation}", "image/png"));
        Assert.InRange((double)image.Width / image.Height, ratio * 0.995, ratio * 1.005);
        Assert.InRange(image.Width * 25.4 / 150, (paper == "A3" ? 297 : orientation == "landscape" ? 297 : 210) - 1, (paper == "A3" ? 297 : orientation == "landscape" ? 297 : 210) + 1);
    }

    //-- Skia writes the page box in whole points: within a point of ISO 216, and poppler names the paper.
    [Theory]
    [InlineData("A3", "landscape", 1190.55, 841.89)]
    [InlineData("A3", "portrait", 841.89, 1190.55)]
    [InlineData("a4", "portrait", 595.28, 841.89)]
    public async Task GridPdf_OfAPaper_HasItsPageSizeInPoints(string paper, string orientation, double width, double height)
    {
        var (grid, _) = await FirstGridAsync();
        var info = await Poppler.InfoAsync(await GetAsync($"/api/codes/{grid}/notice-map.pdf?paper={paper}&orientation={orientation}", "application/pdf"));
        var size = System.Text.RegularExpressions.Regex.Match(info, @"Page size:\s+([0-9.]+) x ([0-9.]+) pts \((\w+)\)");
        Assert.True(size.Success, info);
        Assert.InRange(double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture), width - 1, width + 1);
        Assert.InRange(double.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture), height - 1, height + 1);
        Assert.Equal(paper.ToUpperInvariant(), size.Groups[3].Value);
    }

    [Fact]
    public async Task TownshipPdf_EveryGrid_OnePagePerGridInCodeOrder()
    {
        var grids = await StringsAsync("SELECT code FROM current_grid WHERE township_code = $1 ORDER BY code");
        Assert.True(grids.Count >= 3, $"the test township has only {grids.Count} grids");
        var clock = Stopwatch.StartNew();
        var pdf = await GetAsync($"/api/townships/{Code}/notice-maps.pdf", "application/pdf");
        clock.Stop();

        Assert.Equal(grids.Count, await Poppler.PagesAsync(pdf));
        for (int i = 0; i < grids.Count; i++)
            Assert.Contains(grids[i], await Poppler.TextAsync(pdf, i + 1), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{grids.Count} pages took {clock.Elapsed}");
    }

    [Fact]
    public async Task TownshipPdf_OneVillage_HasThatVillagesGridsOnly()
    {
        var village = (await StringsAsync("SELECT village_code FROM current_grid WHERE township_code = $1 GROUP BY village_code ORDER BY count(*) DESC, village_code LIMIT 1"))[0];
        var grids = await StringsAsync("SELECT code FROM current_grid WHERE township_code = $1 AND village_code = $2 ORDER BY code", village);
        var pdf = await GetAsync($"/api/townships/{Code}/notice-maps.pdf?village={village}", "application/pdf");

        Assert.Equal(grids.Count, await Poppler.PagesAsync(pdf));
        var text = await Poppler.TextAsync(pdf);
        Assert.All(grids, g => Assert.Contains(g, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task VillagePdf_OneVillage_IsOnePageWithItsNameAndGrids()
    {
        var village = (await StringsAsync("SELECT village_code FROM current_grid WHERE township_code = $1 GROUP BY village_code ORDER BY count(*) DESC, village_code LIMIT 1"))[0];
        var name = (await StringsAsync("SELECT name FROM village WHERE township_code = $1 AND code = $2", village))[0];
        var pdf = await GetAsync($"/api/codes/{village}/notice-map.pdf?paper=A3", "application/pdf");

        Assert.Equal(1, await Poppler.PagesAsync(pdf));
        var text = await Poppler.TextAsync(pdf);
        Assert.Contains(village, text, StringComparison.Ordinal);
        Assert.Contains(name, text, StringComparison.Ordinal);
        foreach (var grid in await StringsAsync("SELECT code FROM current_grid WHERE township_code = $1 AND village_code = $2", village))
            Assert.Contains(grid[^3..], text, StringComparison.Ordinal);
        await File.WriteAllBytesAsync(Path.Combine(Screenshots(), "notice-map-village.png"), await GetAsync($"/api/codes/{village}/notice-map.png", "image/png"));
    }

    [Fact]
    public async Task GridPdf_VersionAskedFor_PrintsThatVersion()
    {
        var (grid, _) = await FirstGridAsync();
        int version = (await ScalarAsync<int>("SELECT min(version) FROM partition_version WHERE township_code = $1"));
        var text = await Poppler.TextAsync(await GetAsync($"/api/codes/{grid}/notice-map.pdf?version={version}", "application/pdf"));
        Assert.Contains($"版本 {version}", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{grid}/notice-map.pdf?paper=B5", "paper")]
    [InlineData("{grid}/notice-map.png?orientation=diagonal", "orientation")]
    [InlineData("{grid}/notice-map.pdf?version=abc", "version")]
    [InlineData("{grid}/notice-map.pdf?version=0", "version")]
    [InlineData("{micro}/notice-map.pdf", "code")]
    [InlineData("530627174/notice-map.pdf", "code")]
    [InlineData("53062717400100X/notice-map.png", "code")]
    public async Task UnitNoticeMap_BadParameter_Is400ProblemNamingTheField(string path, string field)
    {
        var (grid, _) = await FirstGridAsync();
        var micro = (await StringsAsync("SELECT code FROM current_micro_grid WHERE township_code = $1 ORDER BY code LIMIT 1"))[0];
        await AssertProblemAsync($"/api/codes/{path.Replace("{grid}", grid, StringComparison.Ordinal).Replace("{micro}", micro, StringComparison.Ordinal)}", 400, field);
    }

    [Theory]
    [InlineData("530627174001/notice-maps.pdf", "code")]
    [InlineData("530627174/notice-maps.pdf?village=530627175001", "village")]
    [InlineData("530627174/notice-maps.pdf?paper=letter", "paper")]
    public async Task TownshipNoticeMaps_BadParameter_Is400ProblemNamingTheField(string path, string field) =>
        await AssertProblemAsync($"/api/townships/{path}", 400, field);

    [Theory]
    [InlineData("/api/codes/530627174001999/notice-map.pdf")]
    [InlineData("/api/codes/530627179001001/notice-map.png")]
    [InlineData("/api/codes/530627174999/notice-map.pdf")]
    [InlineData("/api/townships/530627179/notice-maps.pdf")]
    [InlineData("/api/townships/530627174/notice-maps.pdf?version=999")]
    public async Task NoticeMap_UnknownCodeOrVersion_Is404Problem(string path) =>
        await AssertProblemAsync(path, 404, null);

    [Fact]
    public async Task NoticeMap_KeyOfAnotherTownship_IsNotFoundAndLookupOnlyKeyForbidden()
    {
        var (grid, _) = await FirstGridAsync();
        using var outsider = db.Client(await CreateKeyAsync("viewer", "530627175"));
        foreach (var path in new[] { $"/api/codes/{grid}/notice-map.pdf", $"/api/codes/{grid}/notice-map.png", $"/api/townships/{Code}/notice-maps.pdf" })
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        using var integrator = db.Client(await CreateKeyAsync("integrator", Code));
        Assert.Equal(HttpStatusCode.Forbidden, (await integrator.GetAsync(new Uri($"/api/codes/{grid}/notice-map.pdf", UriKind.Relative))).StatusCode);
        using var insider = db.Client(await CreateKeyAsync("viewer", Code));
        Assert.Equal(HttpStatusCode.OK, (await insider.GetAsync(new Uri($"/api/codes/{grid}/notice-map.pdf", UriKind.Relative))).StatusCode);
        using var anonymous = db.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri($"/api/codes/{grid}/notice-map.pdf", UriKind.Relative))).StatusCode);
    }

    private async Task AssertProblemAsync(string path, int status, string? field)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        if (field is not null) Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    private async Task<byte[]> GetAsync(string path, string type)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        return bytes;
    }

    /// <summary>The first grid (by code) and the name the page must give it: its village's name and serial.</summary>
    private async Task<(string Code, string Name)> FirstGridAsync()
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT g.code, coalesce(v.name, t.name) FROM current_grid g JOIN township t ON t.code = g.township_code
            LEFT JOIN village v ON v.township_code = g.township_code AND v.code = g.village_code
            WHERE g.township_code = $1 ORDER BY g.code LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), $"township {Code} has no grid");
        var code = r.GetString(0);
        return (code, $"{r.GetString(1)}第{int.Parse(code[^3..], CultureInfo.InvariantCulture)}网格");
    }

    private async Task<string> CreateKeyAsync(string role, string jurisdiction)
    {
        var response = await _http.PostAsJsonAsync("/api/keys", new { name = $"notice-{role}-{jurisdiction}-{Guid.NewGuid():N}", role, jurisdiction });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> StringsAsync(string sql, string? second = null)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        if (second is not null) cmd.Parameters.AddWithValue(second);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(r.GetString(0));
        return list;
    }
}
