using System.Globalization;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>generate [--townships N] [--households-per-township M] [--seed S] --out DIR</c>:
/// synthetic townships (one folder each when N &gt; 1) of county 530627, deterministic.</summary>
public static class GenerateCommand
{
    public const string Usage = "generate [--townships N] [--households-per-township M] [--seed S] [--county 530627] --out DIR";

    public static int Run(string[] args)
    {
        var cl = new CommandLine(args, new HashSet<string>());
        int townships = cl.Number("townships", 1);
        int households = cl.Number("households-per-township", 6000);
        int seed = cl.Number("seed", 118);
        var county = cl.Get("county") ?? "530627";
        var outDir = cl.Required("out");
        if (townships < 1 || townships > 399) throw new UsageException("--townships must be between 1 and 399.");
        int columns = (int)Math.Ceiling(Math.Sqrt(townships));
        double spacing = 2.6 * Math.Max(800, Math.Sqrt(households / (Math.PI * 90.0)) * 1000) / 100000.0;
        Parallel.For(0, townships, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var code = county + (townships == 1 ? seed : 101 + i).ToString("D3", CultureInfo.InvariantCulture);
            double lon = 104.87 + (i % columns) * spacing, lat = 27.44 + (i / columns) * spacing;
            var name = townships == 1 ? "木卓镇" : $"合成{i + 1}镇";
            var t = new TownshipGenerator(seed + i).Generate(code, name, lon, lat, households);
            SampleWriter.Write(t, townships == 1 ? outDir : Path.Combine(outDir, code));
            Console.WriteLine($"{code} {name}: {t.Households.Count} households, {t.Buildings.Count} buildings, {t.Villages.Count} villages");
        });
        return 0;
    }
}
