using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Codes;
using Hangfire;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>Bulk partition: <c>POST /api/partitions</c> enqueues one recompute job per township
/// (the ones named, or every township under a code prefix within the caller's jurisdiction);
/// any worker of any process takes them. <c>GET /api/partitions/{id}</c> reads the batch's
/// progress from Hangfire's job states.</summary>
public static class BatchEndpoints
{
    public sealed record BatchRequest(IReadOnlyList<string>? Townships, string? Prefix, bool? Force, string? Queue);

    public sealed record BatchJob(string Township, string JobId, string State);

    public sealed record BatchStatus(long Id, DateTime CreatedAt, string CreatedBy, int Total, int Succeeded, int Failed, int Processing, int Waiting,
        bool Done, double Percent, IReadOnlyList<BatchJob> Jobs);

    public static IEndpointRouteBuilder MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/partitions").WithTags("Partitions");
        g.MapPost("", Start).RequireAuthorization(Roles.Edit)
            .WithSummary("Partition many townships: {\"townships\": [codes]} or {\"prefix\": \"530627\"} (default: every township you may edit), {\"force\": true} to republish unchanged ones, {\"queue\": \"bulk\"} for a dedicated worker pool; 202 with the batch's URL.");
        g.MapGet("/{id:long}", Status).RequireAuthorization(Roles.Read)
            .WithSummary("A batch's progress: jobs succeeded, failed, processing and waiting, and each township's job.");
        return app;
    }

    private static async Task<IResult> Start(BatchRequest body, HttpContext http, NpgsqlDataSource db, RecomputeRequests requests, CancellationToken ct)
    {
        var jurisdiction = http.User.Jurisdiction() ?? "";
        var prefix = body.Prefix ?? jurisdiction;
        if (!DivisionCode.IsDigits(prefix) || prefix.Length > 9)
            throw new ApiException(400, "Invalid batch", "A prefix is up to 9 digits.", new() { ["field"] = "prefix" });
        List<string> codes;
        if (body.Townships is { Count: > 0 } named)
        {
            if (named.Count > 100_000) throw new ApiException(400, "Invalid batch", "At most 100,000 townships per batch.", new() { ["field"] = "townships" });
            var parsed = new List<DivisionCode>(named.Count);
            foreach (var c in named)
            {
                if (!DivisionCode.TryParse(c, out var code, DivisionLevel.Township))
                    throw new ApiException(400, "Invalid batch", $"'{c}' is not a 9-digit township code.", new() { ["field"] = "townships" });
                http.RequireCovered(code, "townships");
                parsed.Add(code);
            }
            var wanted = parsed.ConvertAll(c => c.Value);
            codes = await Existing(db, wanted.Distinct().ToArray(), null, ct);
            var missing = wanted.Except(codes).ToList();
            if (missing.Count > 0) throw new ApiException(404, "Unknown township", $"There is no township {missing[0]}{(missing.Count > 1 ? $" (and {missing.Count - 1} more)" : "")}.", new() { ["field"] = "townships" });
        }
        else
        {
            if (!prefix.StartsWith(jurisdiction, StringComparison.Ordinal))
            {
                _ = DivisionCode.TryParse(prefix.PadRight(9, '0'), out var padded, DivisionLevel.Township);
                http.RequireCovered(padded, "prefix");
            }
            codes = await Existing(db, null, prefix, ct);
        }
        if (codes.Count == 0) throw new ApiException(404, "No townships", $"No township matches '{prefix}'.", new() { ["field"] = "prefix" });

        var actor = http.User.Actor();
        bool force = body.Force ?? false;
        //-- A queue lets an operator send a bulk run to a dedicated pool of workers.
        var queue = body.Queue ?? "default";
        if (queue.Length is 0 or > 50 || !queue.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_'))
            throw new ApiException(400, "Invalid batch", "A queue name is lower-case letters, digits and _.", new() { ["field"] = "queue" });
        var served = BatchQueues.Served(http.RequestServices.GetRequiredService<IConfiguration>());
        if (!served.Contains(queue))
            throw new ApiException(400, "Invalid batch", $"No worker of this deployment serves queue '{queue}'; queues are {string.Join(", ", served)}.", new() { ["field"] = "queue" });
        //-- Each township's request coalesces with one already waiting for it (RecomputeRequests).
        var ids = new string[codes.Count];
        for (int i = 0; i < codes.Count; i++)
            ids[i] = (await requests.RequestAsync(codes[i], actor, "bulk partition", force, queue, ct)).JobId;
        await using var cmd = db.CreateCommand("INSERT INTO partition_batch (created_by, force, townships, job_ids) VALUES ($1, $2, $3, $4) RETURNING id");
        cmd.Parameters.AddWithValue(actor);
        cmd.Parameters.AddWithValue(force);
        cmd.Parameters.AddWithValue(codes.ToArray());
        cmd.Parameters.AddWithValue(ids);
        var id = (long)(await cmd.ExecuteScalarAsync(ct))!;
        return Results.Accepted($"/api/partitions/{id}", new { id, townships = codes.Count, statusUrl = $"/api/partitions/{id}" });
    }

    private static async Task<List<string>> Existing(NpgsqlDataSource db, string[]? codes, string? prefix, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(codes is not null
            ? "SELECT code FROM township WHERE code = ANY($1) ORDER BY code"
            : "SELECT code FROM township WHERE code LIKE $1 || '%' ORDER BY code");
        cmd.Parameters.AddWithValue(codes is not null ? codes : prefix!);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }

    private static async Task<IResult> Status(long id, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT b.created_at, b.created_by, t.township, t.job_id, coalesce(j.statename, 'Unknown')
            FROM partition_batch b, unnest(b.townships, b.job_ids) AS t(township, job_id)
            LEFT JOIN hangfire.job j ON j.id = t.job_id::bigint
            WHERE b.id = $1 ORDER BY t.township
            """);
        cmd.Parameters.AddWithValue(id);
        var jobs = new List<BatchJob>();
        DateTime created = default;
        string by = "";
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                (created, by) = (r.GetDateTime(0), r.GetString(1));
                jobs.Add(new BatchJob(r.GetString(2), r.GetString(3), r.GetString(4)));
            }
        //-- A batch with a township outside the caller's jurisdiction is not theirs to see.
        if (jobs.Count == 0 || jobs.Any(j => !http.User.Covers(j.Township)))
            throw new ApiException(404, "Batch not found", $"There is no batch {id}.", new() { ["field"] = "id" });
        int succeeded = jobs.Count(j => j.State == "Succeeded"), failed = jobs.Count(j => j.State is "Failed" or "Deleted"),
            processing = jobs.Count(j => j.State == "Processing");
        int waiting = jobs.Count - succeeded - failed - processing;
        return Results.Ok(new BatchStatus(id, created, by, jobs.Count, succeeded, failed, processing, waiting, succeeded + failed == jobs.Count,
            Math.Round(100.0 * (succeeded + failed) / jobs.Count, 1), jobs));
    }
}
