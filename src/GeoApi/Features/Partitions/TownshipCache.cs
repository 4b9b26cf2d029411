namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>One entry for each of the few townships a recomputing process last worked on, the least
/// recently used dropped first; a process that runs no recomputes keeps nothing (capacity 0). What an
/// entry holds, and when it may still be used, is the holder's (<see cref="PublishedPartitions"/>,
/// <see cref="KeptInputs"/>); so are the counts of loads it answered, kept here per township.</summary>
internal sealed class TownshipCache<T>(int capacity) where T : class
{
    private readonly Dictionary<string, (T Value, long Used)> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _hits = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>The township's entry, marked as just used; null when none is kept.</summary>
    public T? Get(string township)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(township, out var e)) return null;
            _entries[township] = (e.Value, ++_clock);
            return e.Value;
        }
    }

    /// <summary>Replaces the township's entry with <paramref name="update"/> of the kept one (null when
    /// none); an update that returns what it was given keeps it as it is.</summary>
    public void Update(string township, Func<T?, T> update)
    {
        if (capacity == 0) return;
        lock (_entries)
        {
            _entries[township] = (update(_entries.TryGetValue(township, out var e) ? e.Value : null), ++_clock);
            if (_entries.Count > capacity) _entries.Remove(_entries.MinBy(x => x.Value.Used).Key);
        }
    }

    /// <summary>Drops the township's entry; only when it is still <paramref name="only"/>, when given.</summary>
    public void Remove(string township, T? only = null)
    {
        lock (_entries)
            if (only is null || _entries.TryGetValue(township, out var e) && ReferenceEquals(e.Value, only)) _entries.Remove(township);
    }

    /// <summary>Adds <paramref name="by"/> to the township's counters (as many as the holder counts).</summary>
    public void Count(string township, params int[] by)
    {
        lock (_hits)
        {
            var counts = _hits.TryGetValue(township, out var c) ? c : _hits[township] = new int[by.Length];
            for (var i = 0; i < by.Length; i++) counts[i] += by[i];
        }
    }

    /// <summary>The township's counters; zeros when nothing was counted.</summary>
    public int[] CountsOf(string township, int counters)
    {
        lock (_hits) return _hits.TryGetValue(township, out var c) ? [.. c] : new int[counters];
    }
}
