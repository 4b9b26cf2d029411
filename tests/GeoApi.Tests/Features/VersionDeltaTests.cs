using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using Npgsql;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>A version that starts from the open partition stages only what differs from it
/// (#21 item 2) and writes exactly the rows that staging every unit writes.</summary>
[Collection("db")]
public class VersionDeltaTests(DatabaseFixture db)
{
    private const string Code = "530627261";
    private readonly HttpClient _http = db.Client();

    [Fact]
    public async Task StagingOnlyTheChanges_WritesTheSameRowsAsStagingEveryUnit()
    {
        var open = await PublishedAsync();
        var next = Changed(open);

        var whole = await WriteAndReadBackAsync(VersionDelta.All(next), next.Version);
        var delta = VersionDelta.Between(open, next);
        var partial = await WriteAndReadBackAsync(delta, next.Version);

        Assert.Equal(whole, partial);
        //-- One micro-grid reshaped, one recounted, one assignment moved, one gone, one code record closed: nothing else staged.
        Assert.Equal(2, delta.MicroGrids.Count);
        Assert.Single(delta.Assignments);
        Assert.Empty(delta.Grids);
        Assert.Single(delta.Codes);
        Assert.Equal(2, delta.Only!.Households.Length);
        Assert.Equal(2, delta.Only.MicroGrids.Length);
    }

    [Fact]
    public async Task TheOpenPartitionItself_StagesNothing_EvenWithTerritoriesReadAgain()
    {
        var open = await PublishedAsync();
        //-- Equal territories that are other objects (read again) are equal coordinate for coordinate.
        var again = open with
        {
            Version = open.Version + 1,
            MicroGrids = open.MicroGrids.Select(m => m with { Territory = m.Territory.Copy() }).ToList(),
            Grids = open.Grids.Select(g => g with { Territory = g.Territory.Copy() }).ToList(),
        };
        var delta = VersionDelta.Between(open, again);
        Assert.Empty(delta.Grids);
        Assert.Empty(delta.MicroGrids);
        Assert.Empty(delta.Assignments);
        Assert.Empty(delta.Codes);
        Assert.Equal(await WriteAndReadBackAsync(VersionDelta.All(again), again.Version), await WriteAndReadBackAsync(delta, again.Version));
    }

    [Fact]
    public async Task TheSamePolygonsDrawnAgain_RingsStartedElsewhereOrReversed_AreTheOpenTerritories_AndStageNothing()
    {
        var open = await PublishedAsync();
        var redrawn = open with
        {
            Version = open.Version + 1,
            MicroGrids = open.MicroGrids.Select((m, i) => m with { Territory = i % 2 == 0 ? Rotated(m.Territory) : m.Territory.Reverse() }).ToList(),
            Grids = open.Grids.Select(g => g with { Territory = Rotated(g.Territory) }).ToList(),
        };
        Assert.NotEmpty(VersionDelta.Between(open, redrawn).MicroGrids);

        var kept = VersionDelta.KeepOpenTerritories(open, redrawn);
        var delta = VersionDelta.Between(open, kept);
        Assert.Empty(delta.Grids);
        Assert.Empty(delta.MicroGrids);
        Assert.Equal(await WriteAndReadBackAsync(VersionDelta.All(kept), kept.Version),
            await WriteAndReadBackAsync(delta, open.Version + 1));

        //-- A vertex added on a border (the same land) is another polygon: a new row, as documented.
        var split = redrawn with { MicroGrids = [WithMidpoint(redrawn.MicroGrids[0]), .. redrawn.MicroGrids.Skip(1)] };
        Assert.Equal([open.MicroGrids[0].Code], VersionDelta.Between(open, VersionDelta.KeepOpenTerritories(open, split)).MicroGrids.Select(m => m.Code));
    }

    [Fact]
    public async Task AForcedRecomputeDrawingTheSamePolygonsAgain_PublishesNothing()
    {
        await PublishedAsync();
        var store = new PartitionStore(db.Db);
        var loaded = await store.LoadAsync(Code, CancellationToken.None);
        var open = loaded.Published!;
        var redrawn = open with
        {
            Version = open.Version + 1,
            MicroGrids = open.MicroGrids.Select(m => m with { Territory = Rotated(m.Territory) }).ToList(),
            Grids = open.Grids.Select(g => g with { Territory = Rotated(g.Territory) }).ToList(),
        };

        var (outcome, version) = await store.PublishAsync(redrawn, loaded.DataVersion, "test", "the same polygons drawn again", CancellationToken.None,
            onlyIfDifferent: true, open: open);

        Assert.Equal(PartitionStore.Outcome.Unchanged, outcome);
        Assert.Equal(open.Version, version);
    }

