using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Editing;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>Recomputes one township: reads its data and current partition, partitions with
/// stable codes, and publishes. Idempotent: when the data version is the one the current
/// partition was made from, nothing is computed, and a forced run computes afresh but publishes
/// only a partition that differs from the current one; when data changed while it ran, it
/// reads again.</summary>
public sealed class PartitionRecompute(PartitionStore store, PartitionOptions options, ILogger<PartitionRecompute> logger)
{
    public sealed record Result(PartitionStore.Outcome Outcome, int? Version, long DataVersion, int Attempts);

    public async Task<Result> RunAsync(string townshipCode, string author, string reason, bool force, CancellationToken ct, string? jobId = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            var loaded = await store.LoadAsync(townshipCode, ct);
            if (!force && loaded.CurrentDataVersion == loaded.DataVersion)
            {
                await store.MarkCleanAsync(townshipCode, loaded.DataVersion, ct);
                return new Result(PartitionStore.Outcome.Unchanged, loaded.CurrentVersion, loaded.DataVersion, attempt);
            }
            var skipped = new List<string>();
            var partition = await Infrastructure.Background.Run(() => new PartitionEditor(options).KeepPinned(
                new TownshipPartitioner(options).Partition(loaded.Input, loaded.NextVersion), loaded.Input.Township, loaded.Input.Households,
                loaded.Pinned, loaded.Input.Previous?.MicroGridOfHousehold, skipped), ct);
            if (skipped.Count > 0)
                logger.LogWarning("Township {Township}: pinned units {Codes} could not be kept as drawn", townshipCode, string.Join(", ", skipped));
            bool unchangedData = loaded.CurrentDataVersion == loaded.DataVersion;
            var (outcome, version) = await store.PublishAsync(partition, loaded.DataVersion, author, reason, ct, jobId: jobId, onlyIfDifferent: unchangedData);
            if (outcome == PartitionStore.Outcome.Unchanged) await store.MarkCleanAsync(townshipCode, loaded.DataVersion, ct);
            if (outcome != PartitionStore.Outcome.Stale || attempt >= 5)
            {
                logger.LogInformation("Township {Township}: {Outcome} version {Version} (data version {DataVersion}, attempt {Attempt})",
                    townshipCode, outcome, version, loaded.DataVersion, attempt);
                return new Result(outcome, version, loaded.DataVersion, attempt);
            }
            force = true;
        }
    }
}
