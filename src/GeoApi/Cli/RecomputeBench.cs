using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench recompute</c>: edit → new codes
/// visible through <c>GET /api/households/{id}/grid</c>, end to end through the running service
/// (scheduler, Hangfire job on PostgreSQL storage, publish), one edit at a time.</summary>
public static class RecomputeBench
{
    public static Command Create()
    {
        var households = new Option<int>("--households") { Description = "households of the synthetic township (up to 50,000)", HelpName = "N", DefaultValueFactory = _ => 5000 };
        var edits = new Option<int>("--edits") { Description = "edits, one at a time", HelpName = "E", DefaultValueFactory = _ => 20 };
        var quiet = new Option<string>("--quiet") { Description = "the recompute quiet period in seconds", HelpName = "S", DefaultValueFactory = _ => "0.5" };
        var inProcess = new Option<bool>("--in-process") { Description = "the compute stage alone, in this process without the database (same township and edits), beside the whole recompute of the same input" };
        var command = new Command("recompute", "edit → new codes visible, end to end through the service") { households, edits, quiet, inProcess };
        command.SetAction(p => p.GetValue(inProcess)
            ? Task.FromResult(LocalRecomputeBench.Run(Households(p.GetValue(households)), Edits(p.GetValue(edits))))
            : RunAsync(p.GetValue(households), p.GetValue(edits), p.GetRequiredValue(quiet)));
        return command;
    }

    private static int Households(int households) =>
        households is < 100 or > 50_000 ? throw new UsageException("--households: between 100 and 50,000.") : households;

    private static int Edits(int edits) => edits < 1 ? throw new UsageException("--edits: at least 1.") : edits;

