using System.Security.Cryptography;
using System.Text;
using GridSpatial.Partitioner;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>A digest of what a partition version holds for its readers: every grid and
/// micro-grid (code, parent, kind, households, building, floors and unit, pin, territory) and every
/// assignment, in code order. Two versions with the same fingerprint serve the same answers;
/// the version number, the code history's dates and the report's timings are left out.</summary>
public static class PartitionFingerprint
{
    public static byte[] Of(Partition partition)
    {
        //-- Fields gathered into a buffer hashed 64 KiB at a time: the same bytes as appending each field
        //-- on its own, without a hash call and an array per field (the digest was most of a small
        //-- version's publish), and without holding a large township's whole partition as bytes.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var bytes = new MemoryStream();
        void Flush(int above)
        {
            if (bytes.Length <= above) return;
            hash.AppendData(bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
            bytes.SetLength(0);
        }
        void Text(string? s)
        {
            Flush(64 * 1024);
            //-- The field's UTF-8 (U+0001 for none), then a 0 byte.
            var text = (s ?? "\u0001").AsSpan();
            Span<byte> buffer = stackalloc byte[256];
            if (Encoding.UTF8.GetMaxByteCount(text.Length) <= buffer.Length) bytes.Write(buffer[..Encoding.UTF8.GetBytes(text, buffer)]);
            else bytes.Write(Encoding.UTF8.GetBytes(text.ToArray()));
            bytes.WriteByte(0);
        }
        foreach (var g in InCodeOrder(partition.Grids, g => g.Code))
        {
            Text("grid"); Text(g.Code); Text(g.VillageCode); Text(Number(g.HouseholdCount)); Text(g.Pinned ? "p" : "");
            bytes.Write(TerritoryBytes.Of(g.Territory));
        }
        foreach (var m in InCodeOrder(partition.MicroGrids, m => m.Code))
        {
            Text("micro"); Text(m.Code); Text(m.GridCode); Text(m.VillageCode); Text(m.Kind.ToString()); Text(Number(m.HouseholdCount));
            Text(m.BuildingId); Text(Number(m.FloorFrom)); Text(Number(m.FloorTo));
            //-- Only when there is one: versions without units keep the digest they were stored with.
            if (m.Unit is not null) { Text("unit"); Text(m.Unit); }
            Text(m.Pinned ? "p" : "");
            bytes.Write(TerritoryBytes.Of(m.Territory));
        }
        foreach (var a in InCodeOrder(partition.Assignments, a => a.HouseholdId))
        {
            Text(a.HouseholdId); Text(a.MicroGridCode); Text(a.GridCode);
        }
        Flush(0);
        return hash.GetHashAndReset();
    }

    /// <summary>The items in ordinal order of their key: as given when they already are (a partition's lists are kept so).</summary>
    internal static IEnumerable<T> InCodeOrder<T>(IReadOnlyList<T> items, Func<T, string> key)
    {
        for (int i = 1; i < items.Count; i++)
            if (string.CompareOrdinal(key(items[i - 1]), key(items[i])) > 0) return items.OrderBy(key, StringComparer.Ordinal);
        return items;
    }

    private static string? Number(int? n) => n?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
