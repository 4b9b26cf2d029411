using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Tests.Features.Citus;

/// <summary>A cluster migrated by an earlier release: its tables are distributed when the later
/// migrations run, and each must still apply there (Citus refuses or does not pass on some DDL).</summary>
[Collection(CitusFixture.Collection)]
public class CitusUpgradeTests
{
    [SkippableFact]
    public async Task Later_migrations_apply_to_a_cluster_whose_tables_are_already_distributed()
    {
        Skip.IfNot(CitusFixture.Available, CitusFixture.Unavailable);
        await using var admin = new NpgsqlConnection(CitusDatabases.Admin);
        await admin.OpenAsync();
        var name = "gs_upgrade_" + Guid.NewGuid().ToString("N")[..12];
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin)) await create.ExecuteNonQueryAsync();
        var cs = new NpgsqlConnectionStringBuilder(CitusDatabases.Admin) { Database = name, Pooling = false }.ConnectionString;
        try
        {
            await CitusDatabases.PrepareAsync(admin, name);
            //-- As session 33's release left a cluster: migrated to 0023, its tables placed.
            Migrator.Apply(cs, upTo: "0023");
            CitusLayout.Apply(cs);

            Migrator.Apply(cs);

            await using var db = new NpgsqlConnection(cs);
            await db.OpenAsync();
            //-- 0024: territories out of line on the coordinator's tables and on every shard of them.
            await using var cmd = new NpgsqlCommand("""
                SELECT result FROM run_command_on_shards('micro_grid',
                    $$SELECT string_agg(attname || '=' || attstorage::text, ',' ORDER BY attname) FROM pg_attribute WHERE attrelid = '%s'::regclass AND attname IN ('geom', 'geom_3857')$$)
                UNION ALL
                SELECT string_agg(attname || '=' || attstorage::text, ',' ORDER BY attname) FROM pg_attribute WHERE attrelid = 'micro_grid'::regclass AND attname IN ('geom', 'geom_3857')
                """, db);
            var storage = new List<string>();
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) storage.Add(r.GetString(0));
            Assert.True(storage.Count > 1, "no shards of micro_grid");
            Assert.All(storage, s => Assert.Equal("geom=e,geom_3857=e", s));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await CitusDatabases.DropAsync(admin, name);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
