using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features.Subscriptions;

/// <summary>Change notifications delivered to a real receiver on loopback through Hangfire on
/// PostgreSQL: signed (the receiver recomputes the HMAC), retried after a 500 with the same
/// idempotency key, in order and without loss while the receiver is down, and logged.</summary>
[Collection("db")]
public class SubscriptionTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627212";
    private const string Secret = "receiver-secret-0123456789";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        using var exists = await _http.GetAsync(new Uri($"/api/townships/{Code}", UriKind.Relative));
        if (exists.IsSuccessStatusCode) return;
        await Samples.ImportAsync(_http, new TownshipGenerator(212).Generate(Code, "订阅镇", 108.7, 24.7, 400, urbanShare: 0), "villages", "buildings", "households");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> SubscribeAsync(string url, params string[] events)
    {
        var response = await _http.PostAsJsonAsync("/api/subscriptions", new { url, secret = Secret, townshipPrefix = Code, events });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static void AssertSigned(LoopbackReceiver.Received r)
    {
        var stamp = r.Headers["X-GridSpatial-Timestamp"];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(stamp + ".").Concat(r.Body).ToArray()));
        Assert.Equal(expected, r.Headers["X-GridSpatial-Signature"]);
        Assert.InRange(long.Parse(stamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 300, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
    }

    private static async Task UntilAsync(Func<bool> done, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, what());
            await Task.Delay(100);
        }
    }

    private async Task<long> PersonAsync(string name)
    {
        var created = await _http.PostAsJsonAsync("/api/people", new { name, role = "volunteer", phone = "13600002120", jurisdiction = Code });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task Publish_ArrivesSigned_RetriedAfterA500WithOneIdempotencyKey_AndLogged()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Status = n => n < 2 ? 500 : 204;
        var subscription = await SubscribeAsync(receiver.Url, "version.published");

        //-- A split publishes a version: codes added, the unit split, households moved.
        var micro = await ScalarAsync<string>("""
            SELECT code::text FROM current_micro_grid WHERE township_code = $1 AND kind = 'cluster' AND household_count >= 8 ORDER BY code LIMIT 1
            """);
        var line = await ScalarAsync<string>("""
            SELECT ST_AsGeoJSON(ST_MakeLine(ST_MakePoint(ST_XMin(m.geom) - 0.001, ST_Y(ST_PointOnSurface(m.geom))), ST_MakePoint(ST_XMax(m.geom) + 0.001, ST_Y(ST_PointOnSurface(m.geom)))))
            FROM current_micro_grid m WHERE m.township_code = $1 AND m.code = $2
            """, micro);
        var split = await _http.PostAsync(new Uri($"/api/codes/{micro}/split", UriKind.Relative),
            new StringContent($$"""{"geometry": {{line}}, "reason": "webhook test"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, split.StatusCode);
        var result = await split.Content.ReadFromJsonAsync<JsonElement>();
        var added = result.GetProperty("changes").EnumerateArray().Where(c => c.GetProperty("change").GetString() == "added").Select(c => c.GetProperty("code").GetString()!).ToList();
        int version = result.GetProperty("version").GetInt32();

        await UntilAsync(() => receiver.All.Any(r => r.Answered == 204), TimeSpan.FromSeconds(60), () => $"received {receiver.All.Count}, none answered 204");
        var all = receiver.All;
        Assert.Equal([500, 500, 204], all.Select(r => r.Answered));
        Assert.Single(all.Select(r => r.Headers["X-GridSpatial-Delivery"]).Distinct());
        Assert.All(all, AssertSigned);
        Assert.All(all, r => Assert.Equal(all[0].Body, r.Body));

        var payload = JsonDocument.Parse(all[^1].Body).RootElement;
        Assert.Equal("version.published", payload.GetProperty("event").GetString());
        Assert.Equal(all[0].Headers["X-GridSpatial-Delivery"], payload.GetProperty("id").GetString());
        Assert.Equal(Code, payload.GetProperty("township").GetString());
        var data = payload.GetProperty("data");
        Assert.Equal(version, data.GetProperty("version").GetInt32());
        Assert.Equal(added.Order(StringComparer.Ordinal), data.GetProperty("added").EnumerateArray().Select(a => a.GetProperty("code").GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains(data.GetProperty("split").EnumerateArray(), s => s.GetProperty("code").GetString() == micro
            && s.GetProperty("into").EnumerateArray().Any(i => added.Contains(i.GetString()!)));
        var moved = data.GetProperty("householdsMoved").EnumerateArray().ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, m => Assert.Equal(micro, m.GetProperty("from").GetString()));
        Assert.Equal(moved.Count, await ScalarAsync<long>(
            "SELECT count(*) FROM current_assignment WHERE township_code = $1 AND micro_grid_code = ANY($2)", (object)added.ToArray()));

        var log = Assert.Single((await _http.GetFromJsonAsync<JsonElement>($"/api/subscriptions/{subscription}/deliveries")).EnumerateArray());
        Assert.Equal(3, log.GetProperty("attempts").GetInt32());
        Assert.Equal("delivered", log.GetProperty("state").GetString());
        Assert.Equal([500, 500, 204], log.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("status").GetInt32()));
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(new Uri($"/api/subscriptions/{subscription}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task AssignmentChanges_WhileTheReceiverIsDown_AllArriveInOrder_NothingLost()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        bool down = true;
        receiver.Status = _ => Volatile.Read(ref down) ? 503 : 200;
        var subscription = await SubscribeAsync(receiver.Url, "assignment.changed");
        var grid = await ScalarAsync<string>("SELECT code::text FROM current_grid WHERE township_code = $1 ORDER BY code DESC LIMIT 1");
        var people = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            var person = await PersonAsync($"订阅员{i}");
            people.Add(person);
            var assigned = await _http.PostAsJsonAsync($"/api/codes/{grid}/people", new { personId = person, validFrom = "2026-01-01" });
            Assert.Equal(HttpStatusCode.Created, assigned.StatusCode);
        }
        //-- Down for a while: attempts fail and are retried, later notifications wait behind the first.
        await UntilAsync(() => receiver.All.Count >= 2, TimeSpan.FromSeconds(30), () => $"only {receiver.All.Count} attempts while down");
        Assert.All(receiver.All, r => Assert.Equal(receiver.All[0].Headers["X-GridSpatial-Delivery"], r.Headers["X-GridSpatial-Delivery"]));
        Volatile.Write(ref down, false);

        await UntilAsync(() => receiver.All.Count(r => r.Answered == 200) >= 3, TimeSpan.FromSeconds(60), () => $"{receiver.All.Count(r => r.Answered == 200)} of 3 delivered");
        var delivered = receiver.All.Where(r => r.Answered == 200).ToList();
        Assert.All(delivered, AssertSigned);
        var keys = delivered.Select(r => r.Headers["X-GridSpatial-Delivery"]).ToList();
        Assert.Equal(3, keys.Distinct().Count());
        var bodies = delivered.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(people, bodies.Select(b => b.GetProperty("data").GetProperty("personId").GetInt64()));
        Assert.All(bodies, b =>
        {
            Assert.Equal("assignment.changed", b.GetProperty("event").GetString());
            Assert.Equal("added", b.GetProperty("data").GetProperty("change").GetString());
            Assert.Equal(grid, b.GetProperty("data").GetProperty("code").GetString());
        });
        //-- No name or phone in a notification.
        Assert.All(delivered, r => Assert.DoesNotContain("订阅员", Encoding.UTF8.GetString(r.Body), StringComparison.Ordinal));
        Assert.All(delivered, r => Assert.DoesNotContain("13600002120", Encoding.UTF8.GetString(r.Body), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(new Uri($"/api/subscriptions/{subscription}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task PersonDeleted_EachOfTheirAssignmentsIsNotifiedAsRemoved_AfterItWasAdded()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Status = _ => 204;
        var subscription = await SubscribeAsync(receiver.Url, "assignment.changed");
        var units = new List<string>();
        await using (var cmd = db.Db.CreateCommand("SELECT code::text FROM current_micro_grid WHERE township_code = $1 ORDER BY code LIMIT 2"))
        {
            cmd.Parameters.AddWithValue(Code);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) units.Add(r.GetString(0));
        }
        var person = await PersonAsync("离任网格员");
        var ids = new List<long>();
        foreach (var unit in units)
        {
            var assigned = await _http.PostAsJsonAsync($"/api/codes/{unit}/people", new { personId = person, validFrom = "2026-01-01" });
            Assert.Equal(HttpStatusCode.Created, assigned.StatusCode);
            ids.Add(long.Parse(assigned.Headers.Location!.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(new Uri($"/api/people/{person}", UriKind.Relative))).StatusCode);

        await UntilAsync(() => receiver.All.Count(r => r.Answered == 204) >= 4, TimeSpan.FromSeconds(60), () => $"{receiver.All.Count(r => r.Answered == 204)} of 4 delivered");
        var data = receiver.All.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data")).ToList();
        Assert.Equal([.. ids.Select(id => (id, "added")), .. ids.Select(id => (id, "removed"))],
            data.Select(d => (d.GetProperty("assignmentId").GetInt64(), d.GetProperty("change").GetString())));
        Assert.Equal([.. units, .. units], data.Select(d => d.GetProperty("code").GetString()));
        Assert.All(data, d => Assert.Equal(person, d.GetProperty("personId").GetInt64()));
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(new Uri($"/api/subscriptions/{subscription}", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("""{"url": "ftp://example.org/x", "townshipPrefix": "530627212"}""", "url")]
    [InlineData("""{"url": "http://127.0.0.1:9/x", "secret": "short", "townshipPrefix": "530627212"}""", "secret")]
    [InlineData("""{"url": "http://127.0.0.1:9/x", "townshipPrefix": "53a"}""", "townshipPrefix")]
    [InlineData("""{"url": "http://127.0.0.1:9/x", "townshipPrefix": "530627212", "events": ["codes.renamed"]}""", "events")]
    public async Task BadSubscription_IsAProblemNamingTheField(string body, string field)
    {
        var response = await _http.PostAsync(new Uri("/api/subscriptions", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
