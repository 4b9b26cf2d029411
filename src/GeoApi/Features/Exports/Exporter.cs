using System.Text;
using GridSpatial.Partitioner.Files;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>Writes an export to a stream: the one path of the API and the CLI. Text formats
/// (GeoJSON, CSV, KML) stream row by row; Shapefiles, workbooks and GeoPackages are files by
/// nature and are built in a temporary folder, then copied.</summary>
public static class Exporter
{
    public static string ContentType(ExportFormat format) => format switch
    {
        ExportFormat.GeoJson => "application/geo+json",
        ExportFormat.ShapefileZip => "application/zip",
        ExportFormat.Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ExportFormat.Csv => "text/csv; charset=utf-8",
        _ => "application/vnd.google-earth.kml+xml",
    };

    public const string GeoPackageType = "application/geopackage+sqlite3";

    /// <summary>The file name a download suggests: <c>{code}-v{version}-{layer}.{ext}</c> (no version for unversioned layers).</summary>
    public static string FileName(string code, int version, ExportRequest request) =>
        request.Layer.Versioned ? $"{code}-v{version}-{request.Layer.Name}.{request.Extension}" : $"{code}-{request.Layer.Name}.{request.Extension}";

    /// <param name="version">The partition version of grids and micro-grids (ignored by other layers).</param>
    public static async Task WriteAsync(NpgsqlDataSource db, string code, int version, ExportRequest request, Stream output, CancellationToken ct)
    {
        var layer = request.Layer;
        var columns = layer.ColumnsFor(table: request.Format is ExportFormat.Csv or ExportFormat.Xlsx);
        var rows = ExportRows.ReadAsync(db, code, version, layer, columns, request.Crs, ct);
        switch (request.Format)
        {
            case ExportFormat.GeoJson or ExportFormat.Csv or ExportFormat.Kml:
                await using (var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" })
                {
                    if (request.Format == ExportFormat.GeoJson) await GeoJsonExport.WriteAsync(rows, columns, request.Crs, w, ct);
                    else if (request.Format == ExportFormat.Csv) await TableExport.WriteCsvAsync(layer, rows, columns, request.Crs, w, ct);
                    else await KmlExport.WriteAsync(layer, rows, columns, w, ct);
                }
                break;
            case ExportFormat.Xlsx:
                await ViaTemporaryFolder(async folder =>
                {
                    await using var file = File.Create(Path.Combine(folder, "export.xlsx"));
                    await TableExport.WriteXlsxAsync(layer, rows, columns, request.Crs, file, ct);
                    return file.Name;
                }, output, ct);
                break;
            default:
                await ViaTemporaryFolder(async folder =>
                {
                    var parts = Directory.CreateDirectory(Path.Combine(folder, "shp")).FullName;
                    await using var zip = File.Create(Path.Combine(folder, "export.zip"));
                    await ShapefileExport.WriteAsync(layer, rows, columns, request.Crs, request.Encoding, parts, zip, ct);
                    return zip.Name;
                }, output, ct);
                break;
        }
    }

    /// <summary>Every layer of the township in one GeoPackage in <paramref name="crs"/>.</summary>
    public static Task WriteGeoPackageAsync(NpgsqlDataSource db, string code, int version, Crs crs, Stream output, CancellationToken ct) =>
        ViaTemporaryFolder(async folder =>
        {
            var path = Path.Combine(folder, "export.gpkg");
            await GeoPackageExport.WriteAsync(path, crs, (layer, columns, c) => ExportRows.ReadAsync(db, code, version, layer, columns, crs, c), ct);
            return path;
        }, output, ct);

    /// <summary>Runs <paramref name="build"/> in a fresh temporary folder, copies the file it
    /// names to <paramref name="output"/>, and deletes the folder whatever happens.</summary>
    private static async Task ViaTemporaryFolder(Func<string, Task<string>> build, Stream output, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("gridspatial-export-").FullName;
        try
        {
            var file = await build(folder);
            await using var read = File.OpenRead(file);
            await read.CopyToAsync(output, ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