    [Fact]
    public async Task FloorRunsSharingATerritoryDrawnAgain_ShareTheOpenOne_ANewRunAmongThemToo()
    {
        var open = await PublishedAsync();
        var first = open.MicroGrids[0];
        var drawn = Rotated(first.Territory);
        //-- The unit drawn again and a new one sharing its territory object, as a tower's floor runs do.
        var next = open with
        {
            Version = open.Version + 1,
            MicroGrids = [first with { Territory = drawn }, first with { Code = first.Code[..15] + "999", Territory = drawn }, .. open.MicroGrids.Skip(1)],
        };

        var kept = VersionDelta.KeepOpenTerritories(open, next);

        Assert.Same(first.Territory, kept.MicroGrids[0].Territory);
        Assert.Same(first.Territory, kept.MicroGrids[1].Territory);
    }

    [Fact]
    public async Task AFloorRunSharingItsLeadsTerritory_DropsItsCopyWhenItsRowCloses_AndItsVersionStillReadsTheTerritory()
    {
        var open = await PublishedAsync();
        var lead = open.MicroGrids[0];
        //-- A second run of the lead's building holding the lead's territory object, as floor runs do; then both move.
        var follower = lead with { Code = lead.Code[..15] + "998" };
        var v1 = open with { Version = open.Version + 1, MicroGrids = [lead, follower, .. open.MicroGrids.Skip(1)] };
        var moved = AffineTransformation.TranslationInstance(1e-7, 0).Transform(lead.Territory);
        var v2 = v1 with { Version = v1.Version + 1, MicroGrids = [lead with { Territory = moved }, follower with { Territory = moved }, .. open.MicroGrids.Skip(1)] };

        await using var conn = await db.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await WriteVersionsAsync(conn, tx, open, v1, v2);
        Task<List<string>> Rows(string sql) => ReadAsync(conn, tx, sql, Code, v1.Version);
        var codes = $"('{lead.Code}', '{follower.Code}')";
        //-- Stored: the closed follower's row without its copy, its digest kept, naming its lead; the lead's with the territory.
        var stored = await Rows($"""
            SELECT code || ' ' || coalesce(shares, '-') || ' ' || (geom IS NULL) || ' ' || (geom_digest IS NULL) FROM micro_grid
            WHERE township_code = $1 AND valid_from <= $2 AND valid_to > $2 AND code IN {codes} ORDER BY code
            """);
        //-- Read as version v1: both hold the territory they had then.
        var read = await Rows($"""
            SELECT code || ' ' || md5(ST_AsEWKB(geom)) FROM {GridSpatial.GeoApi.Infrastructure.PublishedLayer.MicroGrids.AtVersion("$1", "$2")} x
            WHERE code IN {codes} ORDER BY code
            """);
        //-- The territory the lead's row keeps, and the digest the follower's row kept of its own copy.
        var was = await Rows($"""
            SELECT md5(ST_AsEWKB(geom)) FROM micro_grid WHERE township_code = $1 AND valid_from <= $2 AND valid_to > $2 AND code = '{lead.Code}'
            UNION ALL SELECT encode(geom_digest, 'hex') FROM micro_grid WHERE township_code = $1 AND valid_from <= $2 AND valid_to > $2 AND code = '{follower.Code}'
            """);
        await tx.RollbackAsync();

        Assert.Equal([$"{lead.Code} - false true", $"{follower.Code} {lead.Code} true false"], stored);
        Assert.Equal(was[0], was[1]);
        Assert.Equal([$"{lead.Code} {was[0]}", $"{follower.Code} {was[0]}"], read);
    }

