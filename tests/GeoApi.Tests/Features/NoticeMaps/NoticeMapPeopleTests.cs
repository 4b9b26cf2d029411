using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features.NoticeMaps;

/// <summary>The notice map's 网格员 section read from the people register, as poppler reads the PDF:
/// a key with the people permission prints names and phones (and the read is audited); any other key
/// prints the roles only, never a name or phone; a village's page lists its grids' people.</summary>
[Collection("db")]
public sealed class NoticeMapPeopleTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627211";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        using var exists = await _http.GetAsync(new Uri($"/api/townships/{Code}", UriKind.Relative));
        if (exists.IsSuccessStatusCode) return;
        await Samples.ImportAsync(_http, new TownshipGenerator(211).Generate(Code, "公示人员镇", 108.4, 24.4, 700, urbanShare: 0), "villages", "buildings", "households");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> GridAsync(int skip)
    {
        await using var cmd = db.Db.CreateCommand("SELECT code::text FROM current_grid WHERE township_code = $1 ORDER BY code OFFSET $2 LIMIT 1");
        cmd.Parameters.AddWithValue(Code);
        cmd.Parameters.AddWithValue(skip);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<long> AssignAsync(string code, string name, string role, string phone)
    {
        var created = await _http.PostAsJsonAsync("/api/people", new { name, role, phone, jurisdiction = Code });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var person = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var assigned = await _http.PostAsJsonAsync($"/api/codes/{code}/people", new { personId = person, validFrom = "2026-01-01" });
        Assert.True(assigned.StatusCode == HttpStatusCode.Created, await assigned.Content.ReadAsStringAsync());
        return person;
    }

    private static async Task<string> PdfTextAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        return await Poppler.TextAsync(bytes);
    }

    private async Task<string> KeyAsync(bool people)
    {
        var response = await _http.PostAsJsonAsync("/api/keys", new { name = $"notice-people-{Guid.NewGuid():N}", role = "viewer", jurisdiction = Code, people });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task GridPdf_PeopleKey_PrintsNamesAndPhones_OtherKeysOnlyRoles()
    {
        var grid = await GridAsync(0);
        var person = await AssignAsync(grid, "赵公示", "grid_leader", "13700002110");

        using var reader = db.Client(await KeyAsync(people: true));
        var text = await PdfTextAsync(reader, $"/api/codes/{grid}/notice-map.pdf");
        Assert.Contains("网格长", text, StringComparison.Ordinal);
        Assert.Contains("赵公示", text, StringComparison.Ordinal);
        Assert.Contains("13700002110", text, StringComparison.Ordinal);
        Assert.DoesNotContain("未登记", text, StringComparison.Ordinal);

        using var plain = db.Client(await KeyAsync(people: false));
        text = await PdfTextAsync(plain, $"/api/codes/{grid}/notice-map.pdf");
        Assert.Contains("网格长", text, StringComparison.Ordinal);
        Assert.DoesNotContain("赵公示", text, StringComparison.Ordinal);
        Assert.DoesNotContain("13700002110", text, StringComparison.Ordinal);
        Assert.DoesNotContain("未登记", text, StringComparison.Ordinal);

        //-- The print with names is audited (the one without is not).
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long rows;
        while ((rows = await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'read_personal' AND detail->>'what' LIKE '%notice-map.pdf%' AND detail->'people' @> to_jsonb($1::bigint)", person)) == 0
               && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task VillagePdf_ListsItsGridsPeople_AndAGridWithoutPeopleSaysNotRegistered()
    {
        var grid = await GridAsync(1);
        await AssignAsync(grid, "钱村格", "full_time", "13700002111");
        var text = await PdfTextAsync(_http, $"/api/codes/{grid[..12]}/notice-map.pdf");
        Assert.Contains($"第{grid[^3..]}网格", text, StringComparison.Ordinal);
        Assert.Contains("专职网格员", text, StringComparison.Ordinal);
        Assert.Contains("钱村格", text, StringComparison.Ordinal);

        var last = await CountAsync("SELECT count(*) FROM current_grid WHERE township_code = $1", Code);
        var empty = await GridAsync((int)last - 1);
        Assert.NotEqual(grid, empty);
        Assert.Contains("未登记", await PdfTextAsync(_http, $"/api/codes/{empty}/notice-map.pdf"), StringComparison.Ordinal);
    }

    private async Task<long> CountAsync(string sql, object arg)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(arg);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
