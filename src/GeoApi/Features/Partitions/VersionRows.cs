using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>Writes a partition's grids, micro-grids and assignments as version
/// <c>version</c> in row lifetimes (migration 0011): the new rows (all, or those a
/// <see cref="VersionDelta"/> found changed) are staged in temporary tables,
/// every open row whose content differs (or whose unit or household is gone) is closed at the
/// version, and a row is inserted for each staged one without an identical open row. Unchanged
/// units write nothing; run inside the publishing transaction, the switch stays atomic.</summary>
/// <remarks>A row keeps its Web Mercator copy (what tiles draw) while it is open only; a floor run sharing its lead's territory has none.</remarks>
/// <remarks>"Identical" is every stored column, the territory compared by its exact EWKB bytes:
/// a vertex added to a border is a new row (readers decide "reshaped" by their own rule).</remarks>
internal static class VersionRows
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>Rows closed and inserted per table, for the audit and the bench.</summary>
    public sealed record Written(int Closed, int Inserted);

    public static async Task<Written> WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township, int version, VersionDelta delta, CancellationToken ct)
    {
        await using (var create = new NpgsqlCommand(StageSql, conn, tx))
            await create.ExecuteNonQueryAsync(ct);

        await using (var w = await conn.BeginBinaryImportAsync("COPY staged_grid (code, village_code, household_count, pinned, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var g in delta.Grids)
                await w.WriteRowAsync(ct, g.Code, g.VillageCode, g.HouseholdCount, g.Pinned, Multi(g.Territory));
            await w.CompleteAsync(ct);
        }
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY staged_micro_grid (code, grid_code, village_code, kind, household_count, building_id, floor_from, floor_to, unit, pinned, geom, shares) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var m in delta.MicroGrids)
                await w.WriteRowAsync(ct, m.Code, m.GridCode, m.VillageCode, m.Kind.ToString().ToLowerInvariant(), m.HouseholdCount,
                    (object?)m.BuildingId ?? DBNull.Value, (object?)m.FloorFrom ?? DBNull.Value, (object?)m.FloorTo ?? DBNull.Value, (object?)m.Unit ?? DBNull.Value,
                    m.Pinned, Multi(m.Territory), (object?)delta.Leads.GetValueOrDefault(m.Code) ?? DBNull.Value);
            await w.CompleteAsync(ct);
        }
        await using (var w = await conn.BeginBinaryImportAsync("COPY staged_assignment (household_id, micro_grid_code, grid_code) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var a in delta.Assignments)
                await w.WriteRowAsync(ct, a.HouseholdId, a.MicroGridCode, a.GridCode);
            await w.CompleteAsync(ct);
        }

        await using var batch = new NpgsqlBatch(conn, tx);
        //-- Given the changed and gone keys, only their open rows can close.
        var only = delta.Only is { } k ? new[] { k.Grids, k.MicroGrids, k.Households } : null;
        for (int t = 0; t < PublishSql.Length; t++)
        {
            var close = new NpgsqlBatchCommand(only is null ? PublishSql[t].Close : KeyedCloseSql[t]);
            var insert = new NpgsqlBatchCommand(PublishSql[t].Insert);
            foreach (var c in new[] { close, insert })
            {
                c.Parameters.AddTownship(township);
                c.Parameters.AddWithValue(version);
                batch.BatchCommands.Add(c);
            }
            if (only is not null) close.Parameters.AddWithValue(only[t]);
        }
        await batch.ExecuteNonQueryAsync(ct);
        int closed = 0, inserted = 0;
        for (int i = 0; i < batch.BatchCommands.Count; i++)
            if (i % 2 == 0) closed += batch.BatchCommands[i].RecordsAffected; else inserted += batch.BatchCommands[i].RecordsAffected;
        return new Written(closed, inserted);
    }

    /// <summary>Replaces the township's code history with the partition's, writing only the codes
    /// whose record changed (most keep theirs from one version to the next): a record that differs
    /// or is gone is deleted, a staged one without an equal record is inserted.</summary>
    public static async Task WriteCodesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township, VersionDelta delta, CancellationToken ct)
    {
        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE staged_code (code varchar(18), level text, parent varchar(15), valid_from int, valid_to int, predecessors text[], successors text[]) ON COMMIT DROP
            """, conn, tx))
            await create.ExecuteNonQueryAsync(ct);
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY staged_code (code, level, parent, valid_from, valid_to, predecessors, successors) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var c in delta.Codes)
                await w.WriteRowAsync(ct, c.Code, c.Level, (object?)c.Parent ?? DBNull.Value, c.ValidFrom, (object?)c.ValidTo ?? DBNull.Value,
                    c.Predecessors.ToArray(), c.Successors.ToArray());
            await w.CompleteAsync(ct);
        }
        await using var batch = new NpgsqlBatch(conn, tx);
        var delete = new NpgsqlBatchCommand($"""
            WITH staged AS MATERIALIZED (SELECT * FROM staged_code)
            DELETE FROM code_registry o WHERE o.township_code = $1 {(delta.Only is null ? "" : "AND o.code = ANY($2::text[])")} AND NOT EXISTS (
                SELECT 1 FROM staged n WHERE n.code = o.code AND n.level = o.level AND n.parent IS NOT DISTINCT FROM o.parent AND n.valid_from = o.valid_from
                  AND n.valid_to IS NOT DISTINCT FROM o.valid_to AND n.predecessors = o.predecessors AND n.successors = o.successors)
            """);
        var insert = new NpgsqlBatchCommand("""
            WITH staged AS MATERIALIZED (SELECT * FROM staged_code)
            INSERT INTO code_registry (township_code, code, level, parent, valid_from, valid_to, predecessors, successors)
            SELECT $1, n.code, n.level, n.parent, n.valid_from, n.valid_to, n.predecessors, n.successors FROM staged n
            WHERE NOT EXISTS (SELECT 1 FROM code_registry o WHERE o.township_code = $1 AND o.code = n.code)
            """);
        delete.Parameters.AddTownship(township);
        if (delta.Only is { } only) delete.Parameters.AddWithValue(only.Codes);
        insert.Parameters.AddTownship(township);
        batch.BatchCommands.Add(delete);
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The staging tables a publish copies the new version into (dropped at commit).</summary>
    internal const string StageSql = """
        CREATE TEMP TABLE staged_grid (code char(15), village_code char(12), household_count int, pinned bool, geom geometry) ON COMMIT DROP;
        CREATE TEMP TABLE staged_micro_grid (code char(18), grid_code char(15), village_code char(12), kind text, household_count int,
            building_id text, floor_from int, floor_to int, unit text, pinned bool, geom geometry, shares char(18)) ON COMMIT DROP;
        CREATE TEMP TABLE staged_assignment (household_id text, micro_grid_code char(18), grid_code char(15)) ON COMMIT DROP;
        """;

    /// <summary>Per table, the two statements of a publish ($1 = township, char(9); $2 = version):
    /// close the open rows that changed or are gone, insert the staged rows without an equal open one.
    /// The staged rows are read once, as a materialized CTE: on Citus that ships them to the
    /// township's shard as an intermediate result (a temporary table cannot be joined there), and
    /// each statement stays on that one shard.</summary>
    internal static readonly (string Close, string Insert)[] PublishSql = [.. Tables().Select(t => (
        Close(t, keyed: false),
        $"""
        WITH staged AS MATERIALIZED (SELECT * FROM staged_{t.Table})
        INSERT INTO {t.Table} (township_code, valid_from, {t.Columns}{(t.Table == "assignment" ? "" : ", geom_3857, geom_from")})
        SELECT $1, $2, {string.Join(", ", t.Columns.Split(", ").Select(c => "n." + c))}{(t.Table == "assignment" ? "" : $", {Drawn(t.Table)}, " + Holder(t.Table))} FROM staged n
        WHERE NOT EXISTS (SELECT 1 FROM {t.Table} o WHERE o.township_code = $1 AND o.{t.Key} = n.{t.Key} AND o.valid_to IS NULL)
        """))];

    /// <summary>Per table, the close of a publish given the keys that changed or are gone ($3, from a
    /// <see cref="VersionDelta"/>): only their open rows can close.</summary>
    internal static readonly string[] KeyedCloseSql = [.. Tables().Select(t => Close(t, keyed: true))];

    private static string Close((string Table, string Key, string Same, string Columns) t, bool keyed) => $"""
        WITH staged AS MATERIALIZED (SELECT * FROM staged_{t.Table})
        UPDATE {t.Table} o SET valid_to = $2{(t.Table == "assignment" ? "" : ", geom_3857 = NULL, " + DropCopy(t.Table))}
        WHERE o.township_code = $1 AND o.valid_to IS NULL
          {(keyed ? $"AND o.{t.Key} = ANY($3::{(t.Table == "assignment" ? "text" : "bpchar")}[])" : "")}
          AND NOT EXISTS (SELECT 1 FROM staged n WHERE n.{t.Key} = o.{t.Key} AND {t.Same})
        """;

    /// <summary>Per table: the key of a unit or household, the condition that an open row o holds
    /// exactly the staged row n, and the columns written.</summary>
    private static (string Table, string Key, string Same, string Columns)[] Tables() =>
    [
        ("grid", "code",
            "n.village_code = o.village_code AND n.household_count = o.household_count AND n.pinned = o.pinned AND ST_AsEWKB(n.geom) = ST_AsEWKB(o.geom)",
            "code, village_code, household_count, pinned, geom"),
        ("micro_grid", "code",
            "n.grid_code = o.grid_code AND n.village_code = o.village_code AND n.kind = o.kind AND n.household_count = o.household_count " +
            "AND n.building_id IS NOT DISTINCT FROM o.building_id AND n.floor_from IS NOT DISTINCT FROM o.floor_from " +
            "AND n.floor_to IS NOT DISTINCT FROM o.floor_to AND n.unit IS NOT DISTINCT FROM o.unit AND n.pinned = o.pinned AND n.shares IS NOT DISTINCT FROM o.shares " +
            "AND ST_AsEWKB(n.geom) = ST_AsEWKB(o.geom)",
            "code, grid_code, village_code, kind, household_count, building_id, floor_from, floor_to, unit, pinned, geom, shares"),
        ("assignment", "household_id",
            "n.micro_grid_code = o.micro_grid_code AND n.grid_code = o.grid_code",
            "household_id, micro_grid_code, grid_code"),
    ];

    /// <summary>Whether a closing row keeps its territory: it neither shares its lead's (migration 0022) nor
    /// names the row of its code that holds it (0023). Only such a row is ever named as a holder.</summary>
    private static string Keeps(string table) => table == "micro_grid" ? "o.shares IS NULL AND o.geom_from IS NULL" : "o.geom_from IS NULL";

    /// <summary>A closing row that does not keep its territory drops its own copy, keeping the digest: a past
    /// version reads it from the lead's row or the holder (<see cref="PublishedLayer.RowsAt"/>). A pinned row and
    /// the last row of a retired code (no staged row of its code) keep theirs: retention keeps those territories
    /// (what <c>/api/codes/{code}</c> shows), and the rows they would read through are not kept for them.</summary>
    private static string DropCopy(string table)
    {
        var keeps = $"({Keeps(table)} OR o.pinned OR NOT EXISTS (SELECT 1 FROM staged n WHERE n.code = o.code))";
        return $"geom_digest = CASE WHEN {keeps} THEN o.geom_digest ELSE {Reshaped.DigestOf("o.geom")} END, geom = CASE WHEN {keeps} THEN o.geom END";
    }

    /// <summary>A new row's Web Mercator copy (what tiles draw): none for a floor run sharing its lead's territory
    /// (migration 0025), which tiles draw with the lead's row.</summary>
    private static string Drawn(string table) => table == "micro_grid" ? "CASE WHEN n.shares IS NULL THEN ST_Transform(n.geom, 3857) END" : "ST_Transform(n.geom, 3857)";

    /// <summary>A new row's holder (geom_from): when the row of its code this version closed held the same
    /// territory, that row if it keeps it, else the holder that row named; null otherwise (it holds its own).</summary>
    private static string Holder(string table) => $"""
        (SELECT CASE WHEN o.geom_from IS NOT NULL THEN o.geom_from WHEN {Keeps(table)} THEN o.valid_from END FROM {table} o
         WHERE o.township_code = $1 AND o.code = n.code AND o.valid_to = $2 AND {Reshaped.Digest("o")} = {Reshaped.DigestOf("n.geom")})
        """;

    /// <summary>Each micro-grid whose territory object others of the partition hold too (a building's floor
    /// runs), mapped to the one of them with the smallest code: its lead, whose row keeps the territory.</summary>
    internal static Dictionary<string, string> Leads(IEnumerable<MicroGrid> microGrids)
    {
        var leads = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var shared in microGrids.GroupBy(m => m.Territory, ReferenceEqualityComparer.Instance))
        {
            var codes = shared.Select(m => m.Code).Order(StringComparer.Ordinal).ToList();
            for (int i = 1; i < codes.Count; i++) leads[codes[i]] = codes[0];
        }
        return leads;
    }

    internal static MultiPolygon Multi(Geometry g) => g switch
    {
        MultiPolygon m => m,
        Polygon p => Factory.CreateMultiPolygon([p]),
        _ => throw new InvalidOperationException($"A territory is a {g.GeometryType}, not a polygon."),
    };
}