    [Fact]
    public async Task AUnitRecountedOnTheSameLand_NamesTheRowHoldingItsTerritory_AndDropsItsCopyWhenItCloses_UnlessItIsTheLast()
    {
        var open = await PublishedAsync();
        //-- The first grid's households change twice on the same land: the rows of v1 and v2 hold the territory the
        //-- published row holds.
        Partition Recount(Partition p, int by) => p with { Version = p.Version + 1, Grids = [p.Grids[0] with { HouseholdCount = p.Grids[0].HouseholdCount + by }, .. p.Grids.Skip(1)] };
        var (v1, grid) = (Recount(open, 1), open.Grids[0].Code);
        var v2 = Recount(v1, 1);
        var v3 = Recount(v2, 1);
        //-- Then the grid is retired: its last row keeps the territory (what /api/codes shows for a retired code).
        var v4 = v3 with { Version = v3.Version + 1, Grids = [.. v3.Grids.Skip(1)] };

        await using var conn = await db.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await WriteVersionsAsync(conn, tx, open, v1, v2, v3, v4);
        Task<List<string>> Rows(string sql) => ReadAsync(conn, tx, sql, Code, grid);
        var stored = await Rows("""
            SELECT valid_from || ' ' || coalesce(geom_from::text, '-') || ' ' || (geom IS NULL) FROM grid WHERE township_code = $1 AND code = $2 ORDER BY valid_from
            """);
        var read = await Rows($"""
            SELECT DISTINCT md5(ST_AsEWKB(x.geom)) FROM partition_version v,
                LATERAL {GridSpatial.GeoApi.Infrastructure.PublishedLayer.Grids.AtVersion("$1", "v.version")} x
            WHERE v.township_code = $1 AND x.code = $2 AND v.version >= {open.Version} AND v.version <= {v3.Version}
            """);
        await tx.RollbackAsync();

        var first = int.Parse(stored[0].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        //-- The published row keeps it; v1's and v2's rows closed without a copy, naming it; v3's, the last, keeps its copy.
        Assert.Equal([$"{first} - false", $"{v1.Version} {first} true", $"{v2.Version} {first} true", $"{v3.Version} {first} false"], stored);
        Assert.Single(read);
    }

    /// <summary>Every ring of <paramref name="g"/> started at its next vertex: the same polygon drawn again.</summary>
    private static MultiPolygon Rotated(Geometry g)
    {
        var f = g.Factory;
        LinearRing Ring(LinearRing r)
        {
            var c = r.Coordinates;
            return f.CreateLinearRing([.. c.Skip(1).Take(c.Length - 2), c[0], c[1]]);
        }
        var parts = Enumerable.Range(0, g.NumGeometries).Select(i => (Polygon)g.GetGeometryN(i))
            .Select(p => f.CreatePolygon(Ring((LinearRing)p.ExteriorRing), [.. p.InteriorRings.Cast<LinearRing>().Select(Ring)])).ToArray();
        var rotated = f.CreateMultiPolygon(parts);
        Assert.False(rotated.EqualsExact(g));
        Assert.True(rotated.EqualsTopologically(g));
        return rotated;
    }

    private static MicroGrid WithMidpoint(MicroGrid m)
    {
        var f = m.Territory.Factory;
        var p = (Polygon)m.Territory.GetGeometryN(0);
        var c = p.ExteriorRing.Coordinates;
        var shell = f.CreateLinearRing([c[0], new Coordinate((c[0].X + c[1].X) / 2, (c[0].Y + c[1].Y) / 2), .. c.Skip(1)]);
        var parts = new[] { f.CreatePolygon(shell, [.. p.InteriorRings.Cast<LinearRing>()]) }
            .Concat(Enumerable.Range(1, m.Territory.NumGeometries - 1).Select(i => (Polygon)m.Territory.GetGeometryN(i))).ToArray();
        return m with { Territory = f.CreateMultiPolygon(parts) };
    }

    private async Task<Partition> PublishedAsync()
    {
        await using (var exists = db.Db.CreateCommand("SELECT current_version FROM township_state WHERE township_code = $1"))
        {
            exists.Parameters.AddWithValue(Code);
            if (await exists.ExecuteScalarAsync() is not int)
            {
                var township = new TownshipGenerator(261).Generate(Code, "差量镇", 106.2, 26.4, 600, urbanShare: 0);
                await Samples.ImportAsync(_http, township, "villages", "households", "barriers");
                await Samples.PartitionAsync(_http, db.Db, Code, force: false);
            }
        }
        var loaded = await new PartitionStore(db.Db).LoadAsync(Code, CancellationToken.None);
        return loaded.Published!;
    }

    /// <summary>The open partition with a few changes of each kind a recompute makes.</summary>
    private static Partition Changed(Partition open)
    {
        var micro = open.MicroGrids.ToList();
        micro[0] = micro[0] with { Territory = AffineTransformation.TranslationInstance(1e-7, 0).Transform(micro[0].Territory) };
        micro[1] = micro[1] with { HouseholdCount = micro[1].HouseholdCount + 1 };
        var assignments = open.Assignments.ToList();
        int moved = assignments.FindIndex(a => a.MicroGridCode != micro[1].Code);
        assignments[moved] = assignments[moved] with { MicroGridCode = micro[1].Code, GridCode = micro[1].GridCode };
        assignments.RemoveAt(assignments.Count - 1);
        var codes = open.Codes.ToList();
        int last = codes.FindLastIndex(c => c.Code.Length == 18 && c.ValidTo is null);
        codes[last] = codes[last] with { ValidTo = open.Version + 1 };
        return open with { Version = open.Version + 1, MicroGrids = micro, Assignments = assignments, Codes = codes };
    }

    /// <summary>Version <paramref name="version"/>'s row (a copy of the one before) and <paramref name="delta"/>'s rows, as a publish writes them.</summary>
    private static async Task WriteVersionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int version, VersionDelta delta)
    {
        await using (var row = new NpgsqlCommand("""
            INSERT INTO partition_version (township_code, version, data_version, author, reason, report)
            SELECT township_code, $2, data_version, 'test', 'delta', report FROM partition_version WHERE township_code = $1 AND version = $2 - 1
            """, conn, tx))
        {
            row.Parameters.AddWithValue(Code);
            row.Parameters.AddWithValue(version);
            await row.ExecuteNonQueryAsync();
        }
        await VersionRows.WriteAsync(conn, tx, Code, version, delta, CancellationToken.None);
    }

