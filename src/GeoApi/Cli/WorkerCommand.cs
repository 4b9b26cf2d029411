using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner;
using Hangfire;
using Hangfire.PostgreSql;

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
        builder.Services.AddSingleton(builder.Configuration.GetSection("Partition").Get<PartitionOptions>() ?? new PartitionOptions());
        builder.Services.AddSingleton<PartitionStore>();
        builder.Services.AddSingleton<PartitionRecompute>();
        builder.Services.AddTransient<RecomputeJob>();
        builder.Services.AddTransient<ConsistencyJob>();
        ApiHost.AddScheduler(builder.Services, builder.Configuration);
        ApiHost.AddJobStorage(builder.Services, cs, builder.Configuration);
        builder.Services.AddHangfireServer(o =>
        {
            o.WorkerCount = Math.Max(2, Environment.ProcessorCount);
            o.Queues = builder.Configuration.GetSection("Hangfire:Queues").Get<string[]>() ?? ["default"];
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        var host = builder.Build();
        ApiHost.RegisterRecurringJobs(host.Services, builder.Configuration);
        await host.RunAsync();
        return 0;
    }
}
