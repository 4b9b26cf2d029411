using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Staff edits through the API on a real PostGIS: each publishes a new version with
/// author and reason, the coverage stays valid, households follow, a dry run changes nothing,
/// and pinned units survive recomputes.</summary>
[Collection("db")]
public class EditingTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627170";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        var township = new TownshipGenerator(170).Generate(Code, "编辑镇", 105.10, 27.60, 1500);
        await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A cluster micro-grid of the current version with at least four siblings; skip picks another.</summary>
    private async Task<string> Cluster(int skip)
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT m.code FROM current_micro_grid m JOIN township_state s ON s.township_code = m.township_code
            WHERE m.township_code = $1 AND m.kind = 'cluster' AND m.household_count >= 8
              AND (SELECT count(*) FROM current_micro_grid x WHERE x.township_code = m.township_code AND x.grid_code = m.grid_code) >= 4
            ORDER BY m.code OFFSET $2 LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        cmd.Parameters.AddWithValue(skip);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<T> Scalar<T>(string sql, params object[] args)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private Task<int> Version() => Scalar<int>("SELECT current_version FROM township_state WHERE township_code = $1", Code);

    private Task<string> Buffered(string code, double degrees) => Scalar<string>("""
        SELECT ST_AsGeoJSON(ST_Buffer(m.geom, $2)) FROM current_micro_grid m JOIN township_state s ON s.township_code = m.township_code
        WHERE m.code = $1
        """, code, degrees);

    private static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task Redraw_PublishesANewVersion_WhereTheBoundaryWins_AndHouseholdsFollow()
    {
        var code = await Cluster(3);
        var before = await Version();
        var drawn = await Buffered(code, 0.0003);
        var response = await _http.PutAsync(new Uri($"/api/codes/{code}/geometry", UriKind.Relative), Body($$"""{"geometry": {{drawn}}, "reason": "follow the new wall"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(before + 1, result.GetProperty("version").GetInt32());
        Assert.Equal(before + 1, await Version());
        Assert.Equal("follow the new wall", await Scalar<string>("SELECT reason FROM partition_version WHERE township_code = $1 AND version = $2", Code, before + 1));

        //-- The unit is what was drawn, clipped to its grid; no gap, no overlap among the grid's micro-grids.
        var (areaNow, expected) = (await Scalar<double>("SELECT ST_Area(geom::geography) FROM micro_grid_at($1, $2) WHERE code = $3", Code, before + 1, code),
            await Scalar<double>($"SELECT ST_Area(ST_Intersection(ST_GeomFromGeoJSON($1), g.geom)::geography) FROM grid_at($2, $3) g WHERE g.code = $4",
                drawn, Code, before + 1, code[..15]));
        Assert.True(Math.Abs(areaNow - expected) < expected * 1e-6, $"{areaNow} vs {expected}");
        var report = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/report");
        Assert.True(report.GetProperty("gap_area_ratio").GetDouble() <= 1e-9);
        Assert.True(report.GetProperty("overlap_area_ratio").GetDouble() <= 1e-9);
        Assert.Equal(0, report.GetProperty("households_outside_own_territory").GetInt32());
        Assert.Equal(0, report.GetProperty("unassigned_households").GetInt32());

        //-- Every household inside the new boundary is assigned to the unit.
        var outside = await Scalar<long>("""
            SELECT count(*) FROM household h JOIN assignment_at($1, $2) a ON a.household_id = h.id
            JOIN micro_grid_at($1, $2) m ON m.code = $3
            WHERE ST_Contains(ST_Buffer(m.geom, -0.000001), h.geom) AND a.micro_grid_code <> $3
            """, Code, before + 1, code);
        Assert.Equal(0, outside);
    }

    [Fact]
    public async Task DryRun_PreviewsTheDiff_AndPublishesNothing()
    {
        var code = await Cluster(5);
        var before = await Version();
        var checksum = await db.ChecksumAsync();
        var response = await _http.PutAsync(new Uri($"/api/codes/{code}/geometry?dryRun=true", UriKind.Relative), Body($$"""{"geometry": {{await Buffered(code, 0.0003)}}}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(preview.GetProperty("published").GetBoolean());
        Assert.Contains(preview.GetProperty("changes").EnumerateArray(), c => c.GetProperty("code").GetString() == code && c.GetProperty("change").GetString() == "reshaped");
        //-- A unit grown well past its band is flagged before anything is published.
        var grown = preview.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("code").GetString() == code).GetProperty("householdsAfter").GetInt32();
        Assert.Equal(grown > 15, preview.GetProperty("warnings").EnumerateArray().Any(w => w.GetString()!.Contains(code, StringComparison.Ordinal)));
        Assert.Equal(before, await Version());
        Assert.Equal(checksum, await db.ChecksumAsync());
    }

    [Fact]
    public async Task SplitThenMerge_RoundTrips_WithTheCodeHistoryTellingWhereUnitsWent()
    {
        var code = await Cluster(7);
        var line = await Scalar<string>("""
            SELECT ST_AsGeoJSON(ST_MakeLine(ST_MakePoint(ST_XMin(m.geom) - 0.001, ST_Y(ST_PointOnSurface(m.geom))), ST_MakePoint(ST_XMax(m.geom) + 0.001, ST_Y(ST_PointOnSurface(m.geom)))))
            FROM current_micro_grid m JOIN township_state s ON s.township_code = m.township_code WHERE m.code = $1
            """, code);
        var split = await _http.PostAsync(new Uri($"/api/codes/{code}/split", UriKind.Relative), Body($$"""{"geometry": {{line}}, "reason": "two streets"}"""));
        Assert.Equal(HttpStatusCode.Created, split.StatusCode);
        var added = (await split.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changes").EnumerateArray()
            .Where(c => c.GetProperty("change").GetString() == "added").Select(c => c.GetProperty("code").GetString()!).ToList();
        Assert.NotEmpty(added);
        var born = await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{added[0]}");
        Assert.Equal(code, born.GetProperty("history").GetProperty("predecessors")[0].GetString());

        var merge = await _http.PostAsync(new Uri("/api/codes/merge", UriKind.Relative), Body($$"""{"codes": ["{{code}}", "{{added[0]}}"], "reason": "one street after all"}"""));
        Assert.Equal(HttpStatusCode.Created, merge.StatusCode);
        var retired = await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{added[0]}");
        Assert.Equal("retired", retired.GetProperty("status").GetString());
        Assert.Equal(code, retired.GetProperty("history").GetProperty("successors")[0].GetString());
    }

    [Fact]
    public async Task PinnedMicroGrid_KeepsItsDrawnBoundary_ThroughAForcedRecompute()
    {
        var code = await Cluster(9);
        var redraw = await _http.PutAsync(new Uri($"/api/codes/{code}/geometry", UriKind.Relative), Body($$"""{"geometry": {{await Buffered(code, 0.0002)}}}"""));
        Assert.Equal(HttpStatusCode.Created, redraw.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _http.PostAsync(new Uri($"/api/codes/{code}/pin", UriKind.Relative), null)).StatusCode);
        var pinnedVersion = await Version();
        var drawnArea = await Scalar<double>("SELECT ST_Area(geom::geography) FROM micro_grid_at($1, $2) WHERE code = $3", Code, pinnedVersion, code);

        await Samples.PartitionAsync(_http, db.Db, Code, force: true);
        //-- Published anew only where the recompute differs from the pinned version (DESIGN: a forced run of the same partition publishes nothing).
        var after = await Version();
        Assert.True(after >= pinnedVersion);
        var areaAfter = await Scalar<double>("SELECT ST_Area(geom::geography) FROM micro_grid_at($1, $2) WHERE code = $3", Code, after, code);
        Assert.True(await Scalar<bool>("SELECT pinned FROM micro_grid_at($1, $2) WHERE code = $3", Code, after, code));
        Assert.True(Math.Abs(areaAfter - drawnArea) < drawnArea * 1e-6, $"{areaAfter} vs {drawnArea}");
        var report = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/report");
        Assert.True(report.GetProperty("gap_area_ratio").GetDouble() <= 1e-9);
        Assert.Equal(0, report.GetProperty("households_outside_own_territory").GetInt32());
    }

    [Theory]
    [InlineData("PUT", "/api/codes/{0}/geometry", """{"reason": "no geometry"}""", 400, "geometry")]
    [InlineData("PUT", "/api/codes/{0}/geometry", """{"geometry": {"type": "Point", "coordinates": [105.1, 27.6]}}""", 400, "geometry")]
    [InlineData("PUT", "/api/codes/{0}/geometry", """{"geometry": {"type": "Polygon", "coordinates": [[[105.1, 27.6], [105.2, 27.7], [105.1, 27.7], [105.2, 27.6], [105.1, 27.6]]]}}""", 400, "geometry")]
    [InlineData("PUT", "/api/codes/530627170999999999/geometry", """{"geometry": {"type": "Polygon", "coordinates": [[[105.1, 27.6], [105.2, 27.6], [105.2, 27.7], [105.1, 27.6]]]}}""", 404, "code")]
    [InlineData("POST", "/api/codes/12345/split", """{"geometry": {"type": "LineString", "coordinates": [[105.1, 27.6], [105.2, 27.7]]}}""", 400, "code")]
    [InlineData("POST", "/api/codes/{0}/split", """{"geometry": {"type": "LineString", "coordinates": [[0, 0], [0.001, 0.001]]}}""", 422, "geometry")]
    [InlineData("POST", "/api/codes/merge", """{"codes": ["{0}"]}""", 422, "codes")]
    public async Task BadEdits_AreProblemsNamingTheField_AndChangeNothing(string method, string path, string body, int status, string field)
    {
        var code = await Cluster(1);
        var checksum = await db.ChecksumAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path.Replace("{0}", code, StringComparison.Ordinal), UriKind.Relative))
        {
            Content = Body(body.Replace("{0}", code, StringComparison.Ordinal)),
        };
        var response = await _http.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(checksum, await db.ChecksumAsync());
    }
}
