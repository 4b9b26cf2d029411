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
    /// (SQL expressions): <c>micro_grid_at(t, v)</c>, defined in migration 0011.</summary>
    public string AtVersion(string township, string version) => $"{Table}_at({township}, {version})";

    /// <summary><c>code, grid_code, …</c>, each prefixed with <paramref name="alias"/>.</summary>
    public string Names(string alias = "") => string.Join(", ", Columns.Select(c => alias + c.Name));

    /// <summary>The arguments of <c>json_build_object</c>: <c>'code', x.code, …</c>.</summary>
    public string JsonProperties(string alias = "") => string.Join(", ", Columns.Select(c => $"'{c.Name}', {alias}{c.Name}"));

    /// <summary>The columns of the GeoPackage table (after <c>fid</c> and <c>geom</c>).</summary>
    public string GeoPackageColumns => string.Join(", ", Columns.Select(c => $"{c.Name} {c.GeoPackageType}"));
}
