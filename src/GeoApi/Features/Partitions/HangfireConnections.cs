using Hangfire.PostgreSql;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>Hangfire's storage connections come from the application's one data source, so
/// they share its pool, and a fault that clears that pool (<see cref="Infrastructure.DatabaseRetry"/>)
/// clears Hangfire's dead connections too instead of leaving them to fail one request at a time.</summary>
public sealed class HangfireConnections(NpgsqlDataSource db) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => db.CreateConnection();
}
