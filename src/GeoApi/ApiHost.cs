using GridSpatial.GeoApi.Features.Retention;
using System.Text.Json.Serialization;
using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Features.Areas;
using GridSpatial.GeoApi.Features.Codes;
using GridSpatial.GeoApi.Features.Editing;
using GridSpatial.GeoApi.Features.Exports;
using GridSpatial.GeoApi.Features.Households;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.GeoApi.Features.Layers;
using GridSpatial.GeoApi.Features.Lookup;
using GridSpatial.GeoApi.Features.NoticeMaps;
using GridSpatial.GeoApi.Features.Search;
using GridSpatial.GeoApi.Features.Subscriptions;
using GridSpatial.GeoApi.Features.Ogc;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Features.People;
using GridSpatial.GeoApi.Features.Tiles;
using GridSpatial.GeoApi.Features.Townships;
using GridSpatial.GeoApi.Features.Viewer;
using Hangfire;
using GridSpatial.GeoApi.Infrastructure;
using Scalar.AspNetCore;

namespace GridSpatial.GeoApi;

/// <summary>Wires the service: configuration (appsettings, environment), the database and its
/// migrations, problem details, health, OpenAPI and the feature endpoints.</summary>
public static class ApiHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        //-- appsettings.json sits beside the binaries; a test host sets its own content root.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = args.Any(a => a.Contains("contentRoot", StringComparison.OrdinalIgnoreCase)) ? null : AppContext.BaseDirectory,
            //-- The viewer page, copied beside the binaries by the build (see GeoApi.csproj).
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "viewer"),
        });
        if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
            builder.WebHost.UseUrls(Environment.GetEnvironmentVariable("GRIDSPATIAL_URL") ?? "http://127.0.0.1:5080");
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        configure?.Invoke(builder);

        var connectionString = Database.ConnectionString(builder.Configuration);
        builder.Services.AddSingleton(_ => Database.Create(connectionString));
        var readConnectionString = Database.ReadConnectionString(builder.Configuration);
        builder.Services.AddKeyedSingleton(Database.Read, (sp, _) => readConnectionString is null
            ? sp.GetRequiredService<Npgsql.NpgsqlDataSource>()
            : Database.Create(readConnectionString, "gridspatial-read"));
        builder.Services.AddSingleton<LayerImporter>();
        builder.Services.AddDepartmentalLayers();
        builder.Services.AddRecompute(builder.Configuration, runJobs: builder.Configuration.GetValue("Hangfire:Server", true));
        builder.Services.AddRetention();
        builder.Services.AddSingleton<LookupIndex>();
        builder.Services.AddAccess(builder.Configuration);
        builder.Services.AddSingleton(InputLimits.From(builder.Configuration));
        builder.Services.AddTiles();
        builder.Services.AddViewer(builder.Configuration);
        builder.Services.AddNoticeMaps();
        builder.Services.AddSingleton<TownshipState>();
        //-- What this process serves from memory follows every publish and data change, in this order (observers
        //-- are told one after another): tile stamps, then the people snapshot, then lookups. A lookup answering a
        //-- new version waits for that version's people snapshot, so the snapshot loads before the index moves on
        //-- (told the other way round, every lookup of the township stalled for the snapshot's load: p99 24 ms).
        builder.Services.AddSingleton<ITownshipObserver>(sp => sp.GetRequiredService<TileStamps>());
        builder.Services.AddSingleton<UnitDirectory>();
        builder.Services.AddSingleton<ITownshipObserver>(sp => sp.GetRequiredService<UnitDirectory>());
        builder.Services.AddSingleton<ITownshipObserver>(sp => sp.GetRequiredService<LookupIndex>());
        builder.Services.AddSingleton<PersonalDataAudit>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PersonalDataAudit>());
        builder.Services.AddSingleton<ResponsiblePeople>();
        builder.Services.AddSingleton<INoticeMapPeople, NoticeMapPeople>();
        builder.Services.AddSubscriptions(builder.Configuration);
        builder.Services.AddHostedService<TownshipListener>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            o.SerializerOptions.Converters.Add(new StorableStringConverter());
        });
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("postgis", tags: ["db"]);
        builder.Services.AddOpenApi(OpenApiContract.Configure);

        AddRecurringJobs(builder.Services, builder.Configuration);

        var app = builder.Build();
        Migrator.Apply(connectionString, app.Logger);
        AccessServices.EnsureBootstrapKey(app.Services);

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseStorableUrls();
        app.UseIdempotentRetry();
        //-- Keys, roles and limits; the viewer page (/ is index.html) behind them.
        app.UseAccess(builder.Configuration);
        app.MapOpenApi();
        app.MapScalarApiReference("/docs");
        app.MapHealthChecks("/health").AllowAnonymous();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new AdminDashboardFilter()] });
        app.MapTownshipEndpoints();
        app.MapImportEndpoints(builder.Configuration);
        app.MapLayerEndpoints(builder.Configuration);
        app.MapPartitionEndpoints();
        app.MapBatchEndpoints();
        app.MapLookupEndpoints();
        app.MapAreaEndpoints();
        app.MapSearchEndpoints();
        app.MapHouseholdEndpoints();
        app.MapCodeEndpoints();
        app.MapOgcEndpoints();
        app.MapExportEndpoints();
        app.MapNoticeMapEndpoints();
        app.MapTileEndpoints(builder.Configuration.GetValue("Access:PublicViewer", false));
        app.MapViewerEndpoints(builder.Configuration.GetValue("Access:PublicViewer", false));
        app.MapAccessEndpoints();
        app.MapSessionEndpoints();
        app.MapEditEndpoints();
        app.MapRestoreEndpoints();
        app.MapUnitEndpoints();
        app.MapPeopleEndpoints();
        app.MapTownshipPeopleEndpoints();
        app.MapSubscriptionEndpoints();
        return app;
    }

    /// <summary>Every feature's recurring jobs, registered once the process is up (<see cref="RecurringJobRegistration"/>):
    /// the API and the worker register the same ones.</summary>
    public static void AddRecurringJobs(IServiceCollection services, IConfiguration config) =>
        services.AddHostedService(sp => new RecurringJobRegistration(sp, config,
            [RecomputeServices.RegisterRecurringJobs, RetentionServices.RegisterRecurringJob, SubscriptionEndpoints.RegisterRecurringJob],
            sp.GetRequiredService<ILogger<RecurringJobRegistration>>()));
}
