using System.Security.Cryptography;
using System.Text;
using GridSpatial.Partitioner;
using NetTopologySuite.IO;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>A digest of what a partition version holds for its readers: every grid and
/// micro-grid (code, parent, kind, households, building, floors and unit, pin, territory) and every
/// assignment, in code order. Two versions with the same fingerprint serve the same answers;
/// the version number, the code history's dates and the report's timings are left out.</summary>
public static class PartitionFingerprint
{
    public static byte[] Of(Partition partition)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false, emitM: false);
        void Text(string? s) => hash.AppendData(Encoding.UTF8.GetBytes((s ?? "\u0001") + "\u0000"));
        foreach (var g in partition.Grids.OrderBy(g => g.Code, StringComparer.Ordinal))
        {
            Text("grid"); Text(g.Code); Text(g.VillageCode); Text(Number(g.HouseholdCount)); Text(g.Pinned ? "p" : "");
            hash.AppendData(wkb.Write(g.Territory));
        }
        foreach (var m in partition.MicroGrids.OrderBy(m => m.Code, StringComparer.Ordinal))
        {
            Text("micro"); Text(m.Code); Text(m.GridCode); Text(m.VillageCode); Text(m.Kind.ToString()); Text(Number(m.HouseholdCount));
            Text(m.BuildingId); Text(Number(m.FloorFrom)); Text(Number(m.FloorTo));
            //-- Only when there is one: versions without units keep the digest they were stored with.
            if (m.Unit is not null) { Text("unit"); Text(m.Unit); }
            Text(m.Pinned ? "p" : "");
            hash.AppendData(wkb.Write(m.Territory));
        }
        foreach (var a in partition.Assignments.OrderBy(a => a.HouseholdId, StringComparer.Ordinal))
        {
            Text(a.HouseholdId); Text(a.MicroGridCode); Text(a.GridCode);
        }
        return hash.GetHashAndReset();
    }

    private static string? Number(int? n) => n?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
