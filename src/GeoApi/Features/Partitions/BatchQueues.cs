namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>The queues a batch may be sent to: those this deployment's job servers listen on
/// (<c>Hangfire:Queues</c>, default <c>default</c>) and those the operator declares served by
/// dedicated workers elsewhere (<c>Partitions:BulkQueues</c>). A job on any other queue would
/// wait forever.</summary>
public static class BatchQueues
{
    /// <summary>The queues this process's job server listens to (<c>Hangfire:Queues</c>, default <c>default</c>).</summary>
    public static string[] Own(IConfiguration config) => config.GetSection("Hangfire:Queues").Get<string[]>() ?? ["default"];

    public static IReadOnlyList<string> Served(IConfiguration config) =>
        Own(config)
            .Concat(config.GetSection("Partitions:BulkQueues").Get<string[]>() ?? [])
            .Distinct(StringComparer.Ordinal).ToList();
}
