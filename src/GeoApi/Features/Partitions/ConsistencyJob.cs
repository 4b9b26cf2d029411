using Hangfire;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>Recurring checks of what is published: drift between stored assignments and
/// territories (a household whose point is not in its micro-grid's territory, or that has no
/// assignment), and a full recompute of every township (publishes only where data changed).</summary>
public sealed class ConsistencyJob(NpgsqlDataSource db, RecomputeRequests requests, ILogger<ConsistencyJob> logger)
{
    public const string CheckId = "consistency-check";
    public const string FullRecomputeId = "full-recompute";

    [AutomaticRetry(Attempts = 1)]
    [JobDisplayName("Consistency check of every current partition")]
    public async Task<string> CheckAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT s.township_code,
                   (SELECT count(*) FROM household h WHERE h.township_code = s.township_code
                      AND NOT EXISTS (SELECT 1 FROM current_assignment a WHERE a.township_code = h.township_code AND a.household_id = h.id)),
                   (SELECT count(*) FROM current_assignment a JOIN household h ON h.township_code = a.township_code AND h.id = a.household_id
                      JOIN current_micro_grid m ON m.township_code = a.township_code AND m.code = a.micro_grid_code
                    WHERE a.township_code = s.township_code AND NOT ST_Intersects(m.geom, h.geom))
            FROM township_state s WHERE s.current_version IS NOT NULL ORDER BY 1
            """);
        var drift = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            long unassigned = r.GetInt64(1), outside = r.GetInt64(2);
            if (unassigned + outside == 0) continue;
            drift.Add($"{r.GetString(0)}: {unassigned} households without an assignment, {outside} outside their micro-grid");
            logger.LogWarning("Drift in township {Township}: {Unassigned} unassigned, {Outside} outside their territory", r.GetString(0), unassigned, outside);
        }
        return drift.Count == 0 ? "no drift" : string.Join("; ", drift);
    }

    [JobDisplayName("Full recompute of every township")]
    public async Task<int> FullRecomputeAsync(CancellationToken ct)
    {
        var codes = new List<string>();
        await using (var cmd = db.CreateCommand("SELECT code FROM township ORDER BY code"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) codes.Add(r.GetString(0));
        foreach (var code in codes)
            await requests.RequestAsync(code, "schedule", "scheduled full recompute", force: false, "default", ct);
        return codes.Count;
    }
}
