using Npgsql;

namespace GridSpatial.GeoApi.Tests;

/// <summary>Test databases on a Citus cluster (scripts/citus.sh). Citus keeps its cluster's
/// metadata per database, so a fresh test database is made on the coordinator and on every worker
/// the admin database's coordinator knows, with Citus and PostGIS, and told its workers; the
/// migrations then place the tables (Infrastructure/CitusLayout). On plain PostgreSQL nothing here runs.</summary>
public static class CitusDatabases
{
    /// <summary>GRIDSPATIAL_CITUS_DB: the admin database of a Citus coordinator (set by scripts/test.sh
    /// when scripts/citus.sh brought one up); null when there is none.</summary>
    public static string? Admin => Environment.GetEnvironmentVariable("GRIDSPATIAL_CITUS_DB") is { Length: > 0 } s ? s : null;

    public static async Task<bool> IsCitusAsync(NpgsqlConnection admin)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", admin);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Makes database <paramref name="name"/> (already created on the coordinator) a Citus
    /// database: the same database on each worker, the extensions, the workers added.</summary>
    public static async Task PrepareAsync(NpgsqlConnection admin, string name)
    {
        var coordinator = new NpgsqlConnectionStringBuilder(admin.ConnectionString);
        var workers = await WorkersAsync(admin);
        foreach (var (host, port) in workers) await CreateOnNodeAsync(admin.ConnectionString, name, host, port);
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name, Pooling = false }.ConnectionString);
        await db.OpenAsync();
        await ExecAsync(db, $"CREATE EXTENSION citus; CREATE EXTENSION postgis; SELECT citus_set_coordinator_host('{coordinator.Host}', {coordinator.Port})");
        foreach (var (host, port) in workers) await ExecAsync(db, $"SELECT citus_add_node('{host}', {port})");
    }

    /// <summary>Database <paramref name="name"/> on the node at <paramref name="host"/>:<paramref name="port"/>,
    /// with Citus and PostGIS, ready to be added to the coordinator's database of that name.</summary>
    public static async Task CreateOnNodeAsync(string admin, string name, string host, int port)
    {
        await using var w = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Host = host, Port = port, Database = "postgres", Pooling = false }.ConnectionString);
        await w.OpenAsync();
        await ExecAsync(w, $"CREATE DATABASE {name}");
        await using var wdb = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(w.ConnectionString) { Database = name }.ConnectionString);
        await wdb.OpenAsync();
        await ExecAsync(wdb, "CREATE EXTENSION citus; CREATE EXTENSION postgis");
    }

    /// <summary>Drops database <paramref name="name"/> from every worker (the caller drops it from the coordinator).</summary>
    public static async Task DropAsync(NpgsqlConnection admin, string name)
    {
        foreach (var (host, port) in await WorkersAsync(admin)) await DropOnNodeAsync(admin.ConnectionString, name, host, port);
    }

    /// <summary>Drops database <paramref name="name"/> from the node at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task DropOnNodeAsync(string admin, string name, string host, int port)
    {
        await using var w = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Host = host, Port = port, Database = "postgres", Pooling = false }.ConnectionString);
        await w.OpenAsync();
        await ExecAsync(w, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    /// <summary>The primary workers of the admin database's cluster.</summary>
    public static async Task<List<(string Host, int Port)>> WorkersAsync(NpgsqlConnection admin)
    {
        var list = new List<(string, int)>();
        await using var cmd = new NpgsqlCommand("SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary' ORDER BY nodeport", admin);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add((r.GetString(0), r.GetInt32(1)));
        return list;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 300 };
        await cmd.ExecuteNonQueryAsync();
    }
}
