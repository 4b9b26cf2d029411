using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary><c>GET /api/search</c> against a real PostGIS: codes of every level, village names
/// (one or several matches), household ids and addresses, the caller's jurisdiction, and bad
/// queries as problem details naming the field.</summary>
[Collection("db")]
public sealed class SearchTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627176";
    private readonly HttpClient _admin = db.Client();

    public async Task InitializeAsync()
    {
        await Samples.ImportAsync(_admin, new TownshipGenerator(176).Generate(Code, "查找镇", 104.40, 28.70, 600), "villages", "buildings", "households");
        await Samples.PartitionAsync(_admin, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<JsonElement> Search(HttpClient http, string q, string? township = null)
    {
        var response = await http.GetAsync(new Uri($"/api/search?q={Uri.EscapeDataString(q)}{(township is null ? "" : "&township=" + township)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hits");
    }

    private async Task<string[]> Row(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), sql);
        return Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!.Trim()).ToArray();
    }

    [Fact]
    public async Task Search_ByCodeOfEveryLevel_FindsThatUnitWithItsBounds()
    {
        var village = (await Row("SELECT code FROM village WHERE township_code = $1 ORDER BY code LIMIT 1"))[0];
        var grid = (await Row("SELECT code FROM current_grid WHERE township_code = $1 ORDER BY code LIMIT 1"))[0];
        var micro = (await Row("SELECT code FROM current_micro_grid WHERE township_code = $1 ORDER BY code LIMIT 1"))[0];
        foreach (var (code, kind) in new[] { (Code, "township"), (village, "village"), (grid, "grid"), (micro, "micro_grid") })
        {
            var hit = Assert.Single((await Search(_admin, code)).EnumerateArray());
            Assert.Equal(kind, hit.GetProperty("kind").GetString());
            Assert.Equal(code, hit.GetProperty("code").GetString());
            var b = hit.GetProperty("bbox");
            Assert.True(b[0].GetDouble() <= b[2].GetDouble() && b[1].GetDouble() <= b[3].GetDouble() && b[0].GetDouble() > 104);
        }
    }

    [Fact]
    public async Task Search_ByVillageName_FindsIt_AndAPartOfANameListsEveryMatch()
    {
        var (code, name) = (await Row("SELECT code, name FROM village WHERE township_code = $1 ORDER BY code LIMIT 1")) is var r ? (r[0], r[1]) : default;
        var hits = (await Search(_admin, name)).EnumerateArray().ToList();
        Assert.Equal(code, hits[0].GetProperty("code").GetString());
        Assert.Equal("village", hits[0].GetProperty("kind").GetString());

        var named = int.Parse((await Row("SELECT count(*) FROM village WHERE township_code = $1 AND name LIKE '%村%'"))[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(named >= 2, $"{named} villages named 村");
        //-- Other tests' townships have villages named 村 too: the township searched in lists its own first.
        var several = (await Search(_admin, "村", Code)).EnumerateArray().Where(h => h.GetProperty("kind").GetString() == "village" && h.GetProperty("township").GetString() == Code);
        Assert.Equal(named, several.Count());
    }

    [Fact]
    public async Task Search_ByHouseholdIdAndAddress_FindsTheHouseholdAndItsMicroGrid()
    {
        var (id, address, micro) = (await Row("""
            SELECT h.id, h.address, a.micro_grid_code FROM household h JOIN current_assignment a ON a.township_code = h.township_code AND a.household_id = h.id
            WHERE h.township_code = $1 AND h.address IS NOT NULL ORDER BY h.id LIMIT 1
            """)) is var r ? (r[0], r[1], r[2]) : default;
        var byId = Assert.Single((await Search(_admin, id)).EnumerateArray());
        Assert.Equal("household", byId.GetProperty("kind").GetString());
        Assert.Equal(micro, byId.GetProperty("code").GetString());
        Assert.Equal(id, byId.GetProperty("householdId").GetString());

        var byAddress = (await Search(_admin, address, Code)).EnumerateArray();
        Assert.Contains(byAddress, h => h.GetProperty("householdId").GetString() == id);
        //-- Without a township, addresses are not searched (that would scan every household of the service).
        Assert.DoesNotContain((await Search(_admin, address)).EnumerateArray(), h => h.GetProperty("kind").GetString() == "household" && h.GetProperty("householdId").GetString() != address);
    }

    [Fact]
    public async Task Search_OutsideTheKeysJurisdiction_FindsNothing()
    {
        var created = await _admin.PostAsJsonAsync("/api/keys", new { name = $"search-viewer-{Guid.NewGuid():N}", role = "viewer", jurisdiction = "530627177" });
        using var elsewhere = db.Client((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString());
        var village = (await Row("SELECT code FROM village WHERE township_code = $1 ORDER BY code LIMIT 1"))[0];
        Assert.Empty((await Search(elsewhere, village)).EnumerateArray());
        Assert.DoesNotContain((await Search(elsewhere, "村")).EnumerateArray(), h => h.GetProperty("township").GetString() == Code);
        using var anonymous = db.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri($"/api/search?q={village}", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("   ", "q")]
    [InlineData("村&township=12345", "township")]
    public async Task Search_WithABadQuery_IsAProblemNamingTheField(string query, string field)
    {
        var response = await _admin.GetAsync(new Uri($"/api/search?q={query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Document_DescribesSearchAndSession_WithOperationIdsAndExamples()
    {
        var doc = await _admin.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        foreach (var (path, method, id) in new[] { ("/api/search", "get", "getApiSearch"), ("/api/session", "get", "getApiSession"), ("/api/session", "post", "postApiSession") })
        {
            var op = doc.GetProperty("paths").GetProperty(path).GetProperty(method);
            Assert.Equal(id, op.GetProperty("operationId").GetString());
            Assert.True(op.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _), $"{method} {path}: no example");
        }
        var parameters = doc.GetProperty("paths").GetProperty("/api/search").GetProperty("get").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString());
        Assert.Equal(["q", "township"], parameters.Order());
    }
}
