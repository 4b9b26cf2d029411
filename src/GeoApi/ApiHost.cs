using System.Text.Json.Serialization;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.GeoApi.Features.Townships;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.IO;
using Scalar.AspNetCore;

namespace GridSpatial.GeoApi;

/// <summary>Wires the service: configuration (appsettings, environment), the database and its
/// migrations, problem details, health, OpenAPI and the feature endpoints.</summary>
public static class ApiHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
            builder.WebHost.UseUrls(Environment.GetEnvironmentVariable("GRIDSPATIAL_URL") ?? "http://127.0.0.1:5080");
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        configure?.Invoke(builder);

        var connectionString = Database.ConnectionString(builder.Configuration);
        builder.Services.AddSingleton(_ => Database.Create(connectionString));
        builder.Services.AddSingleton<LayerImporter>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddHealthChecks().AddNpgSql(connectionString, name: "postgis", tags: ["db"]);
        builder.Services.AddOpenApi();

        var app = builder.Build();
        Migrator.Apply(connectionString, app.Logger);

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs");
        app.MapHealthChecks("/health");
        app.MapTownshipEndpoints();
        app.MapImportEndpoints();
        return app;
    }
}
