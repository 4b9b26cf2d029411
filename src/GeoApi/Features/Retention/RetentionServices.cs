using Hangfire;

namespace GridSpatial.GeoApi.Features.Retention;

/// <summary>Retention in a process: the compactor, its job, and the job's schedule (API and worker alike).</summary>
public static class RetentionServices
{
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddSingleton<VersionCompactor>();
        services.AddTransient<RetentionJob>();
        return services;
    }

    public static void RegisterRecurringJob(IServiceProvider services, IConfiguration config)
    {
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        if (VersionCompactor.TryParseAge(config["Retention:OlderThan"], out _))
            recurring.AddOrUpdate<RetentionJob>(RetentionJob.Id, j => j.CompactAsync(CancellationToken.None), config["Retention:Cron"] ?? Cron.Daily(4));
        else
            recurring.RemoveIfExists(RetentionJob.Id);
    }
}
