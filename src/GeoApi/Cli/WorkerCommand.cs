using GridSpatial.GeoApi.Features.Layers;
using GridSpatial.GeoApi.Features.Retention;
using System.CommandLine;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Features.Subscriptions;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>worker</c>: a process that only runs background jobs (recomputes) from the
/// shared PostgreSQL job storage; start as many as the load needs, beside any number of API
/// processes. Its other arguments are the host's (<c>--Section:Key=Value</c>), as for serve.</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker", "run background jobs only (any number, beside the APIs); " +
            "the host's own arguments (--Section:Key=Value) pass through")
        { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(p => RunAsync([.. p.UnmatchedTokens]));
        return command;
    }

    private static async Task<int> RunAsync(string[] args)
    {
        //-- Background work only: the API processes on the same machine answer first (GRIDSPATIAL_COMPUTE_NICE).
        Background.LowerProcessPriority();
        var builder = Host.CreateApplicationBuilder(args);
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole();
        var cs = Database.ConnectionString(builder.Configuration);
        Migrator.Apply(cs);
        builder.Services.AddSingleton(_ => Database.Create(cs));
        builder.Services.AddRecompute(builder.Configuration, runJobs: true);
        builder.Services.AddRetention();
        //-- Webhook drains run on any job server; this process dispatches what it publishes itself.
        builder.Services.AddSubscriptions(builder.Configuration);
        builder.Services.AddCrosswalkChanges();
        //-- Registered once the worker is up, as in the API: a lock left by a killed process must not stop it starting.
        ApiHost.AddRecurringJobs(builder.Services, builder.Configuration);
        var host = builder.Build();
        await host.RunAsync();
        return 0;
    }
}
