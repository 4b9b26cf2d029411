using System.CommandLine;
using System.Diagnostics;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Files.GeoJson;
using GridSpatial.Partitioner.Files.Sources;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>import</c>: streams files into the database with binary COPY, one transaction per
/// layer. <c>--dir DIR</c> imports township.geojson and whichever of
/// villages/buildings/households/barriers/streets.geojson the folder holds; <c>--file</c> and
/// <c>--townships</c> take any import format (<see cref="FeatureSource"/>: GeoJSON, zipped or bare
/// Shapefile, GeoPackage, CSV, XLSX), told from the file, in any CRS of the registry.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "a township folder: township.geojson and whichever layers it holds", HelpName = "DIR" };
        var townshipCode = new Option<string>("--township-code") { Description = "the township a --layer file belongs to", HelpName = "C" };
        var layer = new Option<string>("--layer") { Description = "the layer of --file", HelpName = "villages|buildings|households|barriers|streets" };
        var file = new Option<string>("--file") { Description = "one layer's file: GeoJSON, Shapefile (.zip or .shp), GeoPackage, CSV or XLSX (told from the file)", HelpName = "F" };
        var townships = new Option<string>("--townships") { Description = "township boundaries (any format of --file)", HelpName = "F" };
        var crs = new Option<string>("--crs") { Description = "the CRS of the coordinates (default: the file's .prj or SRS, else EPSG:4326)", HelpName = "EPSG:4326|EPSG:4490|EPSG:4491…4554|gcj02|bd09" };
        var encoding = new Option<string>("--encoding") { Description = "text encoding of a .dbf or CSV (default: .cpg, else UTF-8 when valid, else GBK)", HelpName = "utf-8|gbk|gb18030" };
        var map = new Option<string[]>("--map") { Description = "which column is which field, e.g. --map 户号=id --map 门牌=room (defaults cover common Chinese and English headers)", HelpName = "列名=field", AllowMultipleArgumentsPerToken = true };
        var sourceLayer = new Option<string>("--source-layer") { Description = "the GeoPackage table, XLSX sheet or zipped Shapefile to read (default: the only one, or the one named like --layer)", HelpName = "NAME" };
        var command = new Command("import", "streams files into the database (binary COPY, constant memory, one transaction per layer, upsert by id): " +
            "--dir DIR | --township-code C --layer L --file F | --townships F; GeoJSON, Shapefile, GeoPackage, CSV, XLSX in any supported CRS")
        {
            dir, townshipCode, layer, file, townships, crs, encoding, map, sourceLayer,
        };
        command.SetAction(p => RunAsync(new ImportFiles(p.GetValue(dir), p.GetValue(townships), p.GetValue(townshipCode), p.GetValue(layer), p.GetValue(file)),
            ImportOptions.Parse(p.GetValue(crs), p.GetValue(encoding), p.GetValue(map), p.GetValue(sourceLayer), (field, message) => new UsageException(message))));
        return command;
    }

    public static async Task<int> RunAsync(ImportFiles files, SourceOptions? options = null)
    {
        options ??= new SourceOptions();
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        var importer = new LayerImporter(db, new InputLimits());
        var ct = CancellationToken.None;
        if (files.Dir is { } dir)
        {
            foreach (var r in await ImportDirAsync(importer, dir, options, ct)) Console.WriteLine(Line(r.Result, r.Seconds));
            return 0;
        }
        if (files.Townships is { } townships)
        {
            await using var source = await Open(townships, options, "townships", true, ct);
            await Report(importer.ImportTownshipsAsync(source.Features, "cli", null, source.Crs, ct));
            return 0;
        }
        var which = files.Layer ?? throw new UsageException("Option '--layer' is required (or --dir, or --townships).");
        if (!Enum.TryParse<Layer>(which, true, out var l)) throw new UsageException($"Unknown layer '{which}'.");
        var layerTownship = files.TownshipCode ?? throw new UsageException("Option '--township-code' is required with --layer.");
        var layerFile = files.File ?? throw new UsageException("Option '--file' is required with --layer.");
        await using (var source = await Open(layerFile, options, which.ToLowerInvariant(), false, ct))
            await Report(importer.ImportAsync(layerTownship, l, source.Features, "cli", source.Crs, ct));
        return 0;
    }

    /// <summary>A township folder: township.geojson, then whichever layers it holds, each layer one
    /// transaction; each layer's result with its seconds.</summary>
    internal static async Task<List<(LayerImporter.Result Result, double Seconds)>> ImportDirAsync(LayerImporter importer, string dir, SourceOptions options, CancellationToken ct)
    {
        var results = new List<(LayerImporter.Result, double)>();
        var townshipFile = Path.Combine(dir, "township.geojson");
        string code = "";
        await using (var source = await Open(townshipFile, options, "townships", true, ct))
            await foreach (var f in source.Features)
                code = new FeatureValidator("townships", null, crs: source.Crs).Township(f, 0).Code.Value;
        await using (var source = await Open(townshipFile, options, "townships", true, ct))
            results.Add(await Timed(importer.ImportTownshipsAsync(source.Features, "cli", null, source.Crs, ct)));
        foreach (var layer in Enum.GetValues<Layer>())
        {
            var name = layer.ToString().ToLowerInvariant();
            var file = Path.Combine(dir, name + ".geojson");
            if (!File.Exists(file)) continue;
            await using var source = await Open(file, options, name, false, ct);
            results.Add(await Timed(importer.ImportAsync(code, layer, source.Features, "cli", source.Crs, ct)));
        }
        return results;
    }

    private static async Task<(LayerImporter.Result, double)> Timed(Task<LayerImporter.Result> import)
    {
        var clock = Stopwatch.StartNew();
        var r = await import;
        return (r, Math.Max(clock.Elapsed.TotalSeconds, 1e-3));
    }

    private static string Line(LayerImporter.Result r, double s) =>
        $"{r.Layer}: {r.Received} received, {r.Inserted} inserted, {r.Updated} updated in {s:F1} s ({r.Received / s:F0}/s)";

    private static Task<OpenedSource> Open(string path, SourceOptions options, string layer, bool allowSingle, CancellationToken ct) =>
        File.Exists(path) ? FeatureSource.OpenFileAsync(path, null, options, layer, allowSingle, ct)
            : throw new UsageException($"There is no file '{path}'.");

    private static async Task Report(Task<LayerImporter.Result> import)
    {
        var (r, s) = await Timed(import);
        Console.WriteLine(Line(r, s));
    }
}

/// <summary>What one import reads: a folder, the townships file, or one layer's file.</summary>
public sealed record ImportFiles(string? Dir, string? Townships = null, string? TownshipCode = null, string? Layer = null, string? File = null);
