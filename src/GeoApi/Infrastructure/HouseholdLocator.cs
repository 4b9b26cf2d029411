using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Which township holds household id X (migration 0021, table <c>household_locator</c>): the
/// one question asked of a household by its id alone. Keyed by id (on Citus distributed by id, so one
/// shard answers, and everything after it names the township's shard); its key keeps household ids
/// unique across the service. Written in the transaction that adds or deletes households.</summary>
public static class HouseholdLocator
{
    /// <summary>$1 = id.</summary>
    public const string TownshipOfSql = "SELECT township_code FROM household_locator WHERE id = $1";

    /// <summary>Claims the ids of the temporary table <c>stage</c> (columns id, township_code) and locks
    /// their rows, in id order (two uploads sharing ids cannot deadlock): a new id is inserted, one already
    /// held is written back as it is (the conflict branch takes the row lock, so a delete of that household
    /// waits for the import). Returns every id with the township holding it: another township than the
    /// stage's means the id is taken. One index probe per row, whatever the planner knows of either table
    /// (a join of the stage with the locator was planned as a scan of one per row of the other). No
    /// parameter: Citus runs this INSERT … SELECT through the coordinator and drops one bound in RETURNING.</summary>
    public const string ClaimStageSql = """
        INSERT INTO household_locator AS l (id, township_code) SELECT id, township_code FROM stage ORDER BY id
        ON CONFLICT (id) DO UPDATE SET township_code = l.township_code
        RETURNING l.id, l.township_code
        """;

    /// <summary>$1 = township code (char(9)), $2 = id: the household's entry, deleted with it.</summary>
    public const string ReleaseSql = "DELETE FROM household_locator WHERE township_code = $1 AND id = $2";

    /// <summary>The township holding household <paramref name="id"/>, or null. A write locks the entry
    /// (<paramref name="forUpdate"/>) before the household, in the order an import takes them.</summary>
    public static async Task<string?> TownshipOfAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string id, CancellationToken ct, bool forUpdate = false)
    {
        await using var find = new NpgsqlCommand(TownshipOfSql + (forUpdate ? " FOR UPDATE" : ""), conn, tx);
        find.Parameters.AddWithValue(id);
        return await find.ExecuteScalarAsync(ct) as string;
    }

    /// <inheritdoc cref="TownshipOfAsync(NpgsqlConnection, NpgsqlTransaction?, string, CancellationToken, bool)"/>
    public static async Task<string?> TownshipOfAsync(NpgsqlDataSource db, string id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await TownshipOfAsync(conn, null, id, ct);
    }
}
