using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GridSpatial.GeoApi.Cli;

/// <summary>The service the benchmarks measure: started in this process on a free loopback
/// port with a fresh administrator key and no rate limit (the load generator is the point),
/// stopped when disposed.</summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchHost(WebApplication app, string key)
    {
        _app = app;
        Key = key;
        Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public string Address { get; }
    public string Key { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<BenchHost> StartAsync(params string[] settings)
    {
        var key = KeysCommand.BootstrapForBench();
        var app = ApiHost.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
            "--Limits:RequestsPerSecond=1000000", "--Limits:Burst=1000000", .. settings]);
        await app.StartAsync();
        return new BenchHost(app, key);
    }

    /// <summary>A client of the service with the key.</summary>
    public HttpClient Client(int maxConnections = 256) => Client(Address, Key, maxConnections);

    /// <summary>A client of the service at <paramref name="address"/> (this one, or an API process a bench started) with <paramref name="key"/>.</summary>
    public static HttpClient Client(string address, string key, int maxConnections = 256)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(address),
        };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        //-- A job still running past the shutdown timeout must not hide why the bench stopped.
        try { await _app.StopAsync(); }
        catch (OperationCanceledException) { Console.Error.WriteLine("bench: the service did not stop within its shutdown timeout"); }
        await _app.DisposeAsync();
    }
}
