using System.Globalization;
using Npgsql;

namespace GridSpatial.GeoApi.Cli;

/// <summary>Where one edit's latency went, for <c>bench recompute</c>, read from what the service
/// records anyway: the household change (<c>township_state.last_change_at</c>), the scheduler's claim
/// (<c>enqueued_at</c>), the job's start in Hangfire (its <c>Processing</c> state), the recompute's
/// own interval and stages (audit <c>recompute</c>), and the client's clock for the rest — the
/// publish reaching the API's lookup index and the client's next poll.</summary>
internal sealed class RecomputeTimeline(NpgsqlDataSource db)
{
    public static readonly string[] Stages = ["quiet + claim", "queue", "lock", "load", "compute", "publish", "visible"];

    /// <summary>Milliseconds per stage of <paramref name="version"/>, in the order of <see cref="Stages"/>;
    /// <paramref name="totalMs"/> is the client's edit → visible.</summary>
    public async Task<double[]> ReadAsync(string township, int version, double totalMs)
    {
        //-- The job records its run after the publish that the client already saw: wait for it.
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(20))
            if (await ReadOnceAsync(township, version, totalMs) is { } stages) return stages;
        return [.. Stages.Select(_ => double.NaN)];
    }

    private async Task<double[]?> ReadOnceAsync(string township, int version, double totalMs)
    {
        await using var cmd = db.CreateCommand("""
            SELECT extract(epoch FROM ts.enqueued_at - ts.last_change_at) * 1000,
                   extract(epoch FROM p.at - ts.enqueued_at) * 1000,
                   extract(epoch FROM (a.detail->>'started')::timestamptz - p.at) * 1000,
                   (a.detail->>'load_ms')::float8, (a.detail->>'compute_ms')::float8, (a.detail->>'publish_ms')::float8,
                   extract(epoch FROM (a.detail->>'finished')::timestamptz - ts.last_change_at) * 1000
            FROM township_state ts
            JOIN audit_log a ON a.township_code = ts.township_code AND a.action = 'recompute' AND a.after_version = $2 AND a.at >= ts.last_change_at
            CROSS JOIN LATERAL (SELECT max(s.createdat) AS at FROM hangfire.state s
                                WHERE s.jobid = (a.detail->>'job')::bigint AND s.name = 'Processing'
                                  AND s.createdat <= (a.detail->>'started')::timestamptz) p
            WHERE ts.township_code = $1
            ORDER BY a.id DESC LIMIT 1
            """);
        cmd.Parameters.AddWithValue(township);
        cmd.Parameters.AddWithValue(version);
        await using var r = await cmd.ExecuteReaderAsync();
        if (!await r.ReadAsync()) return null;
        double At(int i) => r.IsDBNull(i) ? double.NaN : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture);
        return [At(0), At(1), At(2), At(3), At(4), At(5), totalMs - At(6)];
    }
}
