using System.Text.Json;
using GridSpatial.Partitioner.Inputs;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>A feature table of a GeoPackage, read row by row: the table named by the import
/// (<c>sourceLayer</c>), else the only one, else the one named like the layer. Its SRS (an EPSG
/// code, else its WKT) names the CRS unless the import names one.</summary>
internal static class GeoPackageSource
{
    public sealed record Table(string Name, string GeometryColumn, Crs? Crs);

    public static Table Find(string path, string? name, string layer)
    {
        using var conn = Open(path);
        var tables = new List<(string Name, string Geometry, string? Organization, long? Code, string? Definition)>();
        using (var cmd = new SqliteCommand("""
            SELECT c.table_name, g.column_name, s.organization, s.organization_coordsys_id, s.definition
            FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
            LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
            WHERE c.data_type = 'features' ORDER BY c.table_name
            """, conn))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                tables.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4)));
        var t = tables.Count == 1 && name is null ? tables[0]
            : tables.FirstOrDefault(x => string.Equals(x.Name, name ?? layer, StringComparison.OrdinalIgnoreCase));
        if (t.Name is null)
            throw new InputException(layer, null, null, "sourceLayer", tables.Count == 0
                ? "GeoPackage 里没有要素表。The GeoPackage holds no feature table."
                : $"GeoPackage 里没有名为 '{name ?? layer}' 的图层（有：{string.Join("、", tables.Select(x => x.Name))}），请用 sourceLayer 指明。" +
                  $"The GeoPackage has no layer '{name ?? layer}' (it has {string.Join(", ", tables.Select(x => x.Name))}); name one with sourceLayer.");
        Crs? crs = null;
        if (string.Equals(t.Organization, "EPSG", StringComparison.OrdinalIgnoreCase) && t.Code is { } code) crs = InputCrs.FromEpsg((int)code);
        crs ??= t.Definition is { Length: > 0 } wkt && !wkt.StartsWith("undefined", StringComparison.OrdinalIgnoreCase) ? InputCrs.FromPrj(wkt) : null;
        if (crs is null && t.Code is not (null or 0 or -1))
            throw new DeclaredCrsException(layer, "GeoPackage SRS",
                $"图层 '{t.Name}' 的坐标系（{t.Organization}:{t.Code}）不在支持之列：请用 crs= 指明（{InputCrs.Accepted}）。" +
                $"Layer '{t.Name}' is in {t.Organization}:{t.Code}, which this service does not know; name the CRS with crs= ({InputCrs.Accepted}).");
        return new Table(t.Name, t.Geometry, crs);
    }

    public static IEnumerable<JsonElement> Read(string path, Table table, ColumnMap map)
    {
        using var conn = Open(path);
        using var cmd = new SqliteCommand($"SELECT * FROM \"{table.Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", conn);
        using var r = cmd.ExecuteReader();
        var reader = new GeoPackageGeoReader();
        var pk = PrimaryKey(conn, table.Name);
        while (r.Read())
        {
            NetTopologySuite.Geometries.Geometry? geometry = null;
            var attributes = new List<KeyValuePair<string, object?>>();
            for (int i = 0; i < r.FieldCount; i++)
            {
                var column = r.GetName(i);
                if (string.Equals(column, table.GeometryColumn, StringComparison.OrdinalIgnoreCase))
                    geometry = r.IsDBNull(i) ? null : reader.Read((byte[])r.GetValue(i));
                else if (!string.Equals(column, pk, StringComparison.OrdinalIgnoreCase))
                    attributes.Add(new(column, r.IsDBNull(i) ? null : r.GetValue(i)));
            }
            yield return FeatureJson.Create(geometry, attributes, map);
        }
    }

    private static string? PrimaryKey(SqliteConnection conn, string table)
    {
        using var cmd = new SqliteCommand("SELECT name FROM pragma_table_info($t) WHERE pk = 1", conn);
        cmd.Parameters.AddWithValue("$t", table);
        return cmd.ExecuteScalar() as string;
    }

    private static SqliteConnection Open(string path)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        conn.Open();
        return conn;
    }
}
