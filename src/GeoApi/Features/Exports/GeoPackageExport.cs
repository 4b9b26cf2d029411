using Microsoft.Data.Sqlite;
using GridSpatial.Partitioner.Files;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>Every layer of a township (<see cref="ExportLayer.All"/>, grids and micro-grids of one
/// version) as one GeoPackage 1.3, tables named after the layers, in one CRS: its EPSG number as
/// the SRS id, its WKT as the definition (GCJ-02 and BD-09, which have none, as an
/// organisation-less SRS of their own).</summary>
public static class GeoPackageExport
{
    /// <summary>The rows of a layer in the export's CRS.</summary>
    public delegate IAsyncEnumerable<ExportRow> LayerRows(ExportLayer layer, IReadOnlyList<ExportColumn> columns, CancellationToken ct);

    public static async Task WriteAsync(string path, Crs crs, LayerRows rows, CancellationToken ct)
    {
        int srs = crs.Epsg != 0 ? crs.Epsg : crs.Kind == CrsKind.Gcj02 ? 990002 : 990009;
        await using var gpkg = new SqliteConnection($"Data Source={path};Pooling=False");
        await gpkg.OpenAsync(ct);
        await Exec(gpkg, """
            PRAGMA application_id = 1196444487;
            PRAGMA user_version = 10300;
            CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
                organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
                ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL),
                ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', NULL);
            CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
                last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
                srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
                srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name));
            """, ct);
        if (srs != 4326)
        {
            await using var add = new SqliteCommand("INSERT INTO gpkg_spatial_ref_sys VALUES (@name, @id, @org, @id, @wkt, NULL)", gpkg);
            add.Parameters.AddWithValue("@name", crs.Name);
            add.Parameters.AddWithValue("@id", srs);
            add.Parameters.AddWithValue("@org", crs.Epsg != 0 ? "EPSG" : "NONE");
            add.Parameters.AddWithValue("@wkt", crs.Wkt);
            await add.ExecuteNonQueryAsync(ct);
        }
        await using var tx = (SqliteTransaction)await gpkg.BeginTransactionAsync(ct);
        var writer = new GeoPackageGeoWriter { HandleOrdinates = Ordinates.XY };
        foreach (var layer in ExportLayer.All)
        {
            var columns = layer.ColumnsFor(table: false);
            var type = layer.Shape switch { ExportShape.Polygon => "MULTIPOLYGON", ExportShape.Line => "MULTILINESTRING", _ => "POINT" };
            await using (var create = new SqliteCommand($"CREATE TABLE {layer.Name} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom {type}{string.Concat(columns.Select(c => $", {c.Name} {SqlType(c.Type)}"))})", gpkg, tx))
                await create.ExecuteNonQueryAsync(ct);
            await using var insert = new SqliteCommand($"INSERT INTO {layer.Name} (geom{string.Concat(columns.Select(c => ", " + c.Name))}) VALUES (@geom{string.Concat(columns.Select(c => ", @" + c.Name))})", gpkg, tx);
            insert.Parameters.Add("@geom", SqliteType.Blob);
            foreach (var c in columns) insert.Parameters.Add("@" + c.Name, c.Type == ExportType.Text ? SqliteType.Text : c.Type == ExportType.Real ? SqliteType.Real : SqliteType.Integer);
            var extent = new Envelope();
            await foreach (var row in rows(layer, columns, ct).WithCancellation(ct))
            {
                var geom = row.Geometry;
                geom.SRID = srs;
                extent.ExpandToInclude(geom.EnvelopeInternal);
                insert.Parameters["@geom"].Value = writer.Write(geom);
                for (int i = 0; i < columns.Count; i++) insert.Parameters["@" + columns[i].Name].Value = row.Values[i] ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync(ct);
            }
            await using var meta = new SqliteCommand("""
                INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) VALUES (@t, 'features', @t, @x0, @y0, @x1, @y1, @srs);
                INSERT INTO gpkg_geometry_columns VALUES (@t, 'geom', @type, @srs, 0, 0);
                """, gpkg, tx);
            meta.Parameters.AddWithValue("@t", layer.Name);
            meta.Parameters.AddWithValue("@type", type);
            meta.Parameters.AddWithValue("@srs", srs);
            meta.Parameters.AddWithValue("@x0", extent.IsNull ? 0 : extent.MinX);
            meta.Parameters.AddWithValue("@y0", extent.IsNull ? 0 : extent.MinY);
            meta.Parameters.AddWithValue("@x1", extent.IsNull ? 0 : extent.MaxX);
            meta.Parameters.AddWithValue("@y1", extent.IsNull ? 0 : extent.MaxY);
            await meta.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private static string SqlType(ExportType t) => t switch
    {
        ExportType.WholeNumber => "INTEGER",
        ExportType.Real => "REAL",
        ExportType.Boolean => "BOOLEAN",
        _ => "TEXT",
    };

    private static async Task Exec(SqliteConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = new SqliteCommand(sql, c);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
