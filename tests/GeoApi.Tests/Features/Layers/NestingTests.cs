using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GridSpatial.GeoApi.Tests.Features.Layers;

/// <summary>Partition that nests (多网合一, issue #19 item 4) on the shared Liechtenstein township
/// Schellenberg, imported under this class's own code: a departmental layer of squares made
/// here (2 × 2), grids (then micro-grids) asked to nest in it. Nesting is checked independently in PostGIS
/// (every stored territory covered by one square, 1 cm tolerance, in the township's Gauss–Krüger
/// zone), the clusters stay within their hard bounds, the report says what was achieved, a later
/// background recompute (a household added) keeps nesting, and a bad request stores nothing.</summary>
[Collection("db")]
public sealed class NestingTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627280";
    private const string Shared = "990000111";
    private readonly HttpClient _http = db.Client();

    private static string Dir => Path.Combine(Samples.Root(), "..", "shared", "data", "liechtenstein", "schellenberg");

    public async Task InitializeAsync()
    {
        if (!Directory.Exists(Dir)) return;
        if (await ScalarAsync<long>("SELECT count(*) FROM township_state WHERE township_code = $1 AND current_version IS NOT NULL") == 0)
        {
            await PostAsync("/api/townships", "township");
            foreach (var layer in new[] { "households", "buildings", "barriers", "streets" })
                await PostAsync($"/api/townships/{Code}/{layer}", layer);
            await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        }
        using var r = await _http.PostAsync(new Uri($"/api/townships/{Code}/layers/squares?title={Uri.EscapeDataString("城管单元网格")}", UriKind.Relative),
            Samples.Json(await LayerSquares.OfAsync(db.Db, Code, 2)));
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task NestAtGridLevel_EveryGridInsideOneSquare_ClustersInHardBounds_AndABackgroundRecomputeKeepsIt()
    {
        Skip.If(!Directory.Exists(Dir), "../shared/data/liechtenstein is not there");
        await NestAsync(null);
        //-- Without nesting, grids do cross the squares: the check below could fail.
        Assert.True(await OutsideAsync("current_grid") > 0, "the un-nested partition already nests: the squares test nothing");

        await NestAsync("grid");
        Assert.Equal(0, await OutsideAsync("current_grid"));
        await AssertClustersInHardBoundsAsync();
        var nesting = (await ReportAsync()).GetProperty("nesting");
        Assert.Equal(("squares", "grid", await ScalarAsync<int>("SELECT count(*) FROM current_dept_unit WHERE township_code = $1 AND layer = 'squares'")),
            (nesting.GetProperty("layer").GetString(), nesting.GetProperty("level").GetString(), nesting.GetProperty("units").GetInt32()));
        Assert.Equal(1.0, nesting.GetProperty("grids_nested_share").GetDouble());
        Assert.Equal(1.0, nesting.GetProperty("micro_grids_nested_share").GetDouble());
        Assert.Equal(0, nesting.GetProperty("households_outside_units").GetInt32());
        Assert.Equal(0, nesting.GetProperty("clusters_below_hard_min").GetInt32());

        //-- A household added beside one of a cluster: the scheduler recomputes in the background, still nesting.
        var before = await Samples.CurrentVersionAsync(_http, Code);
        var (_, _, at) = await Samples.ClusterHouseholdAsync(db.Db, Code);
        using (var add = await _http.PostAsync(new Uri($"/api/townships/{Code}/households", UriKind.Relative),
                   Samples.Json(Samples.Collection(Samples.Household("NEST-NEW-1", at[0] + 0.00002, at[1] + 0.00001)))))
            Assert.True(add.IsSuccessStatusCode, await add.Content.ReadAsStringAsync());
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(120), Code);
        Assert.True(await Samples.CurrentVersionAsync(_http, Code) > before);
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM current_assignment WHERE township_code = $1 AND household_id = 'NEST-NEW-1'"));
        Assert.Equal(0, await OutsideAsync("current_grid"));
        await AssertClustersInHardBoundsAsync();
        Assert.Equal(1.0, (await ReportAsync()).GetProperty("nesting").GetProperty("grids_nested_share").GetDouble());
    }

    [SkippableFact]
    public async Task NestAtMicroGridLevel_EveryMicroGridInsideOneSquare_ClustersInHardBounds()
    {
        Skip.If(!Directory.Exists(Dir), "../shared/data/liechtenstein is not there");
        await NestAsync(null);
        Assert.True(await OutsideAsync("current_micro_grid") > 0, "the un-nested partition already nests: the squares test nothing");

        await NestAsync("micro_grid");
        Assert.Equal(0, await OutsideAsync("current_micro_grid"));
        await AssertClustersInHardBoundsAsync();
        var nesting = (await ReportAsync()).GetProperty("nesting");
        Assert.Equal("micro_grid", nesting.GetProperty("level").GetString());
        Assert.Equal(1.0, nesting.GetProperty("micro_grids_nested_share").GetDouble());
        Assert.Equal(1.0, nesting.GetProperty("micro_grids_nested_household_share").GetDouble());
    }

    [SkippableFact]
    public async Task NestInFinerSquares_ClustersLeftBelowTheHardMinimumAreTheReportedCost()
    {
        Skip.If(!Directory.Exists(Dir), "../shared/data/liechtenstein is not there");
        //-- 3 × 3: a corner square holds too few households for a cluster of its own; nesting wins and says so.
        using (var r = await _http.PostAsync(new Uri($"/api/townships/{Code}/layers/fine", UriKind.Relative), Samples.Json(await LayerSquares.OfAsync(db.Db, Code, 3))))
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        await NestAsync("grid", "fine");
        Assert.Equal(0, await OutsideAsync("current_grid", "fine"));
        var nesting = (await ReportAsync()).GetProperty("nesting");
        Assert.Equal(("fine", 1.0), (nesting.GetProperty("layer").GetString(), nesting.GetProperty("grids_nested_share").GetDouble()));
        Assert.Equal(await ScalarAsync<int>("SELECT count(*) FROM current_micro_grid WHERE township_code = $1 AND kind = 'cluster' AND household_count BETWEEN 1 AND 4"),
            nesting.GetProperty("clusters_below_hard_min").GetInt32());
        Assert.Equal(await ScalarAsync<int>("SELECT count(*) FROM current_grid WHERE township_code = $1 AND household_count < 150"),
            nesting.GetProperty("grids_below_min").GetInt32());
        Assert.Equal((5, 15, 150, 500), (nesting.GetProperty("cluster_hard_min").GetInt32(), nesting.GetProperty("cluster_hard_max").GetInt32(),
            nesting.GetProperty("grid_min").GetInt32(), nesting.GetProperty("grid_max").GetInt32()));
    }

    [SkippableFact]
    public async Task PutNesting_UnknownLayerOrBadLevel_IsAProblemNamingTheFieldAndStoresNothing()
    {
        Skip.If(!Directory.Exists(Dir), "../shared/data/liechtenstein is not there");
        var before = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/nesting");
        long dataVersion = await ScalarAsync<long>("SELECT data_version FROM township_state WHERE township_code = $1");
        foreach (var (body, field) in new[]
                 {
                     ("""{"layer": "police", "level": "grid"}""", "layer"),
                     ("""{"layer": "Bad Name", "level": "grid"}""", "layer"),
                     ("""{"level": "grid"}""", "layer"),
                     ("""{"layer": "squares", "level": "village"}""", "level"),
                     ("""{"layer": "squares"}""", "level"),
                 })
        {
            using var r = await _http.PutAsync(new Uri($"/api/townships/{Code}/nesting", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            await Import.FileImportTests.Problem(r, HttpStatusCode.BadRequest, field);
        }
        Assert.Equal(before.ToString(), (await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/nesting")).ToString());
        Assert.Equal(dataVersion, await ScalarAsync<long>("SELECT data_version FROM township_state WHERE township_code = $1"));
    }

    /// <summary>Nests at <paramref name="level"/> (none when null) and recomputes through the API.</summary>
    private async Task NestAsync(string? level, string layer = "squares")
    {
        using var r = level is null
            ? await _http.DeleteAsync(new Uri($"/api/townships/{Code}/nesting", UriKind.Relative))
            : await _http.PutAsync(new Uri($"/api/townships/{Code}/nesting", UriKind.Relative),
                new StringContent($$"""{"layer": "{{layer}}", "level": "{{level}}"}""", Encoding.UTF8, "application/json"));
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        var nesting = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/nesting");
        Assert.Equal(level, nesting.GetProperty("level").GetString());
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(120), Code);
        Assert.Equal(level is not null, (await ReportAsync()).TryGetProperty("nesting", out var n) && n.ValueKind == JsonValueKind.Object);
    }

    /// <summary>Units of the current version (<paramref name="view"/>: current_grid or current_micro_grid)
    /// that no square covers, in the township's Gauss–Krüger zone with 1 cm to spare.</summary>
    private Task<long> OutsideAsync(string view, string layer = "squares") => ScalarAsync<long>($"""
        SELECT count(*) FROM {view} g JOIN township t ON t.code = g.township_code
        WHERE g.township_code = $1 AND NOT EXISTS (
            SELECT 1 FROM current_dept_unit u WHERE u.township_code = g.township_code AND u.layer = '{layer}'
              AND ST_Covers(ST_Buffer(ST_Transform(u.geom, township_metric_srid(t.geom)), 0.01), ST_Transform(g.geom, township_metric_srid(t.geom))))
        """);

    private async Task AssertClustersInHardBoundsAsync()
    {
        var sizes = await ScalarAsync<string>("""
            SELECT coalesce(string_agg(code || ':' || household_count, ', '), '') FROM current_micro_grid
            WHERE township_code = $1 AND kind = 'cluster' AND household_count > 0 AND (household_count < 5 OR household_count > 15)
            """);
        Assert.True(sizes.Length == 0, $"clusters outside 5–15: {sizes}; households per square: " + await ScalarAsync<string>("""
            SELECT string_agg(u.code || ':' || (SELECT count(*) FROM household h WHERE h.township_code = u.township_code AND ST_Covers(u.geom, h.geom))
                   || ':' || ST_NumGeometries(ST_Intersection(u.geom, t.geom)), ', ' ORDER BY u.code)
            FROM current_dept_unit u JOIN township t ON t.code = u.township_code WHERE u.township_code = $1 AND u.layer = 'squares'
            """));
    }

    private async Task<JsonElement> ReportAsync() => await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/report");

    /// <summary>Posts a layer of the shared township, its code replaced by this class's own, moved into China.</summary>
    private async Task PostAsync(string path, string layer)
    {
        //-- Moved 115° east along its parallel (Schellenberg lands in Heilongjiang, same shapes).
        //-- Household ids are unique across townships, and FileImportTests imports the same township's: ours are renamed.
        var text = (await File.ReadAllTextAsync(Path.Combine(Dir, layer + ".geojson"))).Replace(Shared, Code, StringComparison.Ordinal);
        if (layer == "households") text = text.Replace("-h", "-nest-h", StringComparison.Ordinal);
        text = Samples.Moved(text, 115, 0);
        using var r = await _http.PostAsync(new Uri(path, UriKind.Relative), Samples.Json(text));
        Assert.True(r.IsSuccessStatusCode, $"POST {path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }
}
