using System.Collections.Concurrent;

namespace GridSpatial.GeoApi.Features.Access;

/// <summary>Failed authentications (unknown or revoked keys), logged at most once per source (the
/// client's address) per <see cref="Window"/>: the first failure of a window is logged with its
/// reason and how many failures of the source the previous window left unlogged; the others are
/// only counted. A flood of bad keys costs a line per source per minute, not a line per request,
/// and the table of sources is bounded.</summary>
public sealed partial class FailedAuthenticationLog(ILogger<FailedAuthenticationLog> logger, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxSources = 10_000;

    private sealed class Source(DateTimeOffset start)
    {
        public DateTimeOffset Start = start;
        public int Unlogged;
    }

    private readonly ConcurrentDictionary<string, Source> _sources = new(StringComparer.Ordinal);

    public void Record(string source, string reason)
    {
        var now = clock.GetUtcNow();
        if (_sources.Count >= MaxSources && !_sources.ContainsKey(source))
        {
            foreach (var (k, s) in _sources)
                if (now - s.Start >= Window) _sources.TryRemove(k, out _);
            //-- Still full: every further source shares one entry.
            if (_sources.Count >= MaxSources) source = "(other sources)";
        }
        int unlogged;
        var entry = _sources.GetOrAdd(source, _ => new Source(DateTimeOffset.MinValue));
        lock (entry)
        {
            if (now - entry.Start < Window)
            {
                entry.Unlogged++;
                return;
            }
            unlogged = entry.Unlogged;
            (entry.Start, entry.Unlogged) = (now, 0);
        }
        LogFailed(source, reason, unlogged, Window.TotalSeconds);
    }

    [LoggerMessage(LogLevel.Warning, "Failed authentication from {Source}: {Reason} ({Unlogged} earlier failures unlogged; at most one line per source per {WindowSeconds} s)")]
    private partial void LogFailed(string source, string reason, int unlogged, double windowSeconds);
}
