using Hangfire;
using Hangfire.Server;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>The Hangfire job that recomputes one township, made by <see cref="RecomputeRequests"/>.
/// One at a time per township across every process (a PostgreSQL advisory lock held for the
/// run); idempotent, since publishing checks the data version it read and a second run on
/// unchanged data publishes nothing.</summary>
public sealed class RecomputeJob(NpgsqlDataSource db, PartitionRecompute recompute, ILogger<RecomputeJob> logger)
{
    /// <param name="job">The running Hangfire job, which Hangfire passes in (enqueue with null); its id
    /// lets a retry recognise what an earlier attempt already did (at-least-once delivery). Null
    /// when the command line runs the job here and now.</param>
    //-- A fault (a database restart) fails an attempt: the job is idempotent, so it is tried again within seconds,
    //-- not after Hangfire's default back-off (15–45 s, then up to 76 s more: a township stayed dirty past 90 s
    //-- in a fault test). After the last attempt fails the scheduler requests the township again.
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [1, 3, 10])]
    [JobDisplayName("Recompute township {0}")]
    public async Task<string> RunAsync(string townshipCode, string author, string reason, bool force, PerformContext? job, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        //-- Waits as long as the running recompute takes (no command timeout): the holder is a live
        //-- session, and its process dying ends it and frees the lock.
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('recompute:' || $1, 0))", conn) { CommandTimeout = 0 })
        {
            lockCmd.Parameters.AddWithValue(townshipCode);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        try
        {
            var jobId = job?.BackgroundJob.Id;
            //-- Before reading anything: from here on, requests make a new job instead of joining this one.
            force |= await RecomputeRequests.TakeAsync(conn, townshipCode, jobId, ct);
            //-- A retry of a forced run that already published (its publish is audited with the
            //-- job id, in the same transaction) stops here.
            if (force && jobId is not null)
            {
                await using var done = new NpgsqlCommand("SELECT after_version FROM audit_log WHERE action = 'publish' AND township_code = $1 AND detail->>'job' = $2 LIMIT 1", conn);
                done.Parameters.AddWithValue(townshipCode);
                done.Parameters.AddWithValue(jobId);
                if (await done.ExecuteScalarAsync(ct) is int already)
                    return $"published version {already} in an earlier attempt of job {jobId}";
            }
            var started = DateTime.UtcNow;
            var r = await recompute.RunAsync(townshipCode, author, reason, force, ct, jobId);
            logger.LogInformation("Recompute of {Township}: {Outcome} (version {Version})", townshipCode, r.Outcome, r.Version);
            //-- The run's own interval, recorded while the lock is still held: what "one at a time" is checked against.
            await using (var audit = new NpgsqlCommand(
                "INSERT INTO audit_log (township_code, actor, action, entity, entity_id, after_version, detail) VALUES ($1, $2, 'recompute', 'partition', $1, $3, " +
                "jsonb_strip_nulls(jsonb_build_object('started', $4::timestamptz, 'finished', clock_timestamp(), 'outcome', $5::text, 'process', $6::int, 'job', $7::text, " +
                "'load_ms', round($8::numeric, 1), 'compute_ms', round($9::numeric, 1), 'publish_ms', round($10::numeric, 1))))", conn))
            {
                audit.Parameters.AddWithValue(townshipCode);
                audit.Parameters.AddWithValue(author);
                audit.Parameters.AddWithValue(r.Version is null ? DBNull.Value : r.Version.Value);
                audit.Parameters.AddWithValue(started);
                audit.Parameters.AddWithValue(r.Outcome.ToString().ToLowerInvariant());
                audit.Parameters.AddWithValue(Environment.ProcessId);
                audit.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)jobId ?? DBNull.Value);
                audit.Parameters.AddWithValue(r.Stages.LoadMs);
                audit.Parameters.AddWithValue(r.Stages.ComputeMs);
                audit.Parameters.AddWithValue(r.Stages.PublishMs);
                await audit.ExecuteNonQueryAsync(ct);
            }
            return $"{r.Outcome.ToString().ToLowerInvariant()} version {r.Version} data version {r.DataVersion}";
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended('recompute:' || $1, 0))", conn);
            unlock.Parameters.AddWithValue(townshipCode);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
