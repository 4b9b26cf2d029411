using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The viewer's sign-in over real HTTP: a key is traded for an HttpOnly, SameSite=Strict
/// session cookie that authenticates alone, says what the key may do, stops working on logout
/// or when the key is revoked; an unknown key is a 401 naming the field.</summary>
[Collection("db")]
public sealed class SessionTests(DatabaseFixture db) : IDisposable
{
    private readonly HttpClient _admin = db.Client();
    private readonly HttpClient _raw = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(db.Address) };

    public void Dispose() => _raw.Dispose();

    private async Task<(long Id, string Key)> CreateKey(string role)
    {
        var response = await _admin.PostAsJsonAsync("/api/keys", new { name = $"session-{role}-{Guid.NewGuid():N}", role, jurisdiction = "530627176" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetInt64(), body.GetProperty("key").GetString()!);
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string? cookie, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri("/api/session", UriKind.Relative));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Origin", db.Address);
        return await _raw.SendAsync(request);
    }

    [Fact]
    public async Task SignIn_WithAKey_SetsAStrictHttpOnlyCookie_ThatSaysWhatTheKeyMayDo()
    {
        var (_, key) = await CreateKey("viewer");
        var signIn = await Send(HttpMethod.Post, null, JsonSerializer.Serialize(new { key }));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var setCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("gridspatial_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(key, setCookie, StringComparison.Ordinal);
        var cookie = setCookie.Split(';')[0];

        var session = await (await Send(HttpMethod.Get, cookie)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("viewer", session.GetProperty("role").GetString());
        Assert.Equal("530627176", session.GetProperty("jurisdiction").GetString());
        var permissions = session.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("read", permissions);
        Assert.DoesNotContain("edit", permissions);

        var (_, editorKey) = await CreateKey("editor");
        var editor = await (await Send(HttpMethod.Post, null, JsonSerializer.Serialize(new { key = editorKey }))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("edit", editor.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task SignOut_AndRevokingTheKey_EndTheSession()
    {
        var (id, key) = await CreateKey("viewer");
        async Task<string> Open() => (await Send(HttpMethod.Post, null, JsonSerializer.Serialize(new { key }))).Headers.GetValues("Set-Cookie").First().Split(';')[0];

        var first = await Open();
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, first)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Delete, first)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, first)).StatusCode);

        var second = await Open();
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, second)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync(new Uri($"/api/keys/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, second)).StatusCode);
    }

    [Theory]
    [InlineData("""{"key":"gs_this_key_does_not_exist_at_all"}""")]
    [InlineData("""{"key":""}""")]
    [InlineData("{}")]
    public async Task SignIn_WithAnUnknownKey_Is401NamingTheKey_AndSetsNoCookie(string body)
    {
        var response = await Send(HttpMethod.Post, null, body);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("key", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task SessionCookie_FromAForeignPage_CannotWrite()
    {
        var (_, key) = await CreateKey("editor");
        var cookie = (await Send(HttpMethod.Post, null, JsonSerializer.Serialize(new { key }))).Headers.GetValues("Set-Cookie").First().Split(';')[0];
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/townships/530627176/partition", UriKind.Relative))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Origin", "https://evil.example");
        var response = await _raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Origin", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }
}