    /// <summary>Each of <paramref name="versions"/> after the first written as the delta from the one before, in one transaction.</summary>
    private static async Task WriteVersionsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, params Partition[] versions)
    {
        for (int i = 1; i < versions.Length; i++)
        {
            await WriteVersionAsync(conn, tx, versions[i].Version, VersionDelta.Between(versions[i - 1], versions[i]));
            //-- (Staged for one publish, dropped at its commit.)
            await using var unstage = new NpgsqlCommand("DROP TABLE staged_grid, staged_micro_grid, staged_assignment", conn, tx);
            await unstage.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The first column of every row <paramref name="sql"/> gives with <paramref name="args"/>.</summary>
    private static async Task<List<string>> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var rows = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(r.GetString(0));
        return rows;
    }

    /// <summary>Every row of the township after writing <paramref name="delta"/> as <paramref name="version"/>, rolled back.</summary>
    private async Task<List<string>> WriteAndReadBackAsync(VersionDelta delta, int version)
    {
        await using var conn = await db.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await WriteVersionAsync(conn, tx, version, delta);
        await VersionRows.WriteCodesAsync(conn, tx, Code, delta, CancellationToken.None);
        var rows = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT 'g ' || code || ' ' || valid_from || ' ' || coalesce(valid_to::text, '-') || ' ' || household_count || ' ' || md5(ST_AsEWKB(geom)::text) || ' ' || (geom_3857 IS NULL) FROM grid WHERE township_code = $1
            UNION ALL SELECT 'm ' || code || ' ' || valid_from || ' ' || coalesce(valid_to::text, '-') || ' ' || household_count || ' ' || md5(ST_AsEWKB(geom)::text) || ' ' || (geom_3857 IS NULL) FROM micro_grid WHERE township_code = $1
            UNION ALL SELECT 'a ' || household_id || ' ' || valid_from || ' ' || coalesce(valid_to::text, '-') || ' ' || micro_grid_code FROM assignment WHERE township_code = $1
            UNION ALL SELECT 'c ' || code || ' ' || valid_from || ' ' || coalesce(valid_to::text, '-') || ' ' || array_to_string(successors, ',') FROM code_registry WHERE township_code = $1
            ORDER BY 1
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(Code);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) rows.Add(r.GetString(0));
        }
        await tx.RollbackAsync();
        return rows;
    }
}
