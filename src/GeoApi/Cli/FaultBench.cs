using System.CommandLine;
using System.Diagnostics;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench faults</c>: the <see cref="FaultDrill"/> on the
/// local cluster of scripts/pg.sh (GRIDSPATIAL_PG_DIR or .local/pg), through this process's API
/// with its job server and a second API process without one (<c>Hangfire:Server=false</c>);
/// prints what callers saw. Exit code 1 when the contract was broken.</summary>
public static class FaultBench
{
    public static Command Create()
    {
        var cycles = new Option<int>("--cycles") { Description = "PostgreSQL restarts", HelpName = "N", DefaultValueFactory = _ => 30 };
        var pgDir = new Option<string>("--pg-dir") { Description = "the data folder of the cluster of scripts/pg.sh (default GRIDSPATIAL_PG_DIR, else .local/pg)", HelpName = "DIR" };
        var command = new Command("faults", "restarts the local PostgreSQL N times under mixed reads and writes through two API processes; exit 1 if the contract is broken") { cycles, pgDir };
        command.SetAction(p => RunAsync(p.GetValue(cycles), p.GetValue(pgDir)));
        return command;
    }

    private static async Task<int> RunAsync(int cycles, string? pgDirOption)
    {
        var pgDir = pgDirOption ?? Environment.GetEnvironmentVariable("GRIDSPATIAL_PG_DIR") ?? Path.Combine(RepositoryRoot(), ".local", "pg");
        if (!File.Exists(Path.Combine(pgDir, "postmaster.pid")))
            throw new UsageException($"bench faults restarts the local cluster of scripts/pg.sh, and none runs in {pgDir} (--pg-dir DIR).");
        const string code = "530627175";
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        var t = new TownshipGenerator(175).Generate(code, "容错镇", 106.3, 26.3, 600);
        var dir = Path.Combine(Path.GetTempPath(), "gs-bench-faults");
        SampleWriter.Write(t, dir);
        await ImportCommand.RunAsync(new ImportFiles(dir));

        await using var host = await BenchHost.StartAsync("--Recompute:QuietSeconds=0.5");
        using var second = StartApiWithoutJobServer(cs, host.Key, out var address);
        try
        {
            using var http = host.Client();
            using var other = host.Client();
            other.BaseAddress = new Uri(address);
            await WaitHealthy(other);
            await using var db = Database.Create(cs, "gridspatial-bench");
            var drill = new FaultDrill([http, other], db, code, [.. t.Households.Select(h => (h.Id, h.Location.X, h.Location.Y))],
                ct => FaultDrill.RestartLocalPostgresAsync(pgDir, ct));
            var outcome = await drill.RunAsync(cycles, CancellationToken.None);
            Console.WriteLine("| fault drill | restarts | requests | 503 + Retry-After | 500 | other errors | writes done / 503 / lost | jobs without state | settled | worst recovery |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|");
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"| PostgreSQL restart (-m fast) under mixed load, 2 APIs (one without job server) | {outcome.Cycles} | {outcome.Requests:N0} | {outcome.Unavailable:N0} | {outcome.ServerErrors} | {outcome.OtherErrors} | {outcome.WritesDone:N0} / {outcome.Writes503:N0} / {outcome.LostWrites} | {outcome.UnknownJobs} | {(outcome.Settled ? "yes" : "no")} | {outcome.WorstRecovery.TotalSeconds:F1} s |"));
            foreach (var f in outcome.Failures) Console.WriteLine("  " + f);
            return outcome.Passed ? 0 : 1;
        }
        finally
        {
            if (!second.HasExited) second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }
    }

    /// <summary>A second API process of this executable, without a job server, on a free loopback port;
    /// <paramref name="onLine"/> hears its output lines (logs at Warning, and <paramref name="settings"/>' own).</summary>
    internal static Process StartApiWithoutJobServer(string connectionString, string key, out string address, Action<string>? onLine = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            l.Start();
            address = $"http://127.0.0.1:{((System.Net.IPEndPoint)l.LocalEndpoint).Port}";
        }
        var psi = new ProcessStartInfo("dotnet", [typeof(FaultBench).Assembly.Location, "serve"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__GridSpatial"] = connectionString, ["GRIDSPATIAL_URL"] = address, ["Hangfire__Server"] = "false",
                ["GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY"] = key, ["Limits__RequestsPerSecond"] = "1000000", ["Limits__Burst"] = "1000000",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is { } line) onLine?.Invoke(line); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is { } line) onLine?.Invoke(line); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    internal static async Task WaitHealthy(HttpClient http)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try { if ((await http.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode) return; }
            catch (HttpRequestException) { }
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("the second API process did not start");
            await Task.Delay(200);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GridSpatial.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
