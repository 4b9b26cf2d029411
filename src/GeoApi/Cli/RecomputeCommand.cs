using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>recompute --township C [--reason TEXT] [--force]</c>: partitions a stored township
/// and publishes the result as a new version.</summary>
public static class RecomputeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var cl = new CommandLine(args, new HashSet<string> { "force" });
        var cs = Environment.GetEnvironmentVariable("GRIDSPATIAL_DB") ?? Database.ConnectionString(new ConfigurationBuilder().Build());
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        var recompute = new PartitionRecompute(new PartitionStore(db), new PartitionOptions(), NullLogger<PartitionRecompute>.Instance);
        var code = cl.Required("township");
        var r = await recompute.RunAsync(code, "cli", cl.Get("reason") ?? "recompute from the command line", cl.Has("force"), CancellationToken.None);
        Console.WriteLine($"{code}: {r.Outcome.ToString().ToLowerInvariant()}, version {r.Version}, data version {r.DataVersion}");
        return 0;
    }
}
