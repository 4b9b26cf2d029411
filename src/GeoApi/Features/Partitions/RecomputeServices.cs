using GridSpatial.Partitioner;
using Hangfire;
using Hangfire.PostgreSql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>Everything a process needs to enqueue, schedule and run recomputes, the same in the
/// API and in a worker: the recompute itself, Hangfire on PostgreSQL (schema <c>hangfire</c>,
/// shared by every process), the dirty-township scheduler and, when asked, a job server.</summary>
public static class RecomputeServices
{
    public static IServiceCollection AddRecompute(this IServiceCollection services, IConfiguration config, bool runJobs)
    {
        services.AddSingleton(config.GetSection("Partition").Get<PartitionOptions>() ?? new PartitionOptions());
        services.AddSingleton<PartitionStore>();
        //-- Kept for the recomputes this process runs; an API without a job server keeps nothing.
        services.AddSingleton(_ => new PublishedPartitions(runJobs ? PublishedPartitions.DefaultCapacity : 0));
        services.AddSingleton(_ => new KeptInputs(runJobs ? KeptInputs.DefaultCapacity : 0));
        services.AddSingleton<PartitionRecompute>();
        services.AddSingleton<RecomputeRequests>();
        services.AddSingleton<Infrastructure.DatabaseRetry>();
        services.AddTransient<RecomputeJob>();
        services.AddTransient<ConsistencyJob>();

        var options = config.GetSection("Recompute").Get<RecomputeOptions>() ?? new RecomputeOptions();
        services.AddSingleton(options);
        if (options.Enabled) services.AddHostedService<RecomputeScheduler>();
        services.AddHostedService<Infrastructure.HangfireLockSweep>();

        services.AddHangfire((sp, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseConnectionFactory(new HangfireConnections(sp.GetRequiredService<Npgsql.NpgsqlDataSource>())), new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = TimeSpan.FromMilliseconds(200),
                //-- A running job's fetch is kept alive by its server (sliding invisibility), so the timeout
                //-- only bounds how long the job of a dead process stays invisible: it is fetched again
                //-- after this. One fetched twice is harmless (advisory lock per township, data-version check).
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromSeconds(config.GetValue("Hangfire:InvisibilityTimeoutSeconds", 30)),
                DistributedLockTimeout = TimeSpan.FromMinutes(10),
            }));
        if (runJobs)
            services.AddHangfireServer(o =>
            {
                //-- Two per core and at least four: a township's second job waits for the first's lock on
                //-- one worker while the others serve other townships.
                o.WorkerCount = config.GetValue("Hangfire:WorkerCount", Math.Max(4, 2 * Environment.ProcessorCount));
                o.HeartbeatInterval = TimeSpan.FromSeconds(5);
                o.ServerTimeout = TimeSpan.FromSeconds(30);
                o.ServerCheckInterval = TimeSpan.FromSeconds(10);
                o.Queues = BatchQueues.Own(config);
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
        return services;
    }

    /// <summary>The hourly consistency check and the nightly full recompute (cron from
    /// <c>Recompute:CheckCron</c>, <c>Recompute:FullCron</c>); registering again only updates them.</summary>
    public static void RegisterRecurringJobs(IServiceProvider services, IConfiguration config)
    {
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<ConsistencyJob>(ConsistencyJob.CheckId, j => j.CheckAsync(CancellationToken.None), config["Recompute:CheckCron"] ?? Cron.Hourly());
        recurring.AddOrUpdate<ConsistencyJob>(ConsistencyJob.FullRecomputeId, j => j.FullRecomputeAsync(CancellationToken.None), config["Recompute:FullCron"] ?? Cron.Daily(3));
    }
}
