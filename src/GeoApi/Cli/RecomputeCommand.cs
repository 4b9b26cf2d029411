using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>recompute --township C [--reason TEXT] [--force]</c>: partitions a stored township
/// and publishes the result as a new version — through the same <see cref="RecomputeJob"/> the
/// service runs (advisory lock per township, audit, the configured partition options), only
/// here and now instead of on a job server.</summary>
public static class RecomputeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var cl = new CommandLine(args, new HashSet<string> { "force" });
        var code = cl.Required("township");
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders();
        var cs = Database.ConnectionString(builder.Configuration);
        Migrator.Apply(cs);
        builder.Services.AddSingleton(_ => Database.Create(cs));
        builder.Services.AddRecompute(builder.Configuration, runJobs: false);
        using var host = builder.Build();
        var job = host.Services.GetRequiredService<RecomputeJob>();
        var outcome = await job.RunAsync(code, "cli", cl.Get("reason") ?? "recompute from the command line", cl.Has("force"), CancellationToken.None);
        Console.WriteLine($"{code}: {outcome}");
        return 0;
    }
}
