using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Files.GeoJson;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>import</c>: streams GeoJSON files into the database with binary COPY, one
/// transaction per layer. <c>--dir DIR</c> imports township.geojson and whichever of
/// villages/buildings/households/barriers.geojson the folder holds.</summary>
public static class ImportCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var cl = new CommandLine(args, new HashSet<string>());
        var cs = Environment.GetEnvironmentVariable("GRIDSPATIAL_DB") ?? Database.ConnectionString(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        var importer = new LayerImporter(db);
        var ct = CancellationToken.None;
        if (cl.Get("dir") is { } dir)
        {
            var townshipFile = Path.Combine(dir, "township.geojson");
            string code = "";
            await foreach (var f in Read(townshipFile, "townships", ct))
                code = FeatureValidator.Township(f, 0).Code.Value;
            await Report(importer.ImportTownshipsAsync(Read(townshipFile, "townships", ct), "cli", null, ct));
            foreach (var layer in Enum.GetValues<Layer>())
            {
                var file = Path.Combine(dir, layer.ToString().ToLowerInvariant() + ".geojson");
                if (File.Exists(file)) await Report(importer.ImportAsync(code, layer, Read(file, layer.ToString().ToLowerInvariant(), ct), "cli", ct));
            }
            return 0;
        }
        if (cl.Get("townships") is { } townships)
        {
            await Report(importer.ImportTownshipsAsync(Read(townships, "townships", ct), "cli", null, ct));
            return 0;
        }
        var which = cl.Required("layer");
        if (!Enum.TryParse<Layer>(which, true, out var l)) throw new UsageException($"Unknown layer '{which}'.");
        await Report(importer.ImportAsync(cl.Required("township-code"), l, Read(cl.Required("file"), which, ct), "cli", ct));
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
