using GridSpatial.GeoApi.Infrastructure;
using Hangfire;
using Hangfire.States;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>The one way a recompute is asked for — by an editor, a bulk batch or the scheduler
/// of household changes. Requests for a township coalesce: while a job for it waits to start,
/// every further request joins that job (a forced request makes it forced) and gets its id, so
/// a township has at most one job running and one waiting, however many requests arrive, and
/// other townships' jobs are never queued behind a flood of them. The waiting job is recorded
/// under the township's row lock and taken (cleared) by <see cref="RecomputeJob"/> under the
/// same lock before it reads any data, so a request that joined a job is always served by it.
/// Idempotent, hence retried on transient faults.</summary>
public sealed class RecomputeRequests(NpgsqlDataSource db, IBackgroundJobClient jobs, DatabaseRetry retry)
{
    /// <summary>A job for the request: a new one, or the waiting one it joined.</summary>
    public sealed record Request(string JobId, bool Joined);

    public ValueTask<Request> RequestAsync(string townshipCode, string author, string reason, bool force, string queue, CancellationToken ct) =>
        retry.ExecuteAsync(c => RequestOnceAsync(townshipCode, author, reason, force, queue, c), ct);

    private async ValueTask<Request> RequestOnceAsync(string townshipCode, string author, string reason, bool force, string queue, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        //-- The row lock first, then the job's state in a statement of its own: a join read under the
        //-- lock would see the job row of the snapshot taken before the wait (PostgreSQL re-checks
        //-- only the locked row), miss the job a concurrent request just made, and make another.
        long? waiting;
        await using (var cmd = new NpgsqlCommand("SELECT queued_job_id FROM township_state WHERE township_code = $1 FOR UPDATE", conn, tx))
        {
            cmd.Parameters.AddTownship(townshipCode);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) throw ApiException.NotFound($"There is no township '{townshipCode}'.");
            waiting = r.IsDBNull(0) ? null : r.GetInt64(0);
        }
        if (waiting is { } job)
        {
            await using var state = new NpgsqlCommand("SELECT statename FROM hangfire.job WHERE id = $1", conn, tx);
            state.Parameters.AddWithValue(job);
            //-- A job that failed, was deleted or never got a state will not start: it is no one to join.
            if (await state.ExecuteScalarAsync(ct) is "Enqueued" or "Scheduled" or "Processing" or "Awaiting")
            {
                if (force) await Execute(conn, tx, "UPDATE township_state SET queued_force = true WHERE township_code = $1", townshipCode, ct);
                await tx.CommitAsync(ct);
                return new Request(job.ToString(System.Globalization.CultureInfo.InvariantCulture), Joined: true);
            }
        }
        var id = jobs.Create<RecomputeJob>(j => j.RunAsync(townshipCode, author, reason, force, null, CancellationToken.None), new EnqueuedState(queue));
        await Execute(conn, tx, "UPDATE township_state SET queued_job_id = $2, queued_force = $3, last_job_id = $2 WHERE township_code = $1", townshipCode, ct,
            long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), force);
        await tx.CommitAsync(ct);
        return new Request(id, Joined: false);
    }

    /// <summary>Called by the job before it reads anything: takes the township's waiting slot
    /// when it is this job's, and says whether a request that joined it asked for force.</summary>
    public static async Task<bool> TakeAsync(NpgsqlConnection conn, string townshipCode, string? jobId, CancellationToken ct)
    {
        if (jobId is null || !long.TryParse(jobId, out var id)) return false;
        await using var tx = await conn.BeginTransactionAsync(ct);
        bool force;
        await using (var cmd = new NpgsqlCommand("SELECT queued_force FROM township_state WHERE township_code = $1 AND queued_job_id = $2 FOR UPDATE", conn, tx))
        {
            cmd.Parameters.AddTownship(townshipCode);
            cmd.Parameters.AddWithValue(id);
            if (await cmd.ExecuteScalarAsync(ct) is not bool owed) return false;
            force = owed;
        }
        await Execute(conn, tx, "UPDATE township_state SET queued_job_id = NULL, queued_force = false WHERE township_code = $1", townshipCode, ct);
        await tx.CommitAsync(ct);
        return force;
    }

    /// <param name="township">$1.</param>
    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, string township, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddTownship(township);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
