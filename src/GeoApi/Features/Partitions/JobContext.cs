using Hangfire.Server;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>The id of the Hangfire job running on this async flow, so a job can recognise
/// what an earlier attempt of itself already did (at-least-once delivery).</summary>
public sealed class JobContext : IServerFilter
{
    private static readonly AsyncLocal<string?> Current = new();

    public static string? Id => Current.Value;

    public void OnPerforming(PerformingContext context) => Current.Value = context.BackgroundJob.Id;

    public void OnPerformed(PerformedContext context) => Current.Value = null;
}
