using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Restoring a past version (issue #17 item 6) on a real PostGIS: the new version's units
/// are the past version's (codes, territories, households), pinned so a recompute keeps them; codes
/// that the edit since had added are retired, a code retired since is not reused; problems for an
/// unknown or current version.</summary>
[Collection("db")]
public class RestoreTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Split = "530627240";
    private const string Merged = "530627241";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        foreach (var (code, seed) in new[] { (Split, 240), (Merged, 241) })
        {
            var township = new TownshipGenerator(seed).Generate(code, "恢复镇", 110.30 + (seed - 240) * 0.1, 22.80, 600);
            await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers");
            await Samples.PartitionAsync(_http, db.Db, code, force: false);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<T> Scalar<T>(string sql, params object[] args)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private Task<int> Version(string township) => Scalar<int>("SELECT current_version FROM township_state WHERE township_code = $1", township);

    private static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>Units of version a missing from b, or whose territory differs by more than 1e-9 of its area, or whose households differ.</summary>
    private Task<long> Differences(string township, int a, int b) => Scalar<long>("""
        SELECT (SELECT count(*) FROM grid_at($1, $2) x LEFT JOIN grid_at($1, $3) y ON y.code = x.code
                WHERE y.code IS NULL OR ST_Area(ST_SymDifference(x.geom, y.geom)) > 1e-9 * ST_Area(x.geom))
             + (SELECT count(*) FROM micro_grid_at($1, $2) x LEFT JOIN micro_grid_at($1, $3) y ON y.code = x.code
                WHERE y.code IS NULL OR ST_Area(ST_SymDifference(x.geom, y.geom)) > 1e-9 * ST_Area(x.geom) OR x.household_count <> y.household_count)
             + (SELECT count(*) FROM assignment_at($1, $2) x FULL JOIN assignment_at($1, $3) y ON y.household_id = x.household_id
                WHERE x.micro_grid_code IS DISTINCT FROM y.micro_grid_code)
        """, township, a, b);

    private Task<long> UnitCount(string township, int v) => Scalar<long>(
        "SELECT (SELECT count(*) FROM grid_at($1, $2)) + (SELECT count(*) FROM micro_grid_at($1, $2))", township, v);

    /// <summary>POSTs a restore (with a reason, or with no body at all) and checks the status.</summary>
    private async Task<JsonElement> Restore(string township, int version, HttpStatusCode expected, bool withBody = true)
    {
        var response = await _http.PostAsync(new Uri($"/api/townships/{township}/versions/{version}/restore", UriKind.Relative),
            withBody ? Body("""{"reason": "撤销误操作"}""") : null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode} {body}");
        return body;
    }

    [Fact]
    public async Task Restore_AfterASplit_PublishesVersionOneAgain_PinnedThroughARecompute()
    {
        var code = await Scalar<string>("""
            SELECT m.code FROM current_micro_grid m WHERE m.township_code = $1 AND m.kind = 'cluster' AND m.household_count >= 8 ORDER BY m.code LIMIT 1
            """, Split);
        var line = await Scalar<string>("""
            SELECT ST_AsGeoJSON(ST_MakeLine(ST_MakePoint(ST_XMin(m.geom) - 0.001, ST_Y(ST_PointOnSurface(m.geom))), ST_MakePoint(ST_XMax(m.geom) + 0.001, ST_Y(ST_PointOnSurface(m.geom)))))
            FROM current_micro_grid m WHERE m.township_code = $1 AND m.code = $2
            """, Split, code);
        var split = await _http.PostAsync(new Uri($"/api/codes/{code}/split", UriKind.Relative), Body($$"""{"geometry": {{line}}}"""));
        Assert.Equal(HttpStatusCode.Created, split.StatusCode);
        var added = (await split.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changes").EnumerateArray()
            .Where(c => c.GetProperty("change").GetString() == "added").Select(c => c.GetProperty("code").GetString()!).Single();
        var edited = await Version(Split);
        Assert.True(await Differences(Split, 1, edited) > 0);

        var result = await Restore(Split, 1, HttpStatusCode.Created);
        var restored = await Version(Split);
        Assert.Equal(edited + 1, restored);
        Assert.Equal(restored, result.GetProperty("version").GetInt32());
        Assert.Equal(0, await Differences(Split, 1, restored));
        Assert.Equal(await UnitCount(Split, 1), await UnitCount(Split, restored));
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM micro_grid_at($1, $2) WHERE NOT pinned", Split, restored));

        //-- History: the split-off code is retired with the unit its households went back to; the audit names the restore.
        var gone = await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{added}");
        Assert.Equal("retired", gone.GetProperty("status").GetString());
        Assert.True(gone.GetProperty("history").GetProperty("successors").EnumerateArray().Any(s => s.GetString() == code), $"{gone}");
        Assert.Equal(1, await Scalar<int>("""
            SELECT (detail->>'restored_from')::int FROM audit_log WHERE township_code = $1 AND action = 'publish' AND after_version = $2
            """, Split, restored));
        Assert.Equal("撤销误操作", await Scalar<string>("SELECT reason FROM partition_version WHERE township_code = $1 AND version = $2", Split, restored));

        //-- A recompute keeps the restored units as restored.
        await Samples.PartitionAsync(_http, db.Db, Split, force: true);
        Assert.Equal(0, await Differences(Split, 1, await Version(Split)));
    }

    [Fact]
    public async Task Restore_AfterAMerge_GivesTheRetiredCodesUnitAFreshSerial_NamingTheRetiredCode()
    {
        var (keep, other) = await FirstNeighbours(Merged);
        var merge = await _http.PostAsync(new Uri("/api/codes/merge", UriKind.Relative), Body($$"""{"codes": ["{{keep}}", "{{other}}"]}"""));
        Assert.Equal(HttpStatusCode.Created, merge.StatusCode);
        var survivor = (await merge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changes").EnumerateArray()
            .Single(c => c.GetProperty("change").GetString() == "reshaped" && c.GetProperty("level").GetString() == "micro_grid").GetProperty("code").GetString()!;
        var retired = survivor == keep ? other : keep;

        await Restore(Merged, 1, HttpStatusCode.Created);
        var restored = await Version(Merged);
        Assert.Equal(await UnitCount(Merged, 1), await UnitCount(Merged, restored));
        //-- The retired code stays retired; its territory of version 1 comes back under a new serial of its grid.
        Assert.Equal("retired", (await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{retired}")).GetProperty("status").GetString());
        var fresh = await Scalar<string>("""
            SELECT y.code FROM micro_grid_at($1, 1) x JOIN micro_grid_at($1, $2) y ON ST_Area(ST_SymDifference(x.geom, y.geom)) <= 1e-9 * ST_Area(x.geom)
            WHERE x.code = $3
            """, Merged, restored, retired);
        Assert.NotEqual(retired, fresh);
        Assert.Equal(retired[..15], fresh[..15]);
        Assert.True(string.CompareOrdinal(fresh, retired) > 0);
        var born = await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{fresh}");
        Assert.Equal(retired, born.GetProperty("history").GetProperty("predecessors")[0].GetString());
        //-- Every other unit of version 1 has its code and territory back.
        Assert.Equal(0L, await Scalar<long>("""
            SELECT count(*) FROM micro_grid_at($1, 1) x LEFT JOIN micro_grid_at($1, $2) y ON y.code = x.code
            WHERE x.code <> $3 AND (y.code IS NULL OR ST_Area(ST_SymDifference(x.geom, y.geom)) > 1e-9 * ST_Area(x.geom))
            """, Merged, restored, retired));
    }

    private async Task<(string, string)> FirstNeighbours(string township)
    {
        await using var cmd = db.Db.CreateCommand("""
            SELECT a.code, b.code FROM current_micro_grid a JOIN current_micro_grid b
              ON b.township_code = a.township_code AND b.grid_code = a.grid_code AND b.code > a.code AND ST_Intersects(a.geom, b.geom)
             AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) > 0
            WHERE a.township_code = $1 AND a.kind = 'cluster' AND b.kind = 'cluster' ORDER BY a.code, b.code LIMIT 1
            """);
        cmd.Parameters.AddWithValue(township);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetString(0), r.GetString(1));
    }

    [Theory]
    [InlineData(99, 404, "Version not found")]
    [InlineData(0, 404, "Version not found")]
    [InlineData(-1, 409, "Version is current")]
    public async Task Restore_OfAnUnknownOrTheCurrentVersion_IsAProblem_AndPublishesNothing(int version, int status, string title)
    {
        var before = await Version(Merged);
        var body = await Restore(Merged, version < 0 ? before : version, (HttpStatusCode)status, withBody: false);
        Assert.Equal(title, body.GetProperty("title").GetString());
        Assert.Equal("version", body.GetProperty("field").GetString());
        Assert.Equal(before, await Version(Merged));
    }
}
