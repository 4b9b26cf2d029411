using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Where every table lives when the database is a Citus coordinator (the <c>citus</c>
/// extension is installed); on plain PostgreSQL this does nothing. Run by <see cref="Migrator"/>
/// after the migrations, so the migrations themselves stay plain SQL that both run alike.
/// <list type="bullet">
/// <item>Per-township tables are distributed by township code and co-located with
/// <c>township_state</c>: every query of one township, and every publish transaction, stays on one
/// shard (a recompute never needs another township's data).</item>
/// <item>Tables every township needs are reference tables, copied to every node: county and township
/// boundaries (a point or a tile finds its townships there before asking their shards) and people,
/// who may serve several townships of a county.</item>
/// <item>Tables asked by another key than the township are distributed by that key, alone: the household
/// locator (which township holds household id X) by <c>id</c>, so an id's question goes to one shard.</item>
/// <item>Tables of the service itself stay on the coordinator: keys and sessions, partition batches,
/// the audit log (append-only, read by time), the migration journal; Hangfire's schema is created
/// by Hangfire and is never distributed.</item>
/// </list>
/// Citus refuses a unique index without the distribution column, so on Citus two are changed:
/// <c>household_id_uix</c> is dropped — ids stay unique across the service by the household locator's
/// key (migration 0021) — and <c>unit_assignment</c>'s key becomes (township_code, id).
/// Idempotent: a table already placed is left alone, and a table of no list stops the migration on
/// Citus, so a new table gets its place decided when it is made.</summary>
public static class CitusLayout
{
    /// <summary>The table every per-township table is co-located with.</summary>
    public const string Anchor = "township_state";

    /// <summary>Distributed by <c>township_code</c>, co-located with <see cref="Anchor"/> (first).</summary>
    public static readonly string[] ByTownship =
    [
        Anchor, "village", "building", "household", "barrier", "street", "partition_version", "grid", "micro_grid", "assignment",
        "code_registry", "unit_attributes", "unit_assignment", "dept_layer", "dept_layer_version", "dept_unit", "township_nesting", "household_change",
    ];

    /// <summary>Distributed by their own key (table, column), co-located with nothing.</summary>
    public static readonly (string Table, string Column)[] ByOwnKey = [("household_locator", "id")];

    /// <summary>Copied to every node.</summary>
    public static readonly string[] Reference = ["county", "township", "person"];

    /// <summary>Left on the coordinator.</summary>
    public static readonly string[] Coordinator = ["schemaversions", "api_key", "viewer_session", "partition_batch", "audit_log",
        "subscription", "webhook_event", "webhook_delivery", "webhook_attempt"];

    /// <summary>Whether the database behind <paramref name="conn"/> is a Citus coordinator.</summary>
    public static bool IsCitus(NpgsqlConnection conn)
    {
        using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", conn);
        return (bool)cmd.ExecuteScalar()!;
    }

    public static void Apply(string connectionString, ILogger? logger = null)
    {
        using var conn = new NpgsqlConnection(connectionString);
        conn.Open();
        if (!IsCitus(conn)) return;
        CopySridsToWorkers(conn, logger);
        var unplaced = Scalars<string>(conn, """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relispartition = false
              AND NOT EXISTS (SELECT 1 FROM pg_dist_partition d WHERE d.logicalrelid = c.oid)
              AND NOT EXISTS (SELECT 1 FROM pg_extension e JOIN pg_depend x ON x.refobjid = e.oid AND x.objid = c.oid)
            ORDER BY 1
            """).ToHashSet();
        var stray = unplaced.Except(ByTownship).Except(ByOwnKey.Select(k => k.Table)).Except(Reference).Except(Coordinator).ToList();
        if (stray.Count > 0)
            throw new InvalidOperationException($"Citus: table(s) {string.Join(", ", stray)} have no place in Infrastructure/CitusLayout (by township, reference or coordinator).");
        var reference = Reference.Where(unplaced.Contains).ToList();
        var byTownship = ByTownship.Where(unplaced.Contains).ToList();
        var byOwnKey = ByOwnKey.Where(k => unplaced.Contains(k.Table)).ToList();
        if (reference.Count + byTownship.Count + byOwnKey.Count == 0)
        {
            LocatorKey(conn);
            return;
        }

        using var tx = conn.BeginTransaction();
        //-- One connection per worker for the whole transaction: DDL after DDL on the same shards.
        Execute(conn, tx, "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'");
        var moving = reference.Concat(byTownship).Concat(byOwnKey.Select(k => k.Table)).ToArray();
        //-- Foreign keys touching a table being placed are dropped and made again once both ends are
        //-- placed (Citus checks a foreign key's ends when it is made).
        var keys = Rows(conn, tx, """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE contype = 'f' AND (conrelid::regclass::text = ANY($1) OR confrelid::regclass::text = ANY($1))
            ORDER BY 1, 2
            """, moving);
        foreach (var (table, name, _) in keys) Execute(conn, tx, $"ALTER TABLE {table} DROP CONSTRAINT {name}");
        if (byTownship.Contains("household")) Execute(conn, tx, "DROP INDEX IF EXISTS household_id_uix");
        if (byTownship.Contains("unit_assignment"))
            Execute(conn, tx, "ALTER TABLE unit_assignment DROP CONSTRAINT unit_assignment_pkey, ADD PRIMARY KEY (township_code, id)");
        foreach (var t in reference) Execute(conn, tx, $"SELECT create_reference_table('{t}')");
        //-- The anchor comes first in the list, so every other table finds it placed.
        foreach (var t in byTownship)
            Execute(conn, tx, $"SELECT create_distributed_table('{t}', 'township_code', colocate_with => '{(t == Anchor ? "none" : Anchor)}')");
        foreach (var (t, column) in byOwnKey)
            Execute(conn, tx, $"SELECT create_distributed_table('{t}', '{column}', colocate_with => 'none')");
        foreach (var (table, name, definition) in keys) Execute(conn, tx, $"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}");
        tx.Commit();
        LocatorKey(conn);
        logger?.LogInformation("Citus: reference tables {Reference}; distributed by township {Distributed}; by their own key {Own}",
            string.Join(", ", reference), string.Join(", ", byTownship), string.Join(", ", byOwnKey.Select(k => $"{k.Table} ({k.Column})")));
    }

    /// <summary>The household locator's key to <c>township</c> (a deleted township releases its ids), which a
    /// cluster migrated before migration 0021 could not make while the locator was a local table.</summary>
    private static void LocatorKey(NpgsqlConnection conn)
    {
        using var cmd = new NpgsqlCommand("""
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'household_locator'::regclass AND contype = 'f') THEN
                    ALTER TABLE household_locator ADD FOREIGN KEY (township_code) REFERENCES township (code) ON DELETE CASCADE;
                END IF;
            END $$
            """, conn) { CommandTimeout = 600 };
        cmd.ExecuteNonQuery();
    }

    /// <summary>The project's own coordinate systems (the metric Gauss–Krüger zones of migration 0015,
    /// auth_name GRIDSPATIAL) onto every worker: <c>spatial_ref_sys</c> is PostGIS's table on each node,
    /// which Citus leaves alone, and crosswalks and fit reports transform into them on the shard. Run at
    /// every start, so a worker added since gets them too (until then its crosswalks fail).</summary>
    private static void CopySridsToWorkers(NpgsqlConnection conn, ILogger? logger)
    {
        using var rows = new NpgsqlCommand("""
            SELECT 'INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text) VALUES '
                   || string_agg(format('(%s, %L, %s, %L)', srid, auth_name, auth_srid, proj4text), ', ' ORDER BY srid)
                   || ' ON CONFLICT (srid) DO UPDATE SET auth_name = EXCLUDED.auth_name, auth_srid = EXCLUDED.auth_srid, proj4text = EXCLUDED.proj4text'
            FROM spatial_ref_sys WHERE auth_name = 'GRIDSPATIAL'
            """, conn);
        if (rows.ExecuteScalar() is not string insert) return;
        using var run = new NpgsqlCommand("SELECT nodename || ':' || nodeport || ' ' || result FROM run_command_on_workers($1) WHERE NOT success", conn);
        run.Parameters.AddWithValue(insert);
        using var r = run.ExecuteReader();
        while (r.Read()) logger?.LogWarning("Citus: the project's coordinate systems were not copied to worker {Failure}", r.GetString(0));
    }

    private static void Execute(NpgsqlConnection conn, NpgsqlTransaction tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 600 };
        cmd.ExecuteNonQuery();
    }

    private static List<T> Scalars<T>(NpgsqlConnection conn, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, conn);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(r.GetFieldValue<T>(0));
        return list;
    }

    private static List<(string Table, string Name, string Definition)> Rows(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, string[] tables)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(tables);
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string, string)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        return list;
    }
}
