using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features.Layers;

/// <summary>A township nested at grid level in 2 × 2 squares that cut its villages (多网合一, issue #19):
/// the report of the nested partition carries what nesting cost against the same inputs partitioned
/// without the layer (<c>nesting.cost</c>), and staff edits are held to the layer — a merge of two
/// grids of one village that lie in different squares is a 422 naming layer, squares and grid, with
/// nothing published (its preview too), unless the request says <c>allowOutsideNesting=true</c>, which publishes and audits it.</summary>
[Collection("db")]
public sealed class NestingEditTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627282";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        if (await ScalarAsync<long>("SELECT count(*) FROM township_state WHERE township_code = $1 AND current_version IS NOT NULL") == 0)
        {
            var township = new TownshipGenerator(282).Generate(Code, "嵌套编辑镇", 111.50, 29.50, 1200, urbanShare: 0);
            await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers", "streets");
            await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        }
        using (var r = await _http.PostAsync(new Uri($"/api/townships/{Code}/layers/squares", UriKind.Relative), Samples.Json(await LayerSquares.OfAsync(db.Db, Code, 2))))
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        //-- Asked once: setting the same nesting again marks the township changed, and the recompute that follows would carry the comparison over.
        if ((await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/nesting")).GetProperty("layer").GetString() != "squares")
        {
            using var r = await _http.PutAsync(new Uri($"/api/townships/{Code}/nesting", UriKind.Relative),
                new StringContent("""{"layer": "squares", "level": "grid"}""", Encoding.UTF8, "application/json"));
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
            await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        }
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(120), Code);
        //-- Every test starts from a version the partitioner made nested, both ways (an edit's report has no nesting section).
        var report = await ReportAsync();
        if (!report.TryGetProperty("nesting", out var n) || n.ValueKind != JsonValueKind.Object
            || !n.TryGetProperty("cost", out var c) || c.ValueKind != JsonValueKind.Object || c.GetProperty("carried").GetBoolean())
        {
            await Samples.PartitionAsync(_http, db.Db, Code, force: true);
            await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(120), Code);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Report_OfANestedRecompute_CarriesTheUnnestedFiguresAndTheirDifference()
    {
        var report = await ReportAsync();
        var cost = report.GetProperty("nesting").GetProperty("cost");
        Assert.Equal((report.GetProperty("version").GetInt32(), false), (cost.GetProperty("measured_at_version").GetInt32(), cost.GetProperty("carried").GetBoolean()));
        Assert.True(report.GetProperty("elapsed_ms").TryGetProperty("unnested", out _), "the un-nested run's time is not in elapsed_ms");
        var (nested, unnested, difference) = (cost.GetProperty("nested"), cost.GetProperty("unnested"), cost.GetProperty("difference"));
        //-- The nested side is this version, as the report and the stored units say.
        Assert.Equal(report.GetProperty("grids").GetInt32(), nested.GetProperty("grids").GetInt32());
        Assert.Equal(await ScalarAsync<long>("SELECT count(*) FROM current_micro_grid WHERE township_code = $1"), nested.GetProperty("micro_grids").GetInt32());
        Assert.Equal(report.GetProperty("cluster_share_8_12").GetDouble(), nested.GetProperty("cluster_share_8_12").GetDouble());
        Assert.Equal(report.GetProperty("grid_level").GetProperty("share_in_band").GetDouble(), nested.GetProperty("grid_share_in_band").GetDouble());
        foreach (var figure in nested.EnumerateObject())
            Assert.Equal(figure.Value.GetDouble() - unnested.GetProperty(figure.Name).GetDouble(), difference.GetProperty(figure.Name).GetDouble(), 9);
        //-- The squares cut the villages: nested grids stop at the squares' borders, so there are more of them.
        Assert.True(difference.GetProperty("grids").GetInt32() > 0, $"nesting cost nothing: {cost}");
    }

    [Fact]
    public async Task Merge_OfTwoGridsInDifferentSquares_IsRefusedNamingLayerUnitsAndGrid_UnlessAllowedOnPurposeAndAudited()
    {
        var (a, b, unitA, unitB) = await NeighboursInTwoSquaresAsync();
        int before = await Samples.CurrentVersionAsync(_http, Code);
        string crossed;
        using (var refused = await MergeAsync(a, b, allow: false))
        {
            var (title, detail) = await Import.FileImportTests.Problem(refused, HttpStatusCode.UnprocessableEntity, "codes");
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            var p = problem.RootElement;
            Assert.Contains("嵌套", title, StringComparison.Ordinal);
            Assert.Equal(("squares", "grid"), (p.GetProperty("layer").GetString(), p.GetProperty("level").GetString()));
            var crossing = p.GetProperty("crossings").EnumerateArray().Single();
            var units = crossing.GetProperty("units").EnumerateArray().Select(u => u.GetString()!).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(new[] { unitA, unitB }, units);
            crossed = crossing.GetProperty("code").GetString()!;
            Assert.Contains(crossed, new[] { a, b });
            Assert.Contains("squares", detail, StringComparison.Ordinal);
            Assert.Contains(crossed, detail, StringComparison.Ordinal);
        }
        //-- The preview is refused alike: staff learn it before they publish.
        using (var preview = await _http.PostAsJsonAsync("/api/codes/merge?dryRun=true", new { codes = new[] { a, b } }))
            await Import.FileImportTests.Problem(preview, HttpStatusCode.UnprocessableEntity, "codes");
        Assert.Equal(before, await Samples.CurrentVersionAsync(_http, Code));

        using var allowed = await MergeAsync(a, b, allow: true);
        var text = await allowed.Content.ReadAsStringAsync();
        Assert.True(allowed.StatusCode == HttpStatusCode.Created, text);
        using var resultDoc = JsonDocument.Parse(text);
        var result = resultDoc.RootElement;
        Assert.Contains(result.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("squares", StringComparison.Ordinal));
        Assert.Equal(before + 1, await Samples.CurrentVersionAsync(_http, Code));
        var audited = await ScalarAsync<string>("""
            SELECT detail->'outside_nesting' ->> 'layer' || ':' || (detail->'outside_nesting'->'crossings'->0->>'code')
            FROM audit_log WHERE township_code = $1 AND action = 'publish' ORDER BY id DESC LIMIT 1
            """);
        Assert.Equal($"squares:{crossed}", audited);
    }

    /// <summary>Two grids of one village that share a border, each (nested) in a different square.</summary>
    private async Task<(string A, string B, string UnitA, string UnitB)> NeighboursInTwoSquaresAsync()
    {
        await using var cmd = db.Db.CreateCommand("""
            WITH g AS (
                SELECT g.code::text AS code, g.village_code, g.geom,
                       (SELECT u.code FROM current_dept_unit u WHERE u.township_code = g.township_code AND u.layer = 'squares'
                        ORDER BY ST_Area(ST_Intersection(u.geom, g.geom)) DESC, u.code LIMIT 1) AS unit
                FROM current_grid g WHERE g.township_code = $1 AND g.household_count > 0)
            SELECT a.code, b.code, a.unit, b.unit FROM g a JOIN g b ON a.village_code = b.village_code AND a.code < b.code AND a.unit <> b.unit
            WHERE ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) > 0
            ORDER BY a.code, b.code LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "no village has neighbouring grids in two squares: the squares test nothing");
        var (a, b, ua, ub) = (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3));
        return (a, b, string.CompareOrdinal(ua, ub) < 0 ? ua : ub, string.CompareOrdinal(ua, ub) < 0 ? ub : ua);
    }

    private Task<HttpResponseMessage> MergeAsync(string a, string b, bool allow) =>
        _http.PostAsJsonAsync($"/api/codes/merge{(allow ? "?allowOutsideNesting=true" : "")}", new { codes = new[] { a, b }, reason = "合并两个方格的网格（测试）" });

    private async Task<JsonElement> ReportAsync() => await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/report");

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
