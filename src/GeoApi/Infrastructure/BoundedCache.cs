using System.Collections.Concurrent;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Values that are cheap to make again (an answer's serialized bytes), at most about
/// <paramref name="capacity"/> of them: past that the cache starts over. A working set below the
/// bound stays cached; a province of keys asked about over days never piles up in memory. Keys are
/// values, never the snapshot an answer came from: a key holding a snapshot would keep every replaced
/// one alive until the cache starts over.</summary>
public sealed class BoundedCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _items = new();
    //-- Counted here: ConcurrentDictionary.Count takes every lock.
    private int _count;

    public TValue GetOrAdd(TKey key, Func<TKey, TValue> make) => GetOrAdd(key, static (key, make) => make(key), make);

    /// <summary>The same, made from <paramref name="arg"/> (no closure allocated per call on the hot path).</summary>
    public TValue GetOrAdd<TArg>(TKey key, Func<TKey, TArg, TValue> make, TArg arg)
    {
        if (_items.TryGetValue(key, out var value)) return value;
        value = make(key, arg);
        if (Interlocked.Increment(ref _count) > capacity)
        {
            _items.Clear();
            Interlocked.Exchange(ref _count, 1);
        }
        return _items.GetOrAdd(key, value);
    }
}
