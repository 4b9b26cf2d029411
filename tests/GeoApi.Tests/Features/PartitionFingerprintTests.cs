using System.Security.Cryptography;
using System.Text;
using GridSpatial.GeoApi.Cli;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.Partitioner;
using NetTopologySuite.IO;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The fingerprint stored with every version decides whether a recompute publishes: it must stay
/// the digest earlier versions were stored with, whatever the order of the partition's lists.</summary>
public class PartitionFingerprintTests
{
    private static readonly Partition Sample = new TownshipPartitioner(new PartitionOptions()).Partition(BenchCommand.Synthetic("530627903", 1200, 903));

    [Fact]
    public void Fingerprint_IsTheDigestOfEveryFieldAppendedInCodeOrder_AsVersionsWereStoredWith()
    {
        var withUnit = Sample with { MicroGrids = [.. Sample.MicroGrids.Select((m, i) => i == 3 ? m with { Unit = "2单元" } : m)] };

        Assert.Equal(FieldByField(withUnit), PartitionFingerprint.Of(withUnit));
    }

    [Fact]
    public void Fingerprint_DoesNotDependOnTheOrderOfThePartitionsLists()
    {
        var shuffled = Sample with
        {
            Grids = [.. Sample.Grids.Reverse()],
            MicroGrids = [.. Sample.MicroGrids.OrderBy(m => m.HouseholdCount).ThenByDescending(m => m.Code, StringComparer.Ordinal)],
            Assignments = [.. Sample.Assignments.Reverse()],
        };

        Assert.Equal(PartitionFingerprint.Of(Sample), PartitionFingerprint.Of(shuffled));
        Assert.NotEqual(PartitionFingerprint.Of(Sample), PartitionFingerprint.Of(Sample with { Assignments = Sample.Assignments.Skip(1).ToList() }));
    }

    /// <summary>The digest as it was first computed: SHA-256 over each field appended on its own.</summary>
    private static byte[] FieldByField(Partition p)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false, emitM: false);
        void Text(string? s) => hash.AppendData(Encoding.UTF8.GetBytes((s ?? "\u0001") + "\u0000"));
        string? N(int? n) => n?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var g in p.Grids.OrderBy(g => g.Code, StringComparer.Ordinal))
        {
            Text("grid"); Text(g.Code); Text(g.VillageCode); Text(N(g.HouseholdCount)); Text(g.Pinned ? "p" : "");
            hash.AppendData(wkb.Write(g.Territory));
        }
        foreach (var m in p.MicroGrids.OrderBy(m => m.Code, StringComparer.Ordinal))
        {
            Text("micro"); Text(m.Code); Text(m.GridCode); Text(m.VillageCode); Text(m.Kind.ToString()); Text(N(m.HouseholdCount));
            Text(m.BuildingId); Text(N(m.FloorFrom)); Text(N(m.FloorTo));
            if (m.Unit is not null) { Text("unit"); Text(m.Unit); }
            Text(m.Pinned ? "p" : "");
            hash.AppendData(wkb.Write(m.Territory));
        }
        foreach (var a in p.Assignments.OrderBy(a => a.HouseholdId, StringComparer.Ordinal))
        {
            Text(a.HouseholdId); Text(a.MicroGridCode); Text(a.GridCode);
        }
        return hash.GetHashAndReset();
    }
}
