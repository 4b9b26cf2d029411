using System.Collections.Concurrent;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Tiles;

/// <summary>Cut tiles kept in memory, keyed by layer, tile and stamp. A publish or data change
/// drops the tiles over the township that changed (their stamps could no longer be asked for
/// anyway); past the byte budget the cache starts over, which is cheap next to cutting.</summary>
public sealed class TileCache
{
    private sealed record Entry(byte[] Data, Envelope LonLat);

    private readonly ConcurrentDictionary<(string Layer, int Z, int X, int Y, ulong Stamp), Entry> _tiles = new();
    private readonly long _budget;
    private long _bytes;

    public TileCache(TileStamps stamps, IConfiguration config)
    {
        _budget = config.GetValue("Tiles:CacheMegabytes", 256L) * 1024 * 1024;
        stamps.Changed += Drop;
    }

    public int Count => _tiles.Count;

    /// <summary>Off, every request cuts its tile (the benchmark measures both).</summary>
    public bool Enabled { get; set; } = true;

    public bool TryGet(string layer, int z, int x, int y, ulong stamp, out byte[] data)
    {
        if (Enabled && _tiles.TryGetValue((layer, z, x, y, stamp), out var e)) { data = e.Data; return true; }
        data = [];
        return false;
    }

    public void Add(string layer, int z, int x, int y, ulong stamp, byte[] data, Envelope lonLat)
    {
        if (_budget <= 0 || !Enabled) return;
        if (Interlocked.Add(ref _bytes, data.Length) > _budget) Clear();
        _tiles[(layer, z, x, y, stamp)] = new Entry(data, lonLat);
    }

    private void Drop(Envelope changed)
    {
        foreach (var (key, e) in _tiles)
            if (e.LonLat.Intersects(changed) && _tiles.TryRemove(key, out var gone))
                Interlocked.Add(ref _bytes, -gone.Data.Length);
    }

    private void Clear()
    {
        _tiles.Clear();
        Interlocked.Exchange(ref _bytes, 0);
    }
}
