using System.Text;
using System.Text.RegularExpressions;
using GridSpatial.GeoApi.Features.Tiles;
using Npgsql;

namespace GridSpatial.GeoApi.Tests.Infrastructure;

/// <summary>A statement about one township reads that township's rows through the indexes that lead
/// with its code. Township codes are <c>char(9)</c> columns: a code sent as <c>text</c> makes
/// PostgreSQL compare <c>code::text</c>, no index applies, and a per-township statement reads every
/// township. The province bench found it: each publish's tile-stamp refresh took 1.3 s of PostgreSQL
/// with 1,200 townships, and 1,200 publishes made the partition of a province twice as slow.</summary>
[Collection("db")]
public partial class TownshipQueryPlanTests(DatabaseFixture db)
{
    [GeneratedRegex(@"\((township_)?code\)::text")]
    private static partial Regex CodeAsText();

    [Fact]
    public async Task A_tile_stamp_refresh_reads_one_townships_layers_by_their_index()
    {
        //-- Sequential scans priced out, as a province's tables would: what is left is what the indexes allow.
        await using var noSeqScan = NpgsqlDataSource.Create(db.ConnectionString + ";Options=-c enable_seqscan=off");
        await using var cmd = TileStamps.Command(noSeqScan, "EXPLAIN (COSTS OFF) " + TileStamps.SelectOne, "530627118");
        var plan = new StringBuilder();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) plan.AppendLine(r.GetString(0));
        var text = plan.ToString();
        Assert.False(CodeAsText().IsMatch(text), "the township code is compared as text:\n" + text);
        foreach (var table in new[] { "village", "barrier", "street", "dept_layer" })
            Assert.True(Regex.IsMatch(text, $@"on {table}\b[^\n]*\n(\s+[^\n]*\n)*?\s+Index Cond: \(township_code = "),
                $"{table} is not read by its township's index:\n{text}");
    }
}
