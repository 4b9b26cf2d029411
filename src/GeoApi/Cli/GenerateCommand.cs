using System.CommandLine;
using System.Globalization;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>generate</c>: synthetic townships (one folder each when N &gt; 1), deterministic.
/// With N &gt; 1 and the China division codes at hand (<c>--divisions CSV</c>, by default
/// <c>../shared/data/china-division/yunnan_divisions.csv</c> beside the repository), townships and
/// villages take real codes and names, in code order under <c>--county</c> (a prefix; default
/// every county of the file); otherwise codes are made up under county 530627.</summary>
public static class GenerateCommand
{
    private sealed record Division(string Code, string Name, List<(string Code, string Name)> Villages);

    /// <summary>Townships (with their villages) of a division CSV under a code prefix, in code order.</summary>
    private static List<Division> ReadDivisions(string path, string prefix)
    {
        var townships = new Dictionary<string, Division>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 4 || !f[0].StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (f[2] == "township") townships[f[0]] = new Division(f[0], f[1], []);
            else if (f[2] == "village" && townships.TryGetValue(f[3], out var t)) t.Villages.Add((f[0], f[1]));
        }
        return townships.Values.Where(t => t.Villages.Count >= 4).OrderBy(t => t.Code, StringComparer.Ordinal).ToList();
    }

    private static string? DefaultDivisions()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GridSpatial.sln"))) dir = dir.Parent;
        var path = dir?.Parent is null ? null : Path.Combine(dir.Parent.FullName, "shared", "data", "china-division", "yunnan_divisions.csv");
        return path is not null && File.Exists(path) ? path : null;
    }

    public static Command Create()
    {
        var townships = new Option<int>("--townships") { Description = "how many townships", HelpName = "N", DefaultValueFactory = _ => 1 };
        var households = new Option<int>("--households-per-township") { Description = "households in each", HelpName = "M", DefaultValueFactory = _ => 6000 };
        var seed = new Option<int>("--seed") { Description = "the random seed (same seed, same townships)", HelpName = "S", DefaultValueFactory = _ => 118 };
        var county = new Option<string>("--county") { Description = "a code prefix: the county (or any division) whose real codes to use; made-up codes under it otherwise (default 530627)", HelpName = "PREFIX" };
        var divisions = new Option<string>("--divisions") { Description = "the China division codes (default ../shared/data/china-division/yunnan_divisions.csv beside the repository)", HelpName = "CSV" };
        var noDivisions = new Option<bool>("--no-divisions") { Description = "made-up codes and names even when the division codes are at hand" };
        var outDir = new Option<string>("--out") { Description = "the output folder (one folder per township when N > 1)", HelpName = "DIR", Required = true };
        var command = new Command("generate", "synthetic townships in the real code format, deterministic; with N > 1 real township and village codes and names when the division codes are at hand")
        {
            townships, households, seed, county, divisions, noDivisions, outDir,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(noDivisions) && r.GetValue(divisions) is not null) r.AddError("--divisions and --no-divisions exclude each other.");
        });
        command.SetAction(p => Run(p.GetValue(townships), p.GetValue(households), p.GetValue(seed), p.GetRequiredValue(outDir),
            p.GetValue(county), p.GetValue(noDivisions) ? null : p.GetValue(divisions) ?? DefaultDivisions()));
        return command;
    }

    /// <param name="divisionsFile">The division codes' CSV; null for made-up codes.</param>
    private static int Run(int townships, int households, int seed, string outDir, string? countyPrefix, string? divisionsFile)
    {
        var divisionsPath = townships == 1 ? null : divisionsFile;
        var divisions = divisionsPath is null ? null : ReadDivisions(divisionsPath, countyPrefix ?? "");
        if (divisions is not null && divisions.Count < townships)
            throw new UsageException($"{divisionsPath} has {divisions.Count} townships under '{countyPrefix ?? ""}', fewer than --townships {townships}.");
        var county = countyPrefix ?? "530627";
        if (divisions is null && (townships < 1 || townships > 399)) throw new UsageException("--townships must be between 1 and 399 (more with --divisions).");
        if (divisions is not null) Console.WriteLine($"codes and names from {divisionsPath}");
        int columns = (int)Math.Ceiling(Math.Sqrt(townships));
        double spacing = 2.6 * Math.Max(800, Math.Sqrt(households / (Math.PI * 90.0)) * 1000) / 100000.0;
        Parallel.For(0, townships, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var real = divisions?[i];
            var code = real?.Code ?? county + (townships == 1 ? seed : 101 + i).ToString("D3", CultureInfo.InvariantCulture);
            double lon = 104.87 + (i % columns) * spacing, lat = 27.44 + (i / columns) * spacing;
            var name = real?.Name ?? (townships == 1 ? "木卓镇" : $"合成{i + 1}镇");
            var t = new TownshipGenerator(seed + i).Generate(code, name, lon, lat, households, realVillages: real?.Villages);
            SampleWriter.Write(t, townships == 1 ? outDir : Path.Combine(outDir, code));
            Console.WriteLine($"{code} {name}: {t.Households.Count} households, {t.Buildings.Count} buildings, {t.Villages.Count} villages");
        });
        return 0;
    }
}
