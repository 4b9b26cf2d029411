using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>worker</c>: a process that only runs background jobs (recomputes) from the
/// shared PostgreSQL job storage; start as many as the load needs, beside any number of API
/// processes.</summary>
public static class WorkerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole();
        var cs = Database.ConnectionString(builder.Configuration);
        Migrator.Apply(cs);
        builder.Services.AddSingleton(_ => Database.Create(cs));
        builder.Services.AddRecompute(builder.Configuration, runJobs: true);
        var host = builder.Build();
        RecomputeServices.RegisterRecurringJobs(host.Services, builder.Configuration);
        await host.RunAsync();
        return 0;
    }
}
