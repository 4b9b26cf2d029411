using System.Text.Json;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>The published partition of the few townships this process last read or published, each
/// for one version: a recompute after an edit starts from the version it published itself instead of
/// reading and parsing the township's units, assignments and code history again (most of the load of
/// a large township). Versions never change once published, so an entry is used only while its
/// version is the township's current one (another process's publish moves that on) with the same
/// creation time (a township deleted and imported again numbers its versions afresh), and only when it
/// still has the fingerprint the database stored for that version. What is kept is the partition's
/// units, assignments, code history and report as <see cref="PartitionStore"/> reads them back:
/// territories in SRID 4326, a one-part MultiPolygon as its Polygon, floor runs with equal territories
/// sharing one object, the report through its JSON (kept in a <see cref="TownshipCache{T}"/>).</summary>
public sealed class PublishedPartitions(int capacity = PublishedPartitions.DefaultCapacity)
{
    /// <summary>Townships kept (a large township's partition is tens of megabytes).</summary>
    public const int DefaultCapacity = 4;

    private sealed record Entry(int Version, DateTime Created, Partition Partition);

    private readonly TownshipCache<Entry> _entries = new(capacity);

    /// <summary>The township's partition at <paramref name="version"/> (the row created at
    /// <paramref name="created"/>) when it is kept and its fingerprint is <paramref name="fingerprint"/>
    /// (the stored one); null otherwise.</summary>
    public Partition? Get(string township, int version, DateTime created, byte[]? fingerprint)
    {
        if (_entries.Get(township) is not { } entry || entry.Version != version || entry.Created != created) return null;
        //-- Checked at every use: nothing may have changed the kept objects since (geometries are mutable;
        //-- TerritoryBytes writes a territory changed in place again).
        if (fingerprint is null || !PartitionFingerprint.Of(entry.Partition).AsSpan().SequenceEqual(fingerprint))
        {
            _entries.Remove(township, only: entry);
            return null;
        }
        _entries.Count(township, 1);
        return entry.Partition;
    }

    /// <summary>Loads of <paramref name="township"/> answered from what was kept.</summary>
    public int HitsOf(string township) => _entries.CountsOf(township, 1)[0];

    /// <summary>Keeps <paramref name="partition"/> (as read back from the database: the row created at
    /// <paramref name="created"/>) as the township's version, unless a later version is kept already.</summary>
    public void Put(Partition partition, DateTime created) =>
        _entries.Update(partition.TownshipCode, kept => kept is not null && kept.Version > partition.Version ? kept : new Entry(partition.Version, created, partition));

    /// <summary>Keeps a partition just published (its row created at <paramref name="created"/>) as the database will read it back.</summary>
    public void PutPublished(Partition partition, DateTime created)
    {
        if (capacity > 0) Put(AsStored(partition), created);
    }

    public void Forget(string township) => _entries.Remove(township);

    /// <summary>The partition as <see cref="PartitionStore"/> reads it back: each territory (floor runs
    /// keep sharing theirs) in SRID 4326 and a one-part MultiPolygon as its Polygon; the report through
    /// its stored JSON.</summary>
    internal static Partition AsStored(Partition p)
    {
        var stored = new Dictionary<Geometry, Geometry>(ReferenceEqualityComparer.Instance);
        Geometry Stored(Geometry g)
        {
            if (stored.TryGetValue(g, out var same)) return same;
            var s = g is MultiPolygon { NumGeometries: 1 } m ? m.GetGeometryN(0) : g;
            if (s.SRID != 4326)
            {
                s = s.Copy();
                s.SRID = 4326;
            }
            return stored[g] = s;
        }
        //-- Micro-grids with byte-equal territories share one object, as the store reads them (floor runs).
        var byBytes = new Dictionary<byte[], Geometry>(ByteArrays.Instance);
        Geometry Shared(Geometry g)
        {
            var s = Stored(g);
            var key = TerritoryBytes.Of(s);
            return byBytes.TryGetValue(key, out var same) ? same : byBytes[key] = s;
        }
        var report = JsonSerializer.Deserialize<QualityReport>(JsonSerializer.Serialize(p.Report, PartitionJson.Options), PartitionJson.Options)!;
        return p with
        {
            Grids = [.. PartitionFingerprint.InCodeOrder(p.Grids, g => g.Code).Select(g => g with { Territory = Stored(g.Territory) })],
            MicroGrids = [.. PartitionFingerprint.InCodeOrder(p.MicroGrids, m => m.Code).Select(m => m with { Territory = Shared(m.Territory) })],
            Assignments = [.. PartitionFingerprint.InCodeOrder(p.Assignments, a => a.HouseholdId)],
            Codes = [.. PartitionFingerprint.InCodeOrder(p.Codes, c => c.Code)],
            Report = report,
        };
    }

    private sealed class ByteArrays : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrays Instance = new();
        public bool Equals(byte[]? a, byte[]? b) => a.AsSpan().SequenceEqual(b);
        public int GetHashCode(byte[] bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
