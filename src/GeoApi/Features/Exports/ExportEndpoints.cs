using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.GeoApi.Features.Access;
using System.Text;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>A township's layers as files: <c>{layer}.{format}</c> for every layer of
/// <see cref="ExportLayer.All"/> in GeoJSON, zipped Shapefile, XLSX, CSV and KML, a GeoPackage of
/// every layer, and the assignments CSV; <c>crs=</c> any CRS of the registry, <c>encoding=</c>
/// for Shapefiles; grids and micro-grids of the current version or <c>?version=N</c>.</summary>
public static class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/townships/{code}/export").WithTags("Exports").Require(Roles.Read);
        g.MapGet("/assignments.csv", Assignments).Produces<string>(200, "text/csv").WithSummary("household_id,micro_grid_code,grid_code for the current version (or ?version=N).");
        g.MapGet("/partition.gpkg", GeoPackage).Produces<byte[]>(200, Exporter.GeoPackageType)
            .WithSummary("A GeoPackage with every layer (township, villages, grids, micro_grids, households, buildings, barriers, streets; grids and micro-grids of the current version or ?version=N) in ?crs= (default WGS 84).");
        g.MapGet("/{file}", Layer).Produces<byte[]>(200, "application/geo+json", "application/zip", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.google-earth.kml+xml")
            .ProducesProblem(400)
            .WithSummary($"One layer ({ExportRequest.Layers}) as {{layer}}.{{format}}, format one of {ExportRequest.Formats}; ?crs= (EPSG:4326, 4490, 4491–4554, gcj02, bd09), ?encoding=utf-8|gbk (shp.zip), ?version=N (grids, micro_grids). An unknown layer, format, crs or encoding is a 400 naming the field.");
        return app;
    }

    private static Exception Refuse(string field, string message) =>
        new ApiException(400, "参数无效 (Invalid parameter)", message, new() { ["field"] = field });

    private static async Task Layer(string code, string file, int? version, string? crs, string? encoding, HttpContext http,
        [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        var request = ExportRequest.Parse(file, crs, encoding, Refuse);
        var read = await ExportVersion.ForLayerAsync(db, code, version, request.Layer, ct);
        http.Response.ContentType = Exporter.ContentType(request.Format);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{Exporter.FileName(code, read, request)}\"";
        await Exporter.WriteAsync(db, code, read, request, http.Response.Body, ct);
    }

    private static async Task GeoPackage(string code, int? version, string? crs, HttpContext http, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        var parsed = ExportRequest.ParseCrs(crs, Refuse);
        int read = await ExportVersion.VersionToRead(db, code, version, territories: true, ct);
        http.Response.ContentType = Exporter.GeoPackageType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{code}-v{read}.gpkg\"";
        await Exporter.WriteGeoPackageAsync(db, code, read, parsed, http.Response.Body, ct);
    }

    private static async Task Assignments(string code, int? version, HttpContext http, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        var read = await ExportVersion.VersionToRead(db, code, version, territories: false, ct);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{code}-v{read}-assignments.csv\"";
        await using var w = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        await w.WriteLineAsync("household_id,micro_grid_code,grid_code");
        await using var cmd = db.CreateCommand($"SELECT household_id, micro_grid_code, grid_code FROM {PublishedLayer.AssignmentsAt("$1", "$2")} a ORDER BY household_id");
        cmd.Parameters.AddTownship(code);
        cmd.Parameters.AddWithValue(read);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            await w.WriteLineAsync($"{Partitioner.Files.Csv.Field(r.GetString(0))},{r.GetString(1)},{r.GetString(2)}");
    }
}
