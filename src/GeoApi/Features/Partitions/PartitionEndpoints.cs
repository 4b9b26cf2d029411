using GridSpatial.GeoApi.Features.Access;
using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>Partition runs (as jobs), the current report, versions and their differences.</summary>
public static class PartitionEndpoints
{
    public static IEndpointRouteBuilder MapPartitionEndpoints(this IEndpointRouteBuilder app)
    {
        var t = app.MapGroup("/api/townships/{code}").WithTags("Partitions");
        t.MapPost("/partition", StartRun).Require(Roles.Edit).WithSummary("Recompute the township's partition as a background job; 202 with the job's URL.");
        t.MapGet("/jobs", TownshipJobs).Require(Roles.Read).WithSummary("The township's recent jobs, newest first.");
        t.MapGet("/report", Report).Require(Roles.Read).Produces<JsonElement>(200, "application/json").WithSummary("The quality report (DESIGN §5) of the current version.");
        t.MapGet("/histogram", Histogram).Require(Roles.Read).WithSummary("Micro-grids of the current version counted by household count and kind (the viewer's size histogram).");
        t.MapGet("/versions", Versions).Require(Roles.Read).WithSummary("Every partition version: when, by whom, why, from which data version.");
        t.MapGet("/versions/{version:int}", Version).Require(Roles.Read).Produces<JsonElement>(200, "application/json").WithSummary("One version with its report.");
        t.MapGet("/versions/{a:int}/diff/{b:int}", Diff).Require(Roles.Read).Produces<VersionDiff>(200, "application/json").WithSummary("Units added, removed and reshaped from version a to b, and households that changed micro-grid.");
        app.MapGet("/api/jobs/{id}", Job).WithTags("Partitions").Require(Roles.Read).WithSummary("State, township, timings and error of a job.");
        return app;
    }

    //-- Requests coalesce (RecomputeRequests): a burst gets one waiting job, whose id every caller is given.
    private static async Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> StartRun(string code, bool? force, HttpRequest request,
        RecomputeRequests requests, CancellationToken ct)
    {
        var actor = request.HttpContext.User.Actor();
        var (id, joined) = await requests.RequestAsync(code, actor, "requested through the API", force ?? false, "default", ct);
        return TypedResults.Accepted($"/api/jobs/{id}", new JobAccepted(id, code, $"/api/jobs/{id}", joined));
    }

    private static Results<Ok<JobStatus>, ProblemHttpResult> Job(string id, HttpContext http, JobStorage storage)
    {
        var details = long.TryParse(id, out _) ? storage.GetMonitoringApi().JobDetails(id) : null;
        var township = details?.Job is { } job ? JobTownship.Of(job) : null;
        //-- A job of a township outside the caller's jurisdiction does not exist for them; a job of
        //-- no township (checks and recomputes of every township) exists for global administrators only.
        if (details?.Job is null || (township is null ? !http.User.IsGlobalAdmin() : !http.User.Covers(township)))
            return TypedResults.Problem(statusCode: 404, title: "Job not found", detail: $"There is no job '{id}'.");
        var history = details.History.OrderBy(h => h.CreatedAt).Select(h => new JobState(h.StateName, h.CreatedAt, h.Reason,
            h.Data is not null && h.Data.TryGetValue("ExceptionMessage", out var m) ? m : null)).ToList();
        var last = history.LastOrDefault();
        string? result = null;
        using (var conn = storage.GetConnection())
            result = conn.GetJobData(id)?.State == "Succeeded" && details.History.FirstOrDefault(h => h.StateName == "Succeeded")?.Data?.TryGetValue("Result", out var r) == true ? r : null;
        return TypedResults.Ok(new JobStatus(id, last?.State ?? "Unknown", township,
            details.CreatedAt, history.FirstOrDefault(h => h.State == "Processing")?.At, history.LastOrDefault(h => h.State is "Succeeded" or "Failed" or "Deleted")?.At,
            history.LastOrDefault(h => h.Error is not null)?.Error, result, history));
    }

