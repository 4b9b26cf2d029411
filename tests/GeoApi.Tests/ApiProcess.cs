using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GridSpatial.GeoApi.Tests;

/// <summary>A process of the real executable (<c>serve</c>, or another command) on the test's
/// database and a free loopback port; killed (SIGKILL, the whole tree) when disposed.</summary>
internal sealed class ApiProcess : IDisposable
{
    private const int TailLines = 300;
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _tail = new();

    private ApiProcess(Process process, string address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>The last lines the process wrote (standard output and error interleaved), for a failure message.</summary>
    public string Tail => string.Join("\n", _tail);

    private void Keep(string? line)
    {
        if (line is null) return;
        _tail.Enqueue(line);
        while (_tail.Count > TailLines) _tail.TryDequeue(out _);
    }

    public string Address { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static string Dll => Path.Combine(Samples.Root(), "src/GeoApi/bin/Release/net10.0/GridSpatial.GeoApi.dll");

    public static ApiProcess Start(DatabaseFixture db, Dictionary<string, string>? settings = null, string command = "serve") =>
        Start(db.ConnectionString, db.AdminKey, settings, command);

    /// <summary>The same on another database (<paramref name="connectionString"/>), with the administrator key <paramref name="adminKey"/>.</summary>
    public static ApiProcess Start(string connectionString, string adminKey, Dictionary<string, string>? settings = null, string command = "serve")
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        var address = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo("dotnet", [Dll, command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["ConnectionStrings__GridSpatial"] = connectionString;
        psi.Environment["GRIDSPATIAL_DB"] = connectionString;
        psi.Environment["GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY"] = adminKey;
        psi.Environment["GRIDSPATIAL_URL"] = address;
        foreach (var (k, v) in settings ?? []) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        var api = new ApiProcess(p, address);
        p.OutputDataReceived += (_, e) => api.Keep(e.Data);
        p.ErrorDataReceived += (_, e) => api.Keep(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return api;
    }

    /// <summary>Runs a command of the executable to its end (on <paramref name="db"/>'s database,
    /// when given): its exit code, and its standard output followed by its standard error.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string[] args, DatabaseFixture? db = null)
    {
        var environment = db is null ? null : new Dictionary<string, string>
        {
            ["GRIDSPATIAL_DB"] = db.ConnectionString,
            ["ConnectionStrings__GridSpatial"] = db.ConnectionString,
        };
        var r = await ExternalTool.RunAsync("dotnet", [Dll, .. args], environment);
        return (r.ExitCode, r.Output + r.Error);
    }

    /// <summary>A client with the key, once the process answers /health (within 60 s).</summary>
    public async Task<HttpClient> ClientAsync(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(Address) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try { if ((await http.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode) return http; }
            catch (HttpRequestException) { }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the process at {Address} did not start");
            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL, as a crash or the OOM killer would.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
