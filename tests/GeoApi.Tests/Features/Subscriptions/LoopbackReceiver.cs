using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GridSpatial.GeoApi.Tests.Features.Subscriptions;

/// <summary>A webhook receiver on 127.0.0.1 (a real Kestrel on a free port): records every POST
/// (headers, exact body bytes) and answers the status <see cref="Status"/> chooses for it.</summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    public sealed record Received(int Index, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Answered);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private int _count;

    private LoopbackReceiver(WebApplication app) => _app = app;

    /// <summary>The status to answer the n-th request (0-based); 200 by default.</summary>
    public Func<int, int> Status { get; set; } = _ => 200;

    public string Url { get; private set; } = "";

    public IReadOnlyList<Received> All => [.. _received.OrderBy(r => r.Index)];

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            int index = Interlocked.Increment(ref receiver._count) - 1;
            int status = receiver.Status(index);
            receiver._received.Enqueue(new Received(index, http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray(), status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
