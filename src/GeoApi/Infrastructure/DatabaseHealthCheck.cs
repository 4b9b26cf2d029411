using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary><c>/health</c>: the database answers through the application's own data source (the
/// pool every request uses, not one of its own), with the same retry as any read, so a health
/// probe right after a database restart reports the service as it is, not a dead pooled connection.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource db, DatabaseRetry retry) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await retry.ExecuteAsync(async ct =>
            {
                await using var cmd = db.CreateCommand("SELECT 1");
                await cmd.ExecuteScalarAsync(ct);
            }, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (TransientFaults.IsTransient(e))
        {
            return HealthCheckResult.Unhealthy("The database is not reachable.", e);
        }
    }
}
