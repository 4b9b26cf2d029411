using System.CommandLine;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Files.GeoJson;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>import</c>: streams GeoJSON files into the database with binary COPY, one
/// transaction per layer. <c>--dir DIR</c> imports township.geojson and whichever of
/// villages/buildings/households/barriers/streets.geojson the folder holds.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "a township folder: township.geojson and whichever layers it holds", HelpName = "DIR" };
        var townshipCode = new Option<string>("--township-code") { Description = "the township a --layer file belongs to", HelpName = "C" };
        var layer = new Option<string>("--layer") { Description = "the layer of --file", HelpName = "villages|buildings|households|barriers|streets" };
        var file = new Option<string>("--file") { Description = "one layer's GeoJSON", HelpName = "F" };
        var townships = new Option<string>("--townships") { Description = "township boundaries (GeoJSON)", HelpName = "F" };
        var command = new Command("import", "streams GeoJSON into the database (binary COPY, constant memory, one transaction per layer, upsert by id): " +
            "--dir DIR | --township-code C --layer L --file F | --townships F")
        {
            dir, townshipCode, layer, file, townships,
        };
        command.SetAction(p => RunAsync(new ImportFiles(p.GetValue(dir), p.GetValue(townships), p.GetValue(townshipCode), p.GetValue(layer), p.GetValue(file))));
        return command;
    }

    public static async Task<int> RunAsync(ImportFiles files)
    {
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        var importer = new LayerImporter(db, new InputLimits());
        var ct = CancellationToken.None;
        if (files.Dir is { } dir)
        {
            var townshipFile = Path.Combine(dir, "township.geojson");
            string code = "";
            await foreach (var f in Read(townshipFile, "townships", ct))
                code = new FeatureValidator("townships", null).Township(f, 0).Code.Value;
            await Report(importer.ImportTownshipsAsync(Read(townshipFile, "townships", ct), "cli", null, ct));
            foreach (var layer in Enum.GetValues<Layer>())
            {
                var file = Path.Combine(dir, layer.ToString().ToLowerInvariant() + ".geojson");
                if (File.Exists(file)) await Report(importer.ImportAsync(code, layer, Read(file, layer.ToString().ToLowerInvariant(), ct), "cli", ct));
            }
            return 0;
        }
        if (files.Townships is { } townships)
        {
            await Report(importer.ImportTownshipsAsync(Read(townships, "townships", ct), "cli", null, ct));
            return 0;
        }
        var which = files.Layer ?? throw new UsageException("Option '--layer' is required (or --dir, or --townships).");
        if (!Enum.TryParse<Layer>(which, true, out var l)) throw new UsageException($"Unknown layer '{which}'.");
        var layerTownship = files.TownshipCode ?? throw new UsageException("Option '--township-code' is required with --layer.");
        var layerFile = files.File ?? throw new UsageException("Option '--file' is required with --layer.");
        await Report(importer.ImportAsync(layerTownship, l, Read(layerFile, which, ct), "cli", ct));
        return 0;
    }

    private static async Task Report(Task<LayerImporter.Result> import)
    {
        var clock = Stopwatch.StartNew();
        var r = await import;
        double s = Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
        Console.WriteLine($"{r.Layer}: {r.Received} received, {r.Inserted} inserted, {r.Updated} updated in {s:F1} s ({r.Received / s:F0}/s)");
    }

    private static async IAsyncEnumerable<JsonElement> Read(string path, string layer, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await foreach (var f in FeatureReader.ReadAsync(stream, layer, ct)) yield return f;
    }
}

/// <summary>What one import reads: a folder, the townships file, or one layer's file.</summary>
public sealed record ImportFiles(string? Dir, string? Townships = null, string? TownshipCode = null, string? Layer = null, string? File = null);
