using System.Text.Json.Serialization;
using GridSpatial.GeoApi.Features.Codes;
using GridSpatial.GeoApi.Features.Exports;
using GridSpatial.GeoApi.Features.Households;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.GeoApi.Features.Lookup;
using GridSpatial.GeoApi.Features.Ogc;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Features.Townships;
using GridSpatial.Partitioner;
using Hangfire;
using Hangfire.PostgreSql;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.IO;
using Scalar.AspNetCore;

namespace GridSpatial.GeoApi;

/// <summary>Wires the service: configuration (appsettings, environment), the database and its
/// migrations, problem details, health, OpenAPI and the feature endpoints.</summary>
public static class ApiHost
{
    /// <summary>The nightly full recompute and the hourly consistency check (cron from configuration
    /// <c>Recompute:FullCron</c>, <c>Recompute:CheckCron</c>); registering again only updates them.</summary>
    public static void RegisterRecurringJobs(IServiceProvider services, IConfiguration config)
    {
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<ConsistencyJob>(ConsistencyJob.CheckId, j => j.CheckAsync(CancellationToken.None), config["Recompute:CheckCron"] ?? Cron.Hourly());
        recurring.AddOrUpdate<ConsistencyJob>(ConsistencyJob.FullRecomputeId, j => j.FullRecomputeAsync(CancellationToken.None), config["Recompute:FullCron"] ?? Cron.Daily(3));
    }

    /// <summary>The loop that turns dirty townships into recompute jobs (every process may run it).</summary>
    public static void AddScheduler(IServiceCollection services, IConfiguration config)
    {
        var options = config.GetSection("Recompute").Get<RecomputeOptions>() ?? new RecomputeOptions();
        services.AddSingleton(options);
        if (options.Enabled) services.AddHostedService<RecomputeScheduler>();
    }

    /// <summary>Hangfire on PostgreSQL, in its own schema, shared by every API and worker process.</summary>
    public static void AddJobStorage(IServiceCollection services, string connectionString, IConfiguration? config = null) =>
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = TimeSpan.FromMilliseconds(200),
                //-- A job whose process died is fetched again after this; a recompute takes seconds, and
                // one fetched twice is harmless (advisory lock per township, data-version check).
                InvisibilityTimeout = TimeSpan.FromSeconds(config?.GetValue("Hangfire:InvisibilityTimeoutSeconds", 300) ?? 300),
                DistributedLockTimeout = TimeSpan.FromMinutes(10),
            }));

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        //-- appsettings.json sits beside the binaries; a test host sets its own content root.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = args.Any(a => a.Contains("contentRoot", StringComparison.OrdinalIgnoreCase)) ? null : AppContext.BaseDirectory,
        });
        if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
            builder.WebHost.UseUrls(Environment.GetEnvironmentVariable("GRIDSPATIAL_URL") ?? "http://127.0.0.1:5080");
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        configure?.Invoke(builder);

        var connectionString = Database.ConnectionString(builder.Configuration);
        builder.Services.AddSingleton(_ => Database.Create(connectionString));
        builder.Services.AddSingleton<LayerImporter>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Partition").Get<PartitionOptions>() ?? new PartitionOptions());
        builder.Services.AddSingleton<PartitionStore>();
        builder.Services.AddSingleton<PartitionRecompute>();
        builder.Services.AddTransient<RecomputeJob>();
        builder.Services.AddTransient<ConsistencyJob>();
        AddScheduler(builder.Services, builder.Configuration);
        builder.Services.AddSingleton<LookupIndex>();
        builder.Services.AddHostedService<LookupListener>();
        AddJobStorage(builder.Services, connectionString, builder.Configuration);
        if (builder.Configuration.GetValue("Hangfire:Server", true))
            builder.Services.AddHangfireServer(o =>
            {
                o.WorkerCount = Math.Max(2, Environment.ProcessorCount);
                o.Queues = builder.Configuration.GetSection("Hangfire:Queues").Get<string[]>() ?? ["default"];
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        builder.Services.AddHealthChecks().AddNpgSql(connectionString, name: "postgis", tags: ["db"]);
        builder.Services.AddOpenApi(OpenApiExamples.Add);

        var app = builder.Build();
        Migrator.Apply(connectionString, app.Logger);
        RegisterRecurringJobs(app.Services, builder.Configuration);

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs");
        app.MapHealthChecks("/health");
        //-- Local requests only (Hangfire's default filter) until access control lands.
        app.UseHangfireDashboard("/hangfire");
        app.MapTownshipEndpoints();
        app.MapImportEndpoints();
        app.MapPartitionEndpoints();
        app.MapLookupEndpoints();
        app.MapHouseholdEndpoints();
        app.MapCodeEndpoints();
        app.MapOgcEndpoints();
        app.MapExportEndpoints();
        return app;
    }
}