    private static async Task<int> RunAsync(int households, int edits, string quiet)
    {
        (households, edits) = (Households(households), Edits(edits));
        const string code = "530627170";
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        //-- A fresh township each run, so its history (and its size) is this run's alone.
        await using (var drop = db.CreateCommand("DELETE FROM township WHERE code = $1"))
        {
            drop.Parameters.AddWithValue(code);
            await drop.ExecuteNonQueryAsync();
        }
        var bytes = new VersionBytes(db);
        var timeline = new RecomputeTimeline(db);
        var stages = new List<double[]>();

        var t = new TownshipGenerator(170).Generate(code, "测速镇", 105.9, 26.9, households);
        var dir = Path.Combine(Path.GetTempPath(), "gs-bench-recompute");
        SampleWriter.Write(t, dir);
        await ImportCommand.RunAsync(new ImportFiles(dir));

        await using var host = await BenchHost.StartAsync($"--Recompute:QuietSeconds={quiet}");
        using var http = host.Client();
        await WaitSettled(http, code);
        var rnd = new Random(1);
        var latencies = new List<double>();
        var written = new List<long>();
        var rows = new List<(long Inserted, long Closed)>();
        long tablesBefore = await bytes.PartitionTablesAsync(), databaseBefore = await bytes.DatabaseAsync();
        int firstVersion = (await http.GetFromJsonAsync<JsonElement>($"/api/townships/{code}")).GetProperty("currentVersion").GetInt32();
        var verticesBefore = await bytes.VerticesAsync(code);
        for (int i = 0; i < edits; i++)
        {
            long size = await bytes.PartitionTablesAsync();
            var h = t.Households[rnd.Next(t.Households.Count)];
            var before = (await http.GetFromJsonAsync<JsonElement>($"/api/households/{h.Id}/grid")).GetProperty("version").GetInt32();
            var to = t.Households[rnd.Next(t.Households.Count)].Location.Coordinate;
            var clock = Stopwatch.StartNew();
            using (var move = BenchEdit.MoveBeside(h.Id, to))
            using (var patch = await http.SendAsync(move))
                patch.EnsureSuccessStatusCode();
            while (true)
            {
                var r = await http.GetAsync(new Uri($"/api/households/{h.Id}/grid", UriKind.Relative));
                if (r.IsSuccessStatusCode && (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32() > before) break;
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("no new version within a minute");
                await Task.Delay(20);
            }
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            await WaitSettled(http, code);
            written.Add(await bytes.PartitionTablesAsync() - size);
            int version = (await http.GetFromJsonAsync<JsonElement>($"/api/townships/{code}")).GetProperty("currentVersion").GetInt32();
            rows.Add(await bytes.RowsAsync(code, version));
            stages.Add(await timeline.ReadAsync(code, version, latencies[^1]));
        }
        //-- Every version's own report: a recompute that saves time by breaking a territory is no saving.
        int worst;
        await using (var check = db.CreateCommand("SELECT coalesce(max((report->>'non_contiguous')::int + (report->>'households_outside_own_territory')::int), 0) FROM partition_version WHERE township_code = $1"))
        {
            check.Parameters.AddWithValue(code);
            worst = Convert.ToInt32(await check.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        long tablesGrowth = await bytes.PartitionTablesAsync() - tablesBefore, databaseGrowth = await bytes.DatabaseAsync() - databaseBefore;
        long full = await bytes.FullCopyAsync(code), rowData = await bytes.RowDataSinceAsync(code, firstVersion);
        var verticesAfter = await bytes.VerticesAsync(code);
        latencies.Sort();
        double P(double q) => Percentile(latencies, q);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine("| recompute | households | edits | quiet period | p50 | p90 | p95 | p99 | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(inv,
            $"| edit → new codes via /api/households/{{id}}/grid | {t.Households.Count:N0} | {edits} | {quiet} s | {P(0.5):F0} ms | {P(0.9):F0} ms | {P(0.95):F0} ms | {P(0.99):F0} ms | {latencies[^1]:F0} ms |"));
        Console.WriteLine();
        Console.WriteLine("| where the time went (ms) | " + string.Join(" | ", RecomputeTimeline.Stages) + " |");
        Console.WriteLine("|---|" + string.Concat(RecomputeTimeline.Stages.Select(_ => "---:|")));
        foreach (var (name, q) in new[] { ("median", 0.5), ("p95", 0.95) })
            Console.WriteLine($"| {name} | " + string.Join(" | ", RecomputeTimeline.Stages.Select((_, i) =>
                Percentile(stages.Select(s => s[i]).Where(double.IsFinite).Order().DefaultIfEmpty(double.NaN).ToList(), q).ToString("F0", inv))) + " |");
        Console.WriteLine();
        var sizes = written.Select(w => (double)w).Order().ToList();
        Console.WriteLine("| bytes per version (grid + micro_grid + assignment, with TOAST and indexes) | median | mean | max | rows inserted / closed (median) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(inv,
            $"| one edit's version, table size delta | {Percentile(sizes, 0.5):N0} | {sizes.Average():N0} | {sizes[^1]:N0} | {Percentile(rows.Select(r => (double)r.Inserted).Order().ToList(), 0.5):N0} / {Percentile(rows.Select(r => (double)r.Closed).Order().ToList(), 0.5):N0} |"));
        Console.WriteLine(string.Create(inv, $"| a full copy of the current version, same layout | {full:N0} | | | |"));
        Console.WriteLine(string.Create(inv, $"| share: median / full copy | {Percentile(sizes, 0.5) / full:P1} | {sizes.Average() / full:P1} | | |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(inv,
            $"Growth over {edits} edits: partition tables {tablesGrowth / 1048576.0:F1} MB, whole database {databaseGrowth / 1048576.0:F1} MB (full copies: {edits * (double)full / 1048576.0:F1} MB); rows written {rowData / 1048576.0:F1} MB (file growth understates on a database with free space, e.g. after an earlier run's township was deleted)."));
        Console.WriteLine(string.Create(inv,
            $"Vertices per current territory, mean: micro-grids {verticesBefore.MicroGrids:F1} before the edits, {verticesAfter.MicroGrids:F1} after; grids {verticesBefore.Grids:F1}, {verticesAfter.Grids:F1}."));
        Console.WriteLine(worst == 0
            ? "Every version: no territory in pieces, every household inside its own territory."
            : $"WARNING: a version has {worst} territories in pieces or households outside their own territory.");
        return worst == 0 ? 0 : 1;
    }

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task WaitSettled(HttpClient http, string code)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(900))
        {
            var t = await http.GetFromJsonAsync<JsonElement>($"/api/townships/{code}");
            if (t.GetProperty("currentVersion").ValueKind == JsonValueKind.Number && t.GetProperty("dirtySince").ValueKind == JsonValueKind.Null) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"township {code} did not settle");
    }
}
