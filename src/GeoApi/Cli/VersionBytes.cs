using Npgsql;

namespace GridSpatial.GeoApi.Cli;

/// <summary>What versions cost on disk, for <c>bench recompute</c>: the size of the partition
/// tables (grid, micro_grid, assignment with their TOAST and indexes), the database's, the rows a
/// version wrote, and what one version would cost as a full copy — the township's current rows
/// loaded into scratch tables of the same layout and indexes.</summary>
internal sealed class VersionBytes(NpgsqlDataSource db)
{
    private static readonly string[] Tables = ["grid", "micro_grid", "assignment"];

    public async Task<long> PartitionTablesAsync()
    {
        await using var cmd = db.CreateCommand("SELECT sum(pg_total_relation_size(t))::bigint FROM unnest($1::regclass[]) t");
        cmd.Parameters.AddWithValue(Tables);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<long> DatabaseAsync()
    {
        await using var cmd = db.CreateCommand("SELECT pg_database_size(current_database())");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The bytes of the rows versions after <paramref name="version"/> inserted (as stored, TOAST
    /// compressed, without indexes or free space): what the edits wrote, however full the tables were before.</summary>
    public async Task<long> RowDataSinceAsync(string township, int version)
    {
        await using var cmd = db.CreateCommand("""
            SELECT (SELECT coalesce(sum(pg_column_size(g.*)), 0) FROM grid g WHERE township_code = $1 AND valid_from > $2)
                 + (SELECT coalesce(sum(pg_column_size(m.*)), 0) FROM micro_grid m WHERE township_code = $1 AND valid_from > $2)
                 + (SELECT coalesce(sum(pg_column_size(a.*)), 0) FROM assignment a WHERE township_code = $1 AND valid_from > $2)
            """);
        cmd.Parameters.AddWithValue(township);
        cmd.Parameters.AddWithValue(version);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Mean vertices of the township's current micro-grid territories, and of its current grids'.</summary>
    public async Task<(double MicroGrids, double Grids)> VerticesAsync(string township)
    {
        await using var cmd = db.CreateCommand("""
            SELECT (SELECT avg(ST_NPoints(geom)) FROM micro_grid WHERE township_code = $1 AND valid_to IS NULL)::float8,
                   (SELECT avg(ST_NPoints(geom)) FROM grid WHERE township_code = $1 AND valid_to IS NULL)::float8
            """);
        cmd.Parameters.AddWithValue(township);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetDouble(0), r.GetDouble(1));
    }

    /// <summary>Rows version <paramref name="version"/> inserted and closed, over the three tables.</summary>
    public async Task<(long Inserted, long Closed)> RowsAsync(string township, int version)
    {
        await using var cmd = db.CreateCommand("""
            SELECT (SELECT count(*) FROM grid WHERE township_code = $1 AND valid_from = $2) + (SELECT count(*) FROM micro_grid WHERE township_code = $1 AND valid_from = $2)
                   + (SELECT count(*) FROM assignment WHERE township_code = $1 AND valid_from = $2),
                   (SELECT count(*) FROM grid WHERE township_code = $1 AND valid_to = $2) + (SELECT count(*) FROM micro_grid WHERE township_code = $1 AND valid_to = $2)
                   + (SELECT count(*) FROM assignment WHERE township_code = $1 AND valid_to = $2)
            """);
        cmd.Parameters.AddWithValue(township);
        cmd.Parameters.AddWithValue(version);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>The bytes one full copy of the township's current version takes in tables laid out
    /// and indexed like the partition tables.</summary>
    public async Task<long> FullCopyAsync(string township)
    {
        await using var conn = await db.OpenConnectionAsync();
        long total = 0;
        foreach (var table in Tables)
        {
            var columns = new List<string>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum
                """, conn))
            {
                cmd.Parameters.AddWithValue(table);
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync()) columns.Add(r.GetString(0));
            }
            var list = string.Join(", ", columns);
            await using (var create = new NpgsqlCommand($"DROP TABLE IF EXISTS pg_temp.full_{table}; CREATE TEMP TABLE full_{table} (LIKE {table} INCLUDING ALL)", conn))
                await create.ExecuteNonQueryAsync();
            await using (var copy = new NpgsqlCommand($"INSERT INTO full_{table} ({list}) SELECT {list} FROM {table} WHERE township_code = $1 AND valid_to IS NULL", conn))
            {
                copy.Parameters.AddWithValue(township);
                await copy.ExecuteNonQueryAsync();
            }
            await using (var size = new NpgsqlCommand($"SELECT pg_total_relation_size('pg_temp.full_{table}'::regclass)", conn))
                total += (long)(await size.ExecuteScalarAsync())!;
            await using var drop = new NpgsqlCommand($"DROP TABLE pg_temp.full_{table}", conn);
            await drop.ExecuteNonQueryAsync();
        }
        return total;
    }
}
