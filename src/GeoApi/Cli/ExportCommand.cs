using System.CommandLine;
using GridSpatial.GeoApi.Features.Exports;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>export</c>: the API's exports written to a file, through the same
/// <see cref="Exporter"/>: one layer as GeoJSON, zipped Shapefile, XLSX, CSV or KML, or every layer
/// as a GeoPackage (<c>--layer partition --format gpkg</c>), in any CRS of the registry.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var township = new Option<string>("--township-code") { Description = "the township to export", HelpName = "C", Required = true };
        var layer = new Option<string>("--layer") { Description = "the layer, or partition for a GeoPackage of every layer", HelpName = "township|villages|grids|micro_grids|households|buildings|barriers|streets|partition", Required = true };
        var format = new Option<string>("--format") { Description = "the file format (gpkg with --layer partition)", HelpName = "geojson|shp.zip|xlsx|csv|kml|gpkg", Required = true };
        var crs = new Option<string>("--crs") { Description = "the CRS of the coordinates written (default EPSG:4326)", HelpName = "EPSG:4326|EPSG:4490|EPSG:4491…4554|gcj02|bd09" };
        var encoding = new Option<string>("--encoding") { Description = "text encoding of a Shapefile's .dbf (default utf-8)", HelpName = "utf-8|gbk" };
        var version = new Option<int?>("--version") { Description = "the partition version of grids and micro-grids (default the current one)", HelpName = "N" };
        var output = new Option<string>("--out") { Description = "the file to write", HelpName = "F", Required = true };
        var command = new Command("export", "writes a township's layer (or every layer as a GeoPackage) to a file in any supported format and CRS, as the API's exports do")
        {
            township, layer, format, crs, encoding, version, output,
        };
        command.SetAction(p => RunAsync(p.GetRequiredValue(township), p.GetRequiredValue(layer), p.GetRequiredValue(format), p.GetValue(crs), p.GetValue(encoding),
            p.GetValue(version), p.GetRequiredValue(output)));
        return command;
    }

    private static async Task<int> RunAsync(string code, string layer, string format, string? crs, string? encoding, int? version, string path)
    {
        static Exception Refuse(string field, string message) => new UsageException($"--{field}: {message}");
        var ct = CancellationToken.None;
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        string written;
        if (layer == "partition" || format == "gpkg")
        {
            if (layer != "partition" || format != "gpkg") throw new UsageException("--layer partition goes with --format gpkg (a GeoPackage of every layer), and only it.");
            if (encoding is not null) throw Refuse("encoding", "编码 encoding 只适用于 shp.zip。encoding applies to shp.zip only.");
            var parsed = ExportRequest.ParseCrs(crs, Refuse);
            int read = await ExportVersion.VersionToRead(db, code, version, territories: true, ct);
            await using (var file = File.Create(path))
                await Exporter.WriteGeoPackageAsync(db, code, read, parsed, file, ct);
            written = $"every layer, version {read}, {parsed.Code}";
        }
        else
        {
            var request = ExportRequest.Parse($"{layer}.{format}", crs, encoding, Refuse);
            int read = await ExportVersion.ForLayerAsync(db, code, version, request.Layer, ct);
            await using (var file = File.Create(path))
                await Exporter.WriteAsync(db, code, read, request, file, ct);
            written = request.Layer.Versioned ? $"{layer}, version {read}, {request.Crs.Code}" : $"{layer}, {request.Crs.Code}";
        }
        Console.WriteLine($"{path}: {written}, {new FileInfo(path).Length:N0} bytes");
        return 0;
    }
}
