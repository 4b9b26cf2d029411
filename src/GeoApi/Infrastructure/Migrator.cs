using DbUp;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Applies the embedded SQL migrations (Infrastructure/Migrations/*.sql, in name
/// order) with DbUp; each runs once, in its own transaction, and is journaled in
/// <c>schemaversions</c>, so running it again changes nothing. On a Citus coordinator the tables
/// are then placed on the cluster (<see cref="CitusLayout"/>).</summary>
public static class Migrator
{
    /// <param name="upTo">Only the migrations numbered up to this one (e.g. <c>"0010"</c>): how a
    /// test builds a database as an older release left it.</param>
    public static void Apply(string connectionString, ILogger? logger = null, string? upTo = null)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.Contains(".Migrations.", StringComparison.Ordinal)
                && (upTo is null || string.CompareOrdinal(name[(name.IndexOf(".Migrations.", StringComparison.Ordinal) + 12)..][..upTo.Length], upTo) <= 0))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        foreach (var script in result.Scripts)
            logger?.LogInformation("Applied migration {Script}", script.Name);
        if (upTo is null) CitusLayout.Apply(connectionString, logger);
    }
}
