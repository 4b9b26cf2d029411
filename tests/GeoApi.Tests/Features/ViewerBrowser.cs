using System.Text.Json;
using Microsoft.Playwright;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>What the viewer's browser tests share: Debian's chromium (headless, no network of its
/// own), the wait for a page that has drawn every tile, and screen positions. Pages record every
/// request that leaves loopback.</summary>
internal static class ViewerBrowser
{
    public const string Chromium = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright) => await playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    /// <summary>TestResults/screenshots, where every viewer test keeps its screenshots.</summary>
    public static string Screenshots()
    {
        var dir = Path.Combine(Samples.Root(), "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Records into <paramref name="outside"/> every request of the page that leaves loopback or goes to none of <paramref name="allowed"/>.</summary>
    public static void Watch(IPage page, List<string> outside, params string[] allowed) => page.Request += (_, r) =>
    {
        var url = new Uri(r.Url);
        if (url.Scheme is "data" or "blob") return;
        if (url.Host is not ("127.0.0.1" or "localhost") || !allowed.Any(a => r.Url.StartsWith(a, StringComparison.Ordinal))) lock (outside) outside.Add(r.Url);
    };

    /// <summary>Waits until the page has signed in, loaded its township and drawn every tile.</summary>
    public static async Task ReadyAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => window.gridspatial !== undefined");
        //-- A deadline of its own: Playwright's evaluate has none.
        await page.EvaluateAsync("() => Promise.race([window.gridspatial.ready, new Promise((_, no) => setTimeout(() => no(new Error('the viewer was not ready within 60 s')), 60000))])");
        await IdleAsync(page);
    }

    /// <summary>Waits (with a deadline) until every tile of the view is in.</summary>
    public static async Task IdleAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => window.gridspatial.map.loaded() && window.gridspatial.map.areTilesLoaded()", null, new() { Timeout = 30_000 });

    /// <summary>Screen position of a lon/lat on the page.</summary>
    public static async Task<(float X, float Y)> ToScreenAsync(IPage page, double lon, double lat)
    {
        var p = await page.EvaluateAsync<JsonElement>(
            "([lon, lat]) => { const m = window.gridspatial.map; const r = m.getContainer().getBoundingClientRect(); const p = m.project([lon, lat]); return [r.left + p.x, r.top + p.y]; }",
            new[] { lon, lat });
        return ((float)p[0].GetDouble(), (float)p[1].GetDouble());
    }

    public static async Task ZoomToAsync(IPage page, double lon, double lat, double zoom)
    {
        //-- Listen before moving and ask for a repaint, so an idle event comes even when the view does not change.
        await page.EvaluateAsync("([lon, lat, z]) => new Promise(r => { const m = window.gridspatial.map; m.once('idle', () => r()); m.jumpTo({ center: [lon, lat], zoom: z }); m.triggerRepaint(); setTimeout(r, 15000); })",
            new object[] { lon, lat, zoom });
        await IdleAsync(page);
    }
}
