using System.CommandLine;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>recompute</c>: partitions a stored township
/// and publishes the result as a new version — through the same <see cref="RecomputeJob"/> the
/// service runs (advisory lock per township, audit, the configured partition options), only
/// here and now instead of on a job server.</summary>
public static class RecomputeCommand
{
    public static Command Create()
    {
        var township = new Option<string>("--township") { Description = "the township's code", HelpName = "C", Required = true };
        var reason = new Option<string>("--reason") { Description = "for the audit log", HelpName = "TEXT", DefaultValueFactory = _ => "recompute from the command line" };
        var force = new Option<bool>("--force") { Description = "partition and publish even when the data did not change" };
        var command = new Command("recompute", "partitions a stored township and publishes a new version atomically (nothing new when the data did not change)")
        {
            township, reason, force,
        };
        command.SetAction(p => RunAsync(p.GetRequiredValue(township), p.GetRequiredValue(reason), p.GetValue(force)));
        return command;
    }

    private static async Task<int> RunAsync(string code, string reason, bool force)
    {
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders();
        var cs = Database.ConnectionString(builder.Configuration);
        Migrator.Apply(cs);
        builder.Services.AddSingleton(_ => Database.Create(cs));
        builder.Services.AddRecompute(builder.Configuration, runJobs: false);
        using var host = builder.Build();
        var job = host.Services.GetRequiredService<RecomputeJob>();
        var outcome = await job.RunAsync(code, "cli", reason, force, null, CancellationToken.None);
        Console.WriteLine($"{code}: {outcome}");
        return 0;
    }
}
