using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Cross-site request forgery with the viewer's cookie: writes it carries are refused
/// from foreign origins and with form bodies (nothing enqueued), allowed from the service's own
/// pages with JSON; keys in the header are unaffected. The requests go over real HTTP to the
/// service, with the Cookie header set by hand.</summary>
[Collection("db")]
public sealed class CookieWriteTests(DatabaseFixture db) : IAsyncLifetime, IDisposable
{
    private const string Code = "530627194", Foreign = "https://evil.example";
    private readonly HttpClient _admin = db.Client();
    private readonly HttpClient _raw = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(db.Address) };
    private string _editor = "";

    public async Task InitializeAsync()
    {
        await Samples.ImportAsync(_admin, new TownshipGenerator(194).Generate(Code, "跨站镇", 104.80, 28.50, 300), "villages", "households");
        var response = await _admin.PostAsJsonAsync("/api/keys", new { name = $"cookie-editor-{Guid.NewGuid():N}", role = "editor", jurisdiction = Code });
        _editor = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _raw.Dispose();

    private async Task<HttpResponseMessage> Send(string path, string? cookie = null, string? header = null, string? origin = null, string? referer = null,
        HttpContent? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = body };
        if (cookie is not null) request.Headers.Add("Cookie", $"gridspatial_key={cookie}");
        if (header is not null) request.Headers.Add("X-Api-Key", header);
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (referer is not null) request.Headers.Referrer = new Uri(referer);
        return await _raw.SendAsync(request);
    }

    private static FormUrlEncodedContent Form(params (string, string)[] fields) => new(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));

    private static StringContent Json() => new("{}", Encoding.UTF8, "application/json");

    /// <summary>Jobs whose method and arguments mention both strings (the scheduler enqueues recomputes of its own).</summary>
    private async Task<long> Jobs(string a, string b)
    {
        await using var cmd = db.Db.CreateCommand(
            "SELECT count(*) FROM hangfire.job WHERE invocationdata::text || arguments::text LIKE '%' || $1 || '%' AND invocationdata::text || arguments::text LIKE '%' || $2 || '%'");
        cmd.Parameters.AddWithValue(a);
        cmd.Parameters.AddWithValue(b);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<string?> Field(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("field", out var f) ? f.GetString() : null;

    [Fact]
    public async Task CookieWrite_FromAForeignOriginWithAForm_IsRefusedAndEnqueuesNothing()
    {
        var before = await Jobs(Code, "requested through the API");
        var partition = await Send($"/api/townships/{Code}/partition", cookie: _editor, origin: Foreign, body: Form(("force", "true")));
        Assert.Equal(HttpStatusCode.Forbidden, partition.StatusCode);
        Assert.Equal("Origin", await Field(partition));
        var noOrigin = await Send($"/api/townships/{Code}/partition", cookie: _editor, body: Json());
        Assert.Equal(HttpStatusCode.Forbidden, noOrigin.StatusCode);
        var sameOriginForm = await Send($"/api/townships/{Code}/partition", cookie: _editor, origin: db.Address, body: Form(("force", "true")));
        Assert.Equal(HttpStatusCode.Forbidden, sameOriginForm.StatusCode);
        Assert.Equal("Content-Type", await Field(sameOriginForm));
        var plainText = await Send($"/api/townships/{Code}/partition", cookie: _editor, origin: db.Address, body: new StringContent("{}", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Forbidden, plainText.StatusCode);
        Assert.Equal(before, await Jobs(Code, "requested through the API"));

        var checks = await Jobs("ConsistencyJob", "CheckAsync");
        var trigger = await Send("/hangfire/recurring/trigger", cookie: db.AdminKey, origin: Foreign, body: Form(("jobs[]", "consistency-check")));
        Assert.Equal(HttpStatusCode.Forbidden, trigger.StatusCode);
        Assert.Equal(checks, await Jobs("ConsistencyJob", "CheckAsync"));
    }

    [Fact]
    public async Task CookieWrite_FromTheServicesOwnPagesWithJson_IsAllowed()
    {
        var partition = await Send($"/api/townships/{Code}/partition", cookie: _editor, origin: db.Address, body: Json());
        Assert.Equal(HttpStatusCode.Accepted, partition.StatusCode);
        var byReferer = await Send($"/api/townships/{Code}/partition", cookie: _editor, referer: $"{db.Address}/?township={Code}");
        Assert.Equal(HttpStatusCode.Accepted, byReferer.StatusCode);
        //-- The dashboard's own buttons post forms from its own pages.
        var trigger = await Send("/hangfire/recurring/trigger", cookie: db.AdminKey, origin: db.Address, body: Form(("jobs[]", "consistency-check")));
        Assert.Equal(HttpStatusCode.NoContent, trigger.StatusCode);
    }

    [Fact]
    public async Task HeaderKeyWrite_FromAnyOriginWithAnyBody_IsUnaffected()
    {
        var partition = await Send($"/api/townships/{Code}/partition", header: _editor, origin: Foreign, body: Form(("force", "true")));
        Assert.Equal(HttpStatusCode.Accepted, partition.StatusCode);
    }

    [Fact]
    public async Task KeyParameter_AuthenticatesThatRequestOnly_AndLeavesNoKeyInACookie()
    {
        //-- The page trades ?key= for a session (SessionTests, ViewerTests); the key itself is never kept by the browser.
        using var page = await _raw.GetAsync(new Uri($"/?key={Uri.EscapeDataString(_editor)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("Set-Cookie"));
        using var data = await _raw.GetAsync(new Uri($"/api/townships/{Code}?key={Uri.EscapeDataString(_editor)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, data.StatusCode);
        Assert.False(data.Headers.Contains("Set-Cookie"));
    }
}
