using System.Diagnostics;
using System.Text;

namespace GridSpatial.GeoApi.Tests;

/// <summary>Runs a program the tests use as a real client (GDAL, poppler, the scorer, the service's
/// own executable) to its end, both streams read as they come so neither can fill and stall it.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>Fails the test, naming the command and what it printed, unless it exited 0; then its output.</summary>
        public string Succeeded(string command)
        {
            Assert.True(ExitCode == 0, $"{command}: {Error}{Output}");
            return Output;
        }
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return new Result(p.ExitCode, await output, await error);
    }
}