    private static async Task<Ok<List<JobSummary>>> TownshipJobs(string code, int? limit, TownshipState townships, NpgsqlDataSource db, CancellationToken ct)
    {
        await townships.RequireAsync(code, ct);
        //-- Hangfire keeps a job's arguments as a JSON array of serialized values; the township is the first.
        await using var cmd = db.CreateCommand(
            "SELECT j.id::text, j.statename, j.createdat FROM hangfire.job j WHERE j.arguments->>0 = $1 ORDER BY j.id DESC LIMIT $2");
        cmd.Parameters.AddWithValue(JsonSerializer.Serialize(code));
        cmd.Parameters.AddWithValue(Math.Clamp(limit ?? 50, 1, 1000));
        var list = new List<JobSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new JobSummary(r.GetString(0), r.IsDBNull(1) ? "Unknown" : r.GetString(1), r.GetDateTime(2), $"/api/jobs/{r.GetString(0)}"));
        return TypedResults.Ok(list);
    }

    private static async Task<IResult> Report(string code, TownshipState townships, NpgsqlDataSource db, CancellationToken ct)
    {
        await townships.RequireAsync(code, ct);
        await using var cmd = db.CreateCommand("""
            SELECT report::text FROM current_partition_version WHERE township_code = $1
            """);
        cmd.Parameters.AddTownship(code);
        return await cmd.ExecuteScalarAsync(ct) is string json
            ? Results.Text(json, "application/json")
            : TypedResults.Problem(statusCode: 404, title: "No partition yet", detail: $"Township {code} has not been partitioned; POST /api/townships/{code}/partition.");
    }

    public sealed record HistogramBin(int Households, int Cluster, int Building, int Floor);

    public sealed record HistogramDto(string Township, int? Version, int ClusterMin, int ClusterMax, IReadOnlyList<HistogramBin> Bins);

    private static async Task<Ok<HistogramDto>> Histogram(string code, TownshipState townships, NpgsqlDataSource db, GridSpatial.Partitioner.PartitionOptions options, CancellationToken ct)
    {
        await townships.RequireAsync(code, ct);
        await using var cmd = db.CreateCommand("""
            SELECT m.version, m.household_count, count(*) FILTER (WHERE m.kind = 'cluster')::int,
                   count(*) FILTER (WHERE m.kind = 'building')::int, count(*) FILTER (WHERE m.kind = 'floor')::int
            FROM current_micro_grid m WHERE m.township_code = $1 GROUP BY 1, 2 ORDER BY 2
            """);
        cmd.Parameters.AddTownship(code);
        var bins = new List<HistogramBin>();
        int? version = null;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            version = r.GetInt32(0);
            bins.Add(new HistogramBin(r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4)));
        }
        return TypedResults.Ok(new HistogramDto(code, version, options.ClusterMin, options.ClusterMax, bins));
    }

    private static async Task<Ok<List<VersionDto>>> Versions(string code, TownshipState townships, NpgsqlDataSource db, CancellationToken ct)
    {
        await townships.RequireAsync(code, ct);
        return TypedResults.Ok(await ReadVersions(db, code, null, ct));
    }

    private static async Task<IResult> Version(string code, int version, TownshipState townships, NpgsqlDataSource db, CancellationToken ct)
    {
        await townships.RequireAsync(code, ct);
        var v = await ReadVersions(db, code, version, ct);
        if (v.Count == 0) return TypedResults.Problem(statusCode: 404, title: "Version not found", detail: $"Township {code} has no version {version}.");
        await using var cmd = db.CreateCommand("SELECT report::text FROM partition_version WHERE township_code = $1 AND version = $2");
        cmd.Parameters.AddTownship(code);
        cmd.Parameters.AddWithValue(version);
        var report = JsonDocument.Parse((string)(await cmd.ExecuteScalarAsync(ct))!).RootElement;
        return TypedResults.Ok(new { v[0].Version, v[0].CreatedAt, v[0].Author, v[0].Reason, v[0].DataVersion, v[0].Current, v[0].Grids, v[0].MicroGrids, Report = report });
    }

    private static async Task<IResult> Diff(string code, int a, int b, TownshipState townships, NpgsqlDataSource db, CancellationToken ct)
    {
        await townships.RequireAsync(code, ct);
        var versions = (await ReadVersions(db, code, null, ct)).Select(v => v.Version).ToHashSet();
        foreach (var v in new[] { a, b })
            if (!versions.Contains(v)) return TypedResults.Problem(statusCode: 404, title: "Version not found", detail: $"Township {code} has no version {v}.");
        //-- The same comparison for both levels: a unit added, removed, or reshaped (land by the rule of Reshaped, households or pin).
        //-- One row valid in both versions (same valid_from) is the same content: nothing to compare.
        static string Compare(string table) => $"""
            SELECT coalesce(x.code, y.code) AS code, CASE WHEN x.code IS NULL THEN 'added' WHEN y.code IS NULL THEN 'removed' ELSE 'reshaped' END,
                   '{table}', x.household_count, y.household_count, y.pinned
            FROM {PublishedLayer.RowsAt(table, "$1", "$2")} x
            FULL JOIN {PublishedLayer.RowsAt(table, "$1", "$3")} y ON x.code = y.code
            WHERE x.code IS NULL OR y.code IS NULL OR (x.valid_from <> y.valid_from AND (x.household_count <> y.household_count OR x.pinned <> y.pinned
                  OR {Reshaped.StoredSql("x", "y")}))
            """;
        await using var units = db.CreateCommand(Compare("micro_grid") + " UNION ALL " + Compare("grid") + " ORDER BY 1");
        units.Parameters.AddTownship(code);
        units.Parameters.AddWithValue(a);
        units.Parameters.AddWithValue(b);
        var changes = new List<UnitChange>();
        await using (var r = await units.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                changes.Add(new UnitChange(r.GetString(0).Trim(), r.GetString(2), r.GetString(1), r.IsDBNull(3) ? null : r.GetInt32(3), r.IsDBNull(4) ? null : r.GetInt32(4),
                    r.IsDBNull(5) ? null : r.GetBoolean(5)));
        await using var moved = db.CreateCommand($"""
            SELECT coalesce(x.household_id, y.household_id), x.micro_grid_code, y.micro_grid_code
            FROM {PublishedLayer.AssignmentsAt("$1", "$2")} x
            FULL JOIN {PublishedLayer.AssignmentsAt("$1", "$3")} y ON x.household_id = y.household_id
            WHERE x.micro_grid_code IS DISTINCT FROM y.micro_grid_code ORDER BY 1
            """);
        moved.Parameters.AddTownship(code);
        moved.Parameters.AddWithValue(a);
        moved.Parameters.AddWithValue(b);
        var households = new List<HouseholdMove>();
        await using (var r = await moved.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                households.Add(new HouseholdMove(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        return TypedResults.Ok(new VersionDiff(code, a, b,
            changes.Where(c => c.Change == "added").ToList(), changes.Where(c => c.Change == "removed").ToList(),
            changes.Where(c => c.Change == "reshaped").ToList(), households));
    }

    private static async Task<List<VersionDto>> ReadVersions(NpgsqlDataSource db, string code, int? only, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT v.version, v.created_at, v.author, v.reason, v.data_version, v.version = s.current_version,
                   (v.report->>'grids')::int, (v.report->>'micro_grids')::int
            FROM partition_version v JOIN township_state s ON s.township_code = v.township_code
            WHERE v.township_code = $1 AND ($2::int IS NULL OR v.version = $2) ORDER BY v.version
            """);
        cmd.Parameters.AddTownship(code);
        cmd.Parameters.AddWithValue(only is null ? DBNull.Value : only.Value);
        var list = new List<VersionDto>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new VersionDto(r.GetInt32(0), r.GetDateTime(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetBoolean(5), r.GetInt32(6), r.GetInt32(7)));
        return list;
    }
}

public sealed record JobSummary(string Id, string State, DateTime CreatedAt, string StatusUrl);
/// <summary>A recompute request's job; <see cref="Joined"/> when it joined a job already waiting for the township.</summary>
public sealed record JobAccepted(string JobId, string Township, string StatusUrl, bool Joined = false);
public sealed record JobState(string State, DateTime At, string? Reason, string? Error);
public sealed record JobStatus(string Id, string State, string? Township, DateTime? CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, string? Error, string? Result, IReadOnlyList<JobState> History);
public sealed record VersionDto(int Version, DateTime CreatedAt, string Author, string Reason, long DataVersion, bool Current, int Grids, int MicroGrids);
/// <summary>A unit between two versions (stored, or an edit's preview): <c>added</c>, <c>removed</c> or
/// <c>reshaped</c> (geometry, households or pin), with its pin in the later one.</summary>
public sealed record UnitChange(string Code, string Level, string Change, int? HouseholdsBefore, int? HouseholdsAfter, bool? Pinned = null);
public sealed record HouseholdMove(string HouseholdId, string? From, string? To);
public sealed record VersionDiff(string Township, int From, int To, IReadOnlyList<UnitChange> Added, IReadOnlyList<UnitChange> Removed, IReadOnlyList<UnitChange> Reshaped, IReadOnlyList<HouseholdMove> Households);
