using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.GeoApi.Features.Access;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>A township's current partition as files: GeoJSON (micro-grids or grids, the
/// DESIGN §4 properties), a GeoPackage with both layers, and the assignments CSV.</summary>
public static class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/townships/{code}/export").WithTags("Exports").Require(Roles.Read);
        g.MapGet("/micro_grids.geojson", (string code, int? version, HttpContext http, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct) => GeoJson(code, version, PublishedLayer.MicroGrids, http, db, ct))
            .Produces<object>(200, "application/geo+json").WithSummary("Micro-grids of the current version (or ?version=N) as GeoJSON (code, grid_code, village_code, kind, household_count, building_id, floor_from, floor_to, unit).");
        g.MapGet("/grids.geojson", (string code, int? version, HttpContext http, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct) => GeoJson(code, version, PublishedLayer.Grids, http, db, ct))
            .Produces<object>(200, "application/geo+json").WithSummary("Grids of the current version (or ?version=N) as GeoJSON (code, village_code, household_count).");
        g.MapGet("/assignments.csv", Assignments).Produces<string>(200, "text/csv").WithSummary("household_id,micro_grid_code,grid_code for the current version (or ?version=N).");
        g.MapGet("/partition.gpkg", GeoPackage).Produces<byte[]>(200, "application/geopackage+sqlite3").WithSummary("A GeoPackage with the layers micro_grids and grids of the current version (or ?version=N).");
        return app;
    }

    private static async Task GeoJson(string code, int? asked, PublishedLayer layer, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var version = await VersionToRead(db, code, asked, territories: true, ct);
        var table = layer.Table;
        await using var cmd = db.CreateCommand($"""
            SELECT json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(geom, 9)::json, 'properties', json_build_object({layer.JsonProperties()}))::text
            FROM {layer.AtVersion("$1", "$2")} ORDER BY code
            """);
        cmd.Parameters.AddWithValue(code);
        cmd.Parameters.AddWithValue(version);
        http.Response.ContentType = "application/geo+json";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{code}-v{version}-{table}s.geojson\"";
        await using var w = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 1 << 16);
        await w.WriteAsync("{\"type\":\"FeatureCollection\",\"features\":[");
        bool first = true;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                if (!first) await w.WriteAsync(',');
                first = false;
                await w.WriteAsync(r.GetString(0));
            }
        await w.WriteAsync("]}");
    }

    private static async Task Assignments(string code, int? version, HttpContext http, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        var read = await VersionToRead(db, code, version, territories: false, ct);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{code}-v{read}-assignments.csv\"";
        await using var w = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        await w.WriteLineAsync("household_id,micro_grid_code,grid_code");
        await using var cmd = db.CreateCommand("SELECT household_id, micro_grid_code, grid_code FROM assignment_at($1, $2) ORDER BY household_id");
        cmd.Parameters.AddWithValue(code);
        cmd.Parameters.AddWithValue(read);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            await w.WriteLineAsync($"{Partitioner.Files.Csv.Field(r.GetString(0))},{r.GetString(1)},{r.GetString(2)}");
    }

    private static async Task<IResult> GeoPackage(string code, int? version, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        int read = await VersionToRead(db, code, version, territories: true, ct);
        var path = Path.Combine(Path.GetTempPath(), $"gridspatial-{Guid.NewGuid():N}.gpkg");
        try
        {
            await using (var gpkg = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
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
                foreach (var (table, layer) in new[] { ("micro_grids", PublishedLayer.MicroGrids), ("grids", PublishedLayer.Grids) })
                    await Exec(gpkg, $"CREATE TABLE {table} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON, {layer.GeoPackageColumns})", ct);
                await using var tx = (SqliteTransaction)await gpkg.BeginTransactionAsync(ct);
                var writer = new GeoPackageGeoWriter();
                foreach (var (table, layer) in new[] { ("micro_grids", PublishedLayer.MicroGrids), ("grids", PublishedLayer.Grids) })
                {
                    var columns = layer.Names();
                    var select = $"SELECT geom, {columns} FROM {layer.AtVersion("$1", "$2")} ORDER BY code";
                    var names = columns.Split(", ");
                    await using var insert = new SqliteCommand($"INSERT INTO {table} (geom, {columns}) VALUES (@geom, {string.Join(", ", names.Select(n => "@" + n))})", gpkg, tx);
                    insert.Parameters.Add("@geom", SqliteType.Blob);
                    foreach (var n in names) insert.Parameters.Add("@" + n, SqliteType.Text);
                    var extent = new Envelope();
                    await using var src = db.CreateCommand(select);
                    src.Parameters.AddWithValue(code);
                    src.Parameters.AddWithValue(read);
                    await using var r = await src.ExecuteReaderAsync(ct);
                    while (await r.ReadAsync(ct))
                    {
                        var geom = r.GetFieldValue<Geometry>(0);
                        geom.SRID = 4326;
                        extent.ExpandToInclude(geom.EnvelopeInternal);
                        insert.Parameters["@geom"].Value = writer.Write(geom);
                        for (int i = 0; i < names.Length; i++) insert.Parameters["@" + names[i]].Value = r.IsDBNull(i + 1) ? DBNull.Value : r.GetValue(i + 1);
                        await insert.ExecuteNonQueryAsync(ct);
                    }
                    await using var meta = new SqliteCommand("""
                        INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) VALUES (@t, 'features', @t, @x0, @y0, @x1, @y1, 4326);
                        INSERT INTO gpkg_geometry_columns VALUES (@t, 'geom', 'MULTIPOLYGON', 4326, 0, 0);
                        """, gpkg, tx);
                    meta.Parameters.AddWithValue("@t", table);
                    meta.Parameters.AddWithValue("@x0", extent.IsNull ? 0 : extent.MinX);
                    meta.Parameters.AddWithValue("@y0", extent.IsNull ? 0 : extent.MinY);
                    meta.Parameters.AddWithValue("@x1", extent.IsNull ? 0 : extent.MaxX);
                    meta.Parameters.AddWithValue("@y1", extent.IsNull ? 0 : extent.MaxY);
                    await meta.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
            }
            var bytes = await File.ReadAllBytesAsync(path, ct);
            return Results.File(bytes, "application/geopackage+sqlite3", $"{code}-v{read.ToString(CultureInfo.InvariantCulture)}.gpkg");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task Exec(SqliteConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = new SqliteCommand(sql, c);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The version every query of one export reads (so a publish in between cannot mix
    /// two): the one asked for (<c>?version=</c>), else the current one. A version whose
    /// territories retention dropped (<c>compact</c>) is 410 Gone for the territory layers; its
    /// assignments are kept.</summary>
    private static async Task<int> VersionToRead(NpgsqlDataSource db, string code, int? asked, bool territories, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT s.current_version, v.version, v.compacted_at IS NOT NULL AND v.version <> s.current_version
            FROM township t LEFT JOIN township_state s ON s.township_code = t.code
            LEFT JOIN partition_version v ON v.township_code = t.code AND v.version = coalesce($2, s.current_version)
            WHERE t.code = $1
            """);
        cmd.Parameters.AddWithValue(code);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Integer, asked is null ? DBNull.Value : asked.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw ApiException.NotFound($"There is no township '{code}'.");
        if (r.IsDBNull(0)) throw new ApiException(404, "No partition yet", $"Township {code} has not been partitioned.");
        if (r.IsDBNull(1))
            throw new ApiException(404, "Version not found", $"Township {code} has no version {asked}.", new() { ["field"] = "version" });
        if (territories && r.GetBoolean(2))
            throw new ApiException(410, "Territories compacted",
                $"Version {asked} of township {code} is older than the retention period: its territories were dropped (its codes, assignments, history and diffs remain).",
                new() { ["field"] = "version" });
        return r.GetInt32(1);
    }
}
