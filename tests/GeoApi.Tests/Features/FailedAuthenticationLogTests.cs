using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>A flood of bad keys costs a bounded amount of log: a second service on the test
/// database, with a logger provider that records every line it writes, answers 200 requests with
/// unknown keys.</summary>
[Collection("db")]
public sealed class FailedAuthenticationLogTests(DatabaseFixture db)
{
    private sealed class Recorder : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, string Message)> Lines { get; } = new();
        public bool On { get; set; }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(Recorder recorder, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (recorder.On) recorder.Lines.Enqueue((category, formatter(state, exception)));
            }
        }
    }

    [Fact]
    public async Task TwoHundredBadKeys_FromOneSource_LogABoundedAmount()
    {
        var recorder = new Recorder();
        await using var factory = db.Factory.WithWebHostBuilder(b => b
            .UseSetting("Hangfire:Server", "false")
            .UseSetting("Recompute:Enabled", "false")
            .ConfigureLogging(l => l.AddProvider(recorder)));
        using var http = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);

        recorder.On = true;
        for (int i = 0; i < 200; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/townships", UriKind.Relative));
            request.Headers.Add("X-Api-Key", $"gs_not_a_key_{i:D6}_xxxxxxxx");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        recorder.On = false;

        var lines = recorder.Lines.ToList();
        int bytes = lines.Sum(l => l.Category.Length + l.Message.Length);
        Assert.True(lines.Count <= 3 && bytes < 1024, $"{lines.Count} lines, {bytes} bytes:\n{string.Join("\n", lines.Take(5))}");
        Assert.Contains(lines, l => l.Message.Contains("Failed authentication", StringComparison.Ordinal));
    }
}
