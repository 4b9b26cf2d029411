using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.MicroGrids;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>A recompute starts from the partition its process published last instead of reading
/// it again (#21: the load of a large township), and what it keeps is exactly what the store would
/// read back: otherwise the next version would be computed from, and compared with, something the
/// database does not hold.</summary>
[Collection("db")]
public class PublishedPartitionsTests(DatabaseFixture db)
{
    private const string Code = "530627291";
    private readonly HttpClient _http = db.Client();

    [Fact]
    public async Task RecomputesAfterEdits_StartFromTheKeptPartition_WhichEqualsWhatTheDatabaseReadsBack()
    {
        var township = new TownshipGenerator(291).Generate(Code, "留存镇", 106.1, 27.9, 700);
        await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        var kept = db.Factory.Services.GetRequiredService<PublishedPartitions>();
        int hits = kept.HitsOf(Code);
        var rnd = new Random(291);
        for (int i = 0; i < 3; i++)
        {
            var h = township.Households[rnd.Next(township.Households.Count)];
            await Samples.MoveAndSettleAsync(_http, db.Db, Code, h.Id, township.Households[rnd.Next(township.Households.Count)].Location.Coordinate);
        }
        //-- The recomputes after the first edit started from the partition the one before published.
        Assert.True(kept.HitsOf(Code) - hits >= 2, $"{kept.HitsOf(Code) - hits} loads answered from the kept partition");

        var version = await Samples.CurrentVersionAsync(_http, Code);
        var (fingerprint, created) = await StoredAsync(version);
        var own = kept.Get(Code, version, created, fingerprint);
        Assert.NotNull(own);
        var read = (await new PartitionStore(db.Db).LoadAsync(Code, CancellationToken.None)).Published!;
        AssertSame(read, own);
    }

    [Fact]
    public async Task AKeptPartitionChangedInPlace_OrOfAnotherVersion_IsNotUsed()
    {
        var township = new TownshipGenerator(292).Generate("530627292", "变更镇", 106.3, 27.7, 300, urbanShare: 0);
        await Samples.ImportAsync(_http, township, "villages", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, "530627292", force: false);
        var read = (await new PartitionStore(db.Db).LoadAsync("530627292", CancellationToken.None)).Published!;
        var fingerprint = PartitionFingerprint.Of(read);
        var kept = new PublishedPartitions();
        var created = new DateTime(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc);
        kept.Put(read, created);
        Assert.Same(read, kept.Get("530627292", read.Version, created, fingerprint));
        Assert.Null(kept.Get("530627292", read.Version + 1, created, fingerprint));
        //-- The same number of a township deleted and imported again: another version.
        Assert.Null(kept.Get("530627292", read.Version, created.AddSeconds(1), fingerprint));

        var ring = ((Polygon)read.MicroGrids[0].Territory).ExteriorRing;
        ring.CoordinateSequence.SetX(1, ring.CoordinateSequence.GetX(1) + 1e-7);
        read.MicroGrids[0].Territory.GeometryChanged();
        Assert.Null(kept.Get("530627292", read.Version, created, fingerprint));
    }

    [Fact]
    public async Task APublishedPartition_IsKeptAsTheStoreReadsItBack_OnePartMultiPolygonsInAnyOrderAndSrid()
    {
        var township = new TownshipGenerator(293).Generate("530627293", "回读镇", 106.5, 27.5, 400);
        await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, "530627293", force: false);
        var read = (await new PartitionStore(db.Db).LoadAsync("530627293", CancellationToken.None)).Published!;
        //-- As a partitioner may hand it over: parts wrapped as one-part MultiPolygons without an SRID, grids
        //-- as Polygons without one, floor runs each with a territory of their own, every list in reverse.
        var factory = new GeometryFactory();
        static Geometry Unset(Geometry g)
        {
            var copy = g.Copy();
            copy.SRID = 0;
            return copy;
        }
        Geometry Wrap(Geometry g) => g is Polygon p ? factory.CreateMultiPolygon([(Polygon)Unset(p)]) : Unset(g);
        var handed = read with
        {
            Grids = [.. read.Grids.Reverse().Select(g => g with { Territory = Unset(g.Territory) })],
            MicroGrids = [.. read.MicroGrids.Reverse().Select(m => m with { Territory = Wrap(m.Territory) })],
            Assignments = [.. read.Assignments.Reverse()],
            Codes = [.. read.Codes.Reverse()],
        };
        AssertSame(read, PublishedPartitions.AsStored(handed));
    }

    /// <summary>Field for field, territories coordinate for coordinate with their type and SRID, floor runs sharing one territory object.</summary>
    private static void AssertSame(Partition read, Partition own)
    {
        Assert.Equal((read.TownshipCode, read.TownshipName, read.Version, read.InputsDigest), (own.TownshipCode, own.TownshipName, own.Version, own.InputsDigest));
        Assert.Equal(read.Villages.Select(v => (v.Code, v.Name, v.Boundary.AsText())), own.Villages.Select(v => (v.Code, v.Name, v.Boundary.AsText())));
        Assert.Equal(read.Grids.Select(g => g with { Territory = null! }), own.Grids.Select(g => g with { Territory = null! }));
        Assert.Equal(read.MicroGrids.Select(m => m with { Territory = null! }), own.MicroGrids.Select(m => m with { Territory = null! }));
        foreach (var (a, b) in read.Grids.Select(g => g.Territory).Concat(read.MicroGrids.Select(m => m.Territory))
                     .Zip(own.Grids.Select(g => g.Territory).Concat(own.MicroGrids.Select(m => m.Territory))))
        {
            Assert.Equal((a.GeometryType, a.SRID), (b.GeometryType, b.SRID));
            Assert.True(a.EqualsExact(b), $"{a} vs {b}");
        }
        Assert.Contains(read.MicroGrids, m => m.Kind == MicroGridKind.Floor);
        for (int i = 1; i < read.MicroGrids.Count; i++)
            Assert.Equal(ReferenceEquals(read.MicroGrids[i - 1].Territory, read.MicroGrids[i].Territory),
                ReferenceEquals(own.MicroGrids[i - 1].Territory, own.MicroGrids[i].Territory));
        Assert.Equal(read.Assignments, own.Assignments);
        static string Text(Partitioner.Codes.CodeRecord c) =>
            $"{c.Code} {c.Level} {c.Parent} {c.ValidFrom} {c.ValidTo} {string.Join(',', c.Predecessors)} {string.Join(',', c.Successors)}";
        Assert.Equal(read.Codes.Select(Text), own.Codes.Select(Text));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(JsonSerializer.Serialize(read.Report, PartitionJson.Options)),
            JsonNode.Parse(JsonSerializer.Serialize(own.Report, PartitionJson.Options))));
    }

    private async Task<(byte[] Fingerprint, DateTime Created)> StoredAsync(int version)
    {
        await using var cmd = db.Db.CreateCommand("SELECT fingerprint, created_at FROM partition_version WHERE township_code = $1 AND version = $2");
        cmd.Parameters.AddWithValue(Code);
        cmd.Parameters.AddWithValue(version);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetFieldValue<byte[]>(0), r.GetDateTime(1));
    }
}
