using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>The one PostgreSQL data source of the process, with PostGIS types mapped to
/// NetTopologySuite geometries.</summary>
public static class Database
{
    /// <summary>The service key of the data source for reads that may lag a moment behind (OGC
    /// API, exports, the PostGIS lookup fallback): a read replica when
    /// <c>ConnectionStrings:GridSpatialRead</c> (or GRIDSPATIAL_DB_READ) is set, else the primary.
    /// Writes, recomputes, tiles (their stamps must match what they show) and LISTEN stay on the primary.</summary>
    public const string Read = "read";

    public static string? ReadConnectionString(IConfiguration config) =>
        config.GetConnectionString("GridSpatialRead") ?? Environment.GetEnvironmentVariable("GRIDSPATIAL_DB_READ");

    /// <summary>The primary's connection string, resolved one way in every process (API, worker,
    /// each command): <c>ConnectionStrings:GridSpatial</c> (appsettings, the environment's
    /// <c>ConnectionStrings__GridSpatial</c>, <c>--ConnectionStrings:GridSpatial=…</c>), else
    /// GRIDSPATIAL_DB, else the local cluster of scripts/pg.sh.</summary>
    public static string ConnectionString(IConfiguration config) =>
        GivenConnectionString(config) ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=gridspatial";

    /// <summary>The same for a command without a host of its own: the environment is its configuration.</summary>
    public static string ConnectionString() => ConnectionString(EnvironmentConfiguration());

    /// <summary>The connection string given by configuration or GRIDSPATIAL_DB; null when none was
    /// (what runs only against a database someone named skips itself).</summary>
    public static string? GivenConnectionString(IConfiguration config) =>
        config.GetConnectionString("GridSpatial") ?? Environment.GetEnvironmentVariable("GRIDSPATIAL_DB");

    /// <summary><see cref="GivenConnectionString(IConfiguration)"/> for a command without a host.</summary>
    public static string? GivenConnectionString() => GivenConnectionString(EnvironmentConfiguration());

    private static IConfigurationRoot EnvironmentConfiguration() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    public static NpgsqlDataSource Create(string connectionString, string applicationName = "gridspatial")
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(csb.ApplicationName)) csb.ApplicationName = applicationName;
        var builder = new NpgsqlDataSourceBuilder(csb.ConnectionString);
        builder.UseNetTopologySuite();
        return builder.Build();
    }
}
