using System.CommandLine;
using System.Globalization;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>generate</c>: synthetic townships (one folder each when N &gt; 1), deterministic.
/// One township (the sample: code county + seed, 9,000 households by default) takes its code's
/// real village names from the division codes when they are at hand. With N &gt; 1 and the China
/// division codes at hand (<c>--divisions CSV</c>, by default
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

    /// <summary>The division codes beside the repository, when they are at hand.</summary>
    internal static string? DefaultDivisions()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GridSpatial.sln"))) dir = dir.Parent;
        var path = dir?.Parent is null ? null : Path.Combine(dir.Parent.FullName, "shared", "data", "china-division", "yunnan_divisions.csv");
        return path is not null && File.Exists(path) ? path : null;
    }

    /// <summary>Township <see cref="Index"/> of a generated set: its code, name, villages and centre.</summary>
    internal sealed record Planned(int Index, string Code, string Name, double Lon, double Lat, int Households, List<(string Code, string Name)>? Villages)
    {
        /// <summary>The township itself (deterministic: seed + index).</summary>
        public GeneratedTownship Generate(int seed) => new TownshipGenerator(seed + Index).Generate(Code, Name, Lon, Lat, Households, realVillages: Villages);
    }

    /// <summary>N townships side by side (N &gt; 1): real codes, names and villages from the division codes
    /// under the prefix when a file is given (a usage error when it holds fewer than N), else made-up codes
    /// under county 530627 (at most 399).</summary>
    internal static List<Planned> Plan(int townships, int households, string? countyPrefix, string? divisionsPath)
    {
        var divisions = divisionsPath is null ? null : ReadDivisions(divisionsPath, countyPrefix ?? "");
        if (divisions is not null && divisions.Count < townships)
            throw new UsageException($"{divisionsPath} has {divisions.Count} townships (with at least 4 villages) under '{countyPrefix ?? ""}', fewer than --townships {townships}.");
        if (divisions is null && (townships < 1 || townships > 399)) throw new UsageException("--townships must be between 1 and 399 (more with --divisions).");
        if (divisions is not null) Console.WriteLine($"codes and names from {divisionsPath}");
        var county = countyPrefix ?? "530627";
        int columns = (int)Math.Ceiling(Math.Sqrt(townships));
        //-- A township reaches at most 1.47 radii from its centre (RidgeOutline), so centres 3 radii apart never overlap.
        double radius = Math.Max(800, Math.Sqrt(households / (Math.PI * 90.0)) * 1000);
        double lonSpacing = 3 * radius / (111320 * Math.Cos(27.44 * Math.PI / 180)), latSpacing = 3 * radius / 110540;
        return Enumerable.Range(0, townships).Select(i =>
        {
            var real = divisions?[i];
            return new Planned(i, real?.Code ?? county + (101 + i).ToString("D3", CultureInfo.InvariantCulture), real?.Name ?? $"合成{i + 1}镇",
                104.87 + (i % columns) * lonSpacing, 27.44 + (i / columns) * latSpacing, households, real?.Villages);
        }).ToList();
    }

    public static Command Create()
    {
        var townships = new Option<int>("--townships") { Description = "how many townships", HelpName = "N", DefaultValueFactory = _ => 1 };
        var households = new Option<int?>("--households-per-township") { Description = "households in each (default 9,000 for one township, the sample; 6,000 each for more)", HelpName = "M" };
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
        command.SetAction(p => Run(p.GetValue(townships), p.GetValue(households) ?? (p.GetValue(townships) == 1 ? 9000 : 6000), p.GetValue(seed), p.GetRequiredValue(outDir),
            p.GetValue(county), p.GetValue(noDivisions) ? null : p.GetValue(divisions) ?? DefaultDivisions()));
        return command;
    }

    /// <param name="divisionsFile">The division codes' CSV; null for made-up codes.</param>
    private static int Run(int townships, int households, int seed, string outDir, string? countyPrefix, string? divisionsFile)
    {
        var divisionsPath = divisionsFile;
        var county = countyPrefix ?? "530627";
        if (townships == 1)
        {
            //-- One township keeps its made-up code (county + seed) and takes that code's real village names when the file has it.
            var code = county + seed.ToString("D3", CultureInfo.InvariantCulture);
            var real = divisionsPath is null ? null : ReadDivisions(divisionsPath, code).FirstOrDefault(d => d.Code == code);
            if (real is not null) Console.WriteLine($"village codes and names from {divisionsPath}");
            var t = new TownshipGenerator(seed).Generate(code, real?.Name ?? "木卓镇", 104.87, 27.44, households, realVillages: real?.Villages);
            SampleWriter.Write(t, outDir);
            Console.WriteLine($"{code} {t.Township.Name}: {t.Households.Count} households, {t.Buildings.Count} buildings, {t.Villages.Count} villages, {t.Streets.Count} streets");
            return 0;
        }
        var plan = Plan(townships, households, countyPrefix, divisionsPath);
        Parallel.ForEach(plan, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, t =>
        {
            var sample = t.Generate(seed);
            SampleWriter.Write(sample, Path.Combine(outDir, t.Code));
            Console.WriteLine($"{t.Code} {t.Name}: {sample.Households.Count} households, {sample.Buildings.Count} buildings, {sample.Villages.Count} villages");
        });
        return 0;
    }
}
