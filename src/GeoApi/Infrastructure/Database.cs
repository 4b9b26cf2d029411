using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>The one PostgreSQL data source of the process, with PostGIS types mapped to
/// NetTopologySuite geometries.</summary>
public static class Database
{
    public static string ConnectionString(IConfiguration config) =>
        config.GetConnectionString("GridSpatial")
        ?? Environment.GetEnvironmentVariable("GRIDSPATIAL_DB")
        ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=gridspatial";

    public static NpgsqlDataSource Create(string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(csb.ApplicationName)) csb.ApplicationName = "gridspatial";
        var builder = new NpgsqlDataSourceBuilder(csb.ConnectionString);
        builder.UseNetTopologySuite();
        return builder.Build();
    }
}
