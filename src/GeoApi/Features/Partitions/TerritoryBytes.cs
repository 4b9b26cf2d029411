using System.Runtime.CompilerServices;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using GridSpatial.Partitioner.Territories;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>A territory's WKB (little-endian, 2D, no SRID), written once per territory object: a
/// recompute carries all but a few territories over from the version before as the same objects (the
/// kept partition, <see cref="PublishedPartitions"/>), and the fingerprint of the version it starts from
/// and of the one it publishes, and keeping what it published, each wrote every territory again (on
/// 50,000 households, thousands of polygons three times per edit). An entry lives as long as its
/// territory and holds while its coordinates are the ones it was written from (<see cref="GeometryStamp"/>):
/// a territory changed in place is written again, so a fingerprint still tells it.</summary>
internal static class TerritoryBytes
{
    private sealed record Entry(long Stamp, byte[] Bytes);

    private static readonly ConditionalWeakTable<Geometry, Entry> Written = [];

    /// <summary>The bytes, shared: not to be changed.</summary>
    public static byte[] Of(Geometry territory)
    {
        long stamp = GeometryStamp.Of(territory);
        if (Written.TryGetValue(territory, out var entry) && entry.Stamp == stamp) return entry.Bytes;
        var bytes = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false, emitM: false).Write(territory);
        Written.AddOrUpdate(territory, new Entry(stamp, bytes));
        return bytes;
    }
}
