using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>One test's pages in the class's chromium (<see cref="ViewerClassFixture"/>): each page in
/// a browser context of its own, signed in with a key and opened at a township, drawn and ready
/// (<see cref="OpenAsync"/>); every request that leaves the service recorded in <see cref="Outside"/>;
/// keys made for one jurisdiction. Disposing closes the test's pages, so none is left drawing or
/// holding a session while the next test runs in the same browser.</summary>
internal sealed class ViewerPages : IAsyncDisposable
{
    private readonly IBrowser _browser;
    private readonly string _address;
    private readonly List<IPage> _pages = [];

    private ViewerPages(IBrowser browser, string address) => (_browser, _address) = (browser, address);

    /// <summary>Requests of this test's pages that left loopback or went anywhere but the service.</summary>
    public List<string> Outside { get; } = [];

    /// <summary>Pages for the service at <paramref name="address"/> in the class's chromium, or null when Debian's chromium is not installed.</summary>
    public static async Task<ViewerPages?> ForAsync(ViewerClassFixture shared, string address) =>
        await shared.BrowserAsync() is { } browser ? new ViewerPages(browser, address) : null;

    /// <summary>A new page, in a context of its own, recording requests that leave the service.</summary>
    public async Task<IPage> NewPageAsync(BrowserNewPageOptions options)
    {
        var page = await _browser.NewPageAsync(options);
        lock (_pages) _pages.Add(page);
        ViewerBrowser.Watch(page, Outside, _address);
        return page;
    }

    /// <summary>A page (1280 × 900, Chinese, downloads allowed) signed in with <paramref name="key"/>, opened at <paramref name="township"/> and ready.</summary>
    public async Task<IPage> OpenAsync(string township, string key) =>
        await OpenAsync(township, new BrowserNewPageOptions { ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "zh-CN", AcceptDownloads = true,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Api-Key"] = key } });

    /// <summary>A page made with <paramref name="options"/>, opened at <paramref name="township"/> and ready.</summary>
    public async Task<IPage> OpenAsync(string township, BrowserNewPageOptions options)
    {
        var page = await NewPageAsync(options);
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

    /// <summary>Closes every page of the test (a page made by the browser closes its context with it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_browser.IsConnected) return;
        IPage[] pages;
        lock (_pages) pages = [.. _pages];
        foreach (var page in pages) await page.CloseAsync();
    }
}
