using System.Collections.Concurrent;
using System.Net;
using GridSpatial.GeoApi.Features.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>A flood of bad keys costs a bounded amount of log: the service, with a logger provider
/// added to it that records every line, answers 200 requests with unknown keys; and the limiter
/// itself, on a clock of the test's, writes one line per source per minute with the count it held back.</summary>
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

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task TwoHundredBadKeys_FromOneSource_LogABoundedAmount()
    {
        var recorder = new Recorder();
        //-- Added to the running service; it records only while switched on.
        db.Factory.Services.GetRequiredService<ILoggerFactory>().AddProvider(recorder);
        using var http = db.Client(null);
        recorder.On = true;
        for (int i = 0; i < 200; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/townships", UriKind.Relative));
            request.Headers.Add("X-Api-Key", $"gs_not_a_key_{i:D6}_xxxxxxxx");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        recorder.On = false;

        //-- Background jobs may log meanwhile: only what requests and authentication write counts.
        var lines = recorder.Lines.Where(l => l.Category.StartsWith("GridSpatial.GeoApi.Features.Access", StringComparison.Ordinal)
            || l.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)).ToList();
        int bytes = lines.Sum(l => l.Category.Length + l.Message.Length);
        Assert.True(lines.Count <= 2 && bytes < 1024, $"{lines.Count} lines, {bytes} bytes:\n{string.Join("\n", lines.Take(5))}");
    }

    [Fact]
    public void Record_TwoHundredFailuresOfOneSourceInAMinute_LogsOneLineThenTheCount()
    {
        var recorder = new Recorder { On = true };
        using var logging = LoggerFactory.Create(b => b.AddProvider(recorder));
        var clock = new Clock();
        var log = new FailedAuthenticationLog(logging.CreateLogger<FailedAuthenticationLog>(), clock);
        for (int i = 0; i < 200; i++)
        {
            log.Record("10.0.0.1", "Unknown or revoked API key.");
            clock.Now += TimeSpan.FromMilliseconds(100);
        }
        log.Record("10.0.0.2", "Unknown or revoked API key.");
        Assert.Equal(2, recorder.Lines.Count);
        clock.Now += FailedAuthenticationLog.Window;
        log.Record("10.0.0.1", "Unknown or revoked API key.");
        Assert.Equal(3, recorder.Lines.Count);
        Assert.Contains("(199 earlier failures unlogged", recorder.Lines.Last().Message, StringComparison.Ordinal);
    }
}
