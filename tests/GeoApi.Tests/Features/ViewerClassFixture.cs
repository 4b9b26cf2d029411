using Microsoft.Playwright;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>What the tests of one viewer class share (an xUnit class fixture): one Debian chromium
/// and the class's township. Launching chromium and importing and partitioning a township cost a
/// few seconds each on two cores, and xUnit runs <c>InitializeAsync</c> before every test, so a
/// class that did both there paid them once per test. Each test still gets pages of its own, in
/// browser contexts of their own (<see cref="ViewerPages"/>), closed when it ends.</summary>
/// <remarks>An xUnit 2 class fixture cannot take the collection fixture (<see cref="ViewerDatabaseFixture"/>), so the township is set
/// up by the first test that asks (<see cref="OnceAsync"/>), with the database it is handed.</remarks>
public sealed class ViewerClassFixture : IAsyncLifetime, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private DatabaseFixture? _setUpOn;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The class's chromium, launched by the first test that asks, and again should it
    /// have gone (a crash in one test leaves the next a working browser); null when Debian's
    /// chromium is not installed.</summary>
    public async Task<IBrowser?> BrowserAsync()
    {
        if (!File.Exists(ViewerBrowser.Chromium)) return null;
        await _gate.WaitAsync();
        try
        {
            if (_browser is { IsConnected: true }) return _browser;
            if (_browser is not null) await _browser.DisposeAsync();
            _playwright ??= await Playwright.CreateAsync();
            return _browser = await ViewerBrowser.LaunchAsync(_playwright);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="setUp"/> once for the class on <paramref name="db"/>: the first
    /// test runs it and the others find it done. A set-up that failed is run again by the next test,
    /// which then fails with its own exception rather than a stale one.</summary>
    public async Task OnceAsync(DatabaseFixture db, Func<Task> setUp)
    {
        await _gate.WaitAsync();
        try
        {
            if (ReferenceEquals(_setUpOn, db)) return;
            await setUp();
            _setUpOn = db;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    public void Dispose() => _gate.Dispose();
}
