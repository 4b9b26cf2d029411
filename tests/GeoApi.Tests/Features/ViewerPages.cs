using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The set-up a viewer browser test class shares: Debian's chromium launched once for the
/// class (<see cref="LaunchAsync"/> answers null when it is not installed: skip), pages signed in
/// with a key and opened at a township, drawn and ready (<see cref="OpenAsync"/>), every request that
/// leaves the service recorded in <see cref="Outside"/>, and keys made for one jurisdiction.</summary>
internal sealed class ViewerPages : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _address;

    private ViewerPages(IPlaywright playwright, IBrowser browser, string address) =>
        (_playwright, _browser, _address) = (playwright, browser, address);

    /// <summary>Requests of the class's pages that left loopback or went anywhere but the service.</summary>
    public List<string> Outside { get; } = [];

    /// <summary>Chromium for the service at <paramref name="address"/>, or null when Debian's chromium is not installed.</summary>
    public static async Task<ViewerPages?> LaunchAsync(string address)
    {
        if (!File.Exists(ViewerBrowser.Chromium)) return null;
        var playwright = await Playwright.CreateAsync();
        return new ViewerPages(playwright, await ViewerBrowser.LaunchAsync(playwright), address);
    }

    /// <summary>A page (1280 × 900, Chinese, downloads allowed) signed in with <paramref name="key"/>, opened at <paramref name="township"/> and ready.</summary>
    public async Task<IPage> OpenAsync(string township, string key)
    {
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "zh-CN", AcceptDownloads = true,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Api-Key"] = key } });
        ViewerBrowser.Watch(page, Outside, _address);
        await page.GotoAsync($"{_address}/?township={township}");
        await ViewerBrowser.ReadyAsync(page);
        return page;
    }

    /// <summary>A new key of <paramref name="role"/> for <paramref name="jurisdiction"/>, made with <paramref name="admin"/>.</summary>
    public static async Task<string> KeyAsync(HttpClient admin, string role, string jurisdiction, bool people = false)
    {
        var response = await admin.PostAsJsonAsync("/api/keys", new { name = $"viewer-{role}-{people}-{Guid.NewGuid():N}", role, jurisdiction, people });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
