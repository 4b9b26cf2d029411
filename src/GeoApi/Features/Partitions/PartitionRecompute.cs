using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Editing;
using GridSpatial.Partitioner.Incremental;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>Recomputes one township: reads its data and current partition, partitions with
/// stable codes, and publishes. Idempotent: when the data version is the one the current
/// partition was made from, nothing is computed, and a forced run computes afresh but publishes
/// only a partition that differs from the current one. When households changed while it ran, it
/// publishes what it made of the data it read (the township stays due for the next run: an edit
/// is visible after at most two runs however steady the edits); when another version was
/// published meanwhile, it reads again.</summary>
public sealed class PartitionRecompute(PartitionStore store, PartitionOptions options, ILogger<PartitionRecompute> logger)
{
    /// <param name="Stages">Milliseconds spent loading, computing and publishing, over every attempt:
    /// recorded with the run (audit <c>recompute</c>) so a slow edit can be told apart from a slow queue.</param>
    public sealed record Result(PartitionStore.Outcome Outcome, int? Version, long DataVersion, int Attempts, Stages Stages);

    public sealed class Stages
    {
        public double LoadMs { get; set; }
        public double ComputeMs { get; set; }
        public double PublishMs { get; set; }

        public async Task<T> TimeAsync<T>(Func<Task<T>> step, Action<double> add)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            try { return await step(); }
            finally { add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds); }
        }
    }

    public async Task<Result> RunAsync(string townshipCode, string author, string reason, bool force, CancellationToken ct, string? jobId = null)
    {
        var stages = new Stages();
        for (int attempt = 1; ; attempt++)
        {
            var loaded = await stages.TimeAsync(() => store.LoadAsync(townshipCode, ct), ms => stages.LoadMs += ms);
            if (!force && loaded.CurrentDataVersion == loaded.DataVersion)
            {
                await store.MarkCleanAsync(townshipCode, loaded.DataVersion, ct);
                return new Result(PartitionStore.Outcome.Unchanged, loaded.CurrentVersion, loaded.DataVersion, attempt, stages);
            }
            var skipped = new List<string>();
            var partition = await stages.TimeAsync(() => Infrastructure.Background.Run(() => Compute(loaded, force, skipped), ct), ms => stages.ComputeMs += ms);
            if (skipped.Count > 0)
                logger.LogWarning("Township {Township}: pinned units {Codes} could not be kept as drawn", townshipCode, string.Join(", ", skipped));
            bool unchangedData = loaded.CurrentDataVersion == loaded.DataVersion;
            var (outcome, version) = await stages.TimeAsync(() => store.PublishAsync(partition, loaded.DataVersion, author, reason, ct, jobId: jobId, onlyIfDifferent: unchangedData, open: loaded.Published, ofOlderData: true),
                ms => stages.PublishMs += ms);
            if (outcome == PartitionStore.Outcome.Unchanged) await store.MarkCleanAsync(townshipCode, loaded.DataVersion, ct);
            if (outcome != PartitionStore.Outcome.Stale || attempt >= 5)
            {
                logger.LogInformation("Township {Township}: {Outcome} version {Version} (data version {DataVersion}, attempt {Attempt})",
                    townshipCode, outcome, version, loaded.DataVersion, attempt);
                return new Result(outcome, version, loaded.DataVersion, attempt, stages);
            }
            //-- Stale (another version was published meanwhile): read again and recompute as asked. (Forcing the
            //-- retry, as this once did, made every retry a whole-township recompute: ten times a local one. A
            //-- retry that finds the current version made from the data it reads is done.)
        }
    }

    /// <summary>The partition to publish: only the grids whose households changed recomputed (a
    /// forced run, or a township never partitioned, recomputes every grid), then the units staff
    /// pinned in the recomputed grids given back the territories they drew.</summary>
    private Partition Compute(PartitionStore.Loaded loaded, bool force, List<string> skipped)
    {
        var result = loaded.Published is { } published && !force
            ? new LocalRecompute(options).Recompute(loaded.Input, published, loaded.NextVersion)
            : new LocalRecompute.Result(new TownshipPartitioner(options).Partition(loaded.Input, loaded.NextVersion), AllGrids(loaded.Published));
        //-- A whole recompute where a local one was due costs ten times as much and moves more borders: say why.
        if (result.WholeBecause is { } why)
            logger.LogInformation("Township {Township}: recomputed whole, version {Version}: {Reason}", loaded.Input.Township.Code, loaded.NextVersion, why);
        else if (loaded.Published is { } before && !force)
            logger.LogInformation("Township {Township}: recomputed {Grids} of {Of} grids locally, version {Version} ({Elapsed})", loaded.Input.Township.Code,
                result.Recomputed.Count, before.Grids.Count, loaded.NextVersion, string.Join(", ", result.Partition.Report.ElapsedMs.Select(kv => $"{kv.Key} {kv.Value} ms")));
        var (partition, recomputed) = result;
        var pinned = loaded.Pinned.Where(p => loaded.Published is null || recomputed.Contains(p.Code[..15])).ToList();
        return new PartitionEditor(options).KeepPinned(partition, loaded.Input.Township, loaded.Input.Households,
            pinned, loaded.Input.Previous?.MicroGridOfHousehold, skipped);
    }

    private static HashSet<string> AllGrids(Partition? published) =>
        published?.Grids.Select(g => g.Code).ToHashSet(StringComparer.Ordinal) ?? [];
}
