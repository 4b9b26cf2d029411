namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>A published partition layer's properties as DESIGN §4 names them, in contract order,
/// with the GeoPackage column type of each: the one list the GeoJSON and GeoPackage exports and
/// the OGC API collections read.</summary>
public sealed record PublishedLayer(string Table, string CurrentView, IReadOnlyList<(string Name, string GeoPackageType)> Columns)
{
    public static readonly PublishedLayer MicroGrids = new("micro_grid", "current_micro_grid",
    [
        ("code", "TEXT NOT NULL UNIQUE"), ("grid_code", "TEXT"), ("village_code", "TEXT"), ("kind", "TEXT"), ("household_count", "INTEGER"),
        ("building_id", "TEXT"), ("floor_from", "INTEGER"), ("floor_to", "INTEGER"), ("unit", "TEXT"),
    ]);

    public static readonly PublishedLayer Grids = new("grid", "current_grid",
        [("code", "TEXT NOT NULL UNIQUE"), ("village_code", "TEXT"), ("household_count", "INTEGER")]);

    /// <summary>The rows of version <paramref name="version"/> of township <paramref name="township"/>
    /// (SQL expressions), with the version as a column: a derived table, to be given an alias.</summary>
    public string AtVersion(string township, string version) => RowsAt(Table, township, version);

    /// <summary>The household assignments of version <paramref name="version"/> of township <paramref name="township"/>, as <see cref="AtVersion"/>.</summary>
    public static string AssignmentsAt(string township, string version) => RowsAt("assignment", township, version);

    //-- Row lifetimes (migration 0011): a row belongs to versions valid_from <= v < valid_to. Written out
    //-- rather than through the migration's grid_at/micro_grid_at/assignment_at SQL functions (kept for psql):
    //-- Citus plans a query whose function reads a distributed table only when the planner inlines it, which
    //-- it does not for a parameterised call; a plain subquery on township_code is routed to one shard.
    /// <summary>The rows of <paramref name="table"/> (grid, micro_grid or assignment) alive in version <paramref name="version"/>.</summary>
    /// <remarks>A closed row that dropped its copy of its territory reads it from the row of its code that holds
    /// it (migration 0023), a floor run that shared its lead's from the lead's row alive in the same version (0022).</remarks>
    public static string RowsAt(string table, string township, string version) =>
        $"(SELECT {table switch { "micro_grid" => MicroGridColumns(township, version), "grid" => GridColumns(township), _ => "alive.*" }}, {version}::int AS version " +
        $"FROM {table} alive WHERE alive.township_code = {township}::bpchar AND {Alive("alive", version)})";

    /// <summary>The territory the row <paramref name="row"/> names as held by the row of its code from <c>geom_from</c>.</summary>
    private static string Held(string table, string township, string row) =>
        $"(SELECT held.geom FROM {table} held WHERE held.township_code = {township}::bpchar AND held.code = {row}.code AND held.valid_from = {row}.geom_from)";

    /// <summary>Every column of grid, the territory taken from its holder where the row dropped its copy.</summary>
    private static string GridColumns(string township) =>
        "alive.township_code, alive.valid_from, alive.valid_to, alive.code, alive.village_code, alive.household_count, alive.pinned, " +
        $"coalesce(alive.geom, {Held("grid", township, "alive")}) AS geom, alive.geom_3857, alive.geom_digest, alive.geom_from";

    private static string Alive(string row, string version) => $"{row}.valid_from <= {version} AND ({row}.valid_to IS NULL OR {row}.valid_to > {version})";

    /// <summary>Every column of micro_grid, the territory taken from the lead's row where the row shared it, else from its holder.</summary>
    private static string MicroGridColumns(string township, string version) =>
        "alive.township_code, alive.valid_from, alive.valid_to, alive.code, alive.grid_code, alive.village_code, alive.kind, alive.household_count, " +
        "alive.building_id, alive.floor_from, alive.floor_to, alive.unit, alive.pinned, " +
        $"coalesce(alive.geom, (SELECT coalesce(lead.geom, {Held("micro_grid", township, "lead")}) FROM micro_grid lead " +
        $"WHERE lead.township_code = {township}::bpchar AND lead.code = alive.shares AND {Alive("lead", version)}), {Held("micro_grid", township, "alive")}) AS geom, " +
        "alive.geom_3857, alive.geom_digest, alive.shares, alive.geom_from";

    /// <summary><c>code, grid_code, …</c>, each prefixed with <paramref name="alias"/>.</summary>
    public string Names(string alias = "") => string.Join(", ", Columns.Select(c => alias + c.Name));

    /// <summary>The arguments of <c>json_build_object</c>: <c>'code', x.code, …</c>.</summary>
    public string JsonProperties(string alias = "") => string.Join(", ", Columns.Select(c => $"'{c.Name}', {alias}{c.Name}"));

    /// <summary>The columns of the GeoPackage table (after <c>fid</c> and <c>geom</c>).</summary>
    public string GeoPackageColumns => string.Join(", ", Columns.Select(c => $"{c.Name} {c.GeoPackageType}"));
}
