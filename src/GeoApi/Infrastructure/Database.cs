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

    public static string ConnectionString(IConfiguration config) =>
        config.GetConnectionString("GridSpatial")
        ?? Environment.GetEnvironmentVariable("GRIDSPATIAL_DB")
        ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=gridspatial";

    public static NpgsqlDataSource Create(string connectionString, string applicationName = "gridspatial")
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(csb.ApplicationName)) csb.ApplicationName = applicationName;
        var builder = new NpgsqlDataSourceBuilder(csb.ConnectionString);
        builder.UseNetTopologySuite();
        return builder.Build();
    }
}
