using Hangfire;

namespace GridSpatial.GeoApi.Features.Retention;

/// <summary>The recurring compaction (<see cref="VersionCompactor"/>), off unless configured:
/// <c>Retention:OlderThan</c> (e.g. <c>90d</c>) turns it on, <c>Retention:Cron</c> says when
/// (daily at 04:00 by default). Without an age the job is removed, so turning it off sticks.</summary>
public sealed class RetentionJob(VersionCompactor compactor, IConfiguration config, ILogger<RetentionJob> logger)
{
    public const string Id = "retention-compact";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task CompactAsync(CancellationToken ct)
    {
        if (!VersionCompactor.TryParseAge(config["Retention:OlderThan"], out var age)) return;
        foreach (var r in await compactor.CompactAsync(age, null, ct))
            logger.LogInformation("Compacted {Township} through version {Through}: {Territories} territories, {Bytes} bytes", r.Township, r.Through, r.Territories, r.Bytes);
    }
}
