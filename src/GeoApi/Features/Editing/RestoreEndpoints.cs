using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Editing;

namespace GridSpatial.GeoApi.Features.Editing;

/// <summary>Restoring a past version as a new one (<see cref="VersionRestorer"/>): its units come
/// back pinned, today's households are placed in them, codes follow DESIGN §2 (a code retired
/// since that version is not revived: the unit takes a fresh serial naming it as predecessor).
/// Published with author and reason like any edit; the audit row records <c>restored_from</c>.</summary>
public static class RestoreEndpoints
{
    public sealed record RestoreBody(string? Reason);

    public static IEndpointRouteBuilder MapRestoreEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/townships/{code}/versions/{version:int}/restore", Restore).WithTags("Editing").Require(Roles.Edit)
            .WithSummary("Publish a new version whose grids, micro-grids and assignments are those of a past version (pinned); households since added go to the micro-grid containing them.");
        return app;
    }

    private static async Task<IResult> Restore(string code, int version, RestoreBody? body, HttpRequest request,
        [AsParameters] EditEndpoints.EditServices services, CancellationToken ct)
    {
        var reason = string.IsNullOrWhiteSpace(body?.Reason) ? $"restore version {version}" : body.Reason.Trim();
        if (reason.Length > 500) throw new ApiException(400, "Invalid restore", "A reason is at most 500 characters.", new() { ["field"] = "reason" });
        var store = services.Store;
        var current = await store.LoadCurrentAsync(code, ct);
        if (version == current.Partition.Version)
            throw new ApiException(409, "Version is current", $"Version {version} is the current version of township {code}; there is nothing to restore.",
                new() { ["field"] = "version" });
        if (version > current.Partition.Version || version < 1)
            throw new ApiException(404, "Version not found", $"Township {code} has no version {version}.", new() { ["field"] = "version" });
        var past = await store.LoadVersionAsync(code, version, ct);
        Partition restored;
        try
        {
            restored = await Background.Run(() => new VersionRestorer(services.Options).Restore(current.Partition, past, current.EditContext), ct);
        }
        catch (EditException e)
        {
            throw new ApiException(e.Status, "Restore refused", e.Message, new() { ["field"] = e.Field, ["code"] = e.Code });
        }
        var author = request.HttpContext.User.Actor();
        var (outcome, _) = await store.PublishAsync(restored, current.DataVersion, author, reason, ct,
            recordedDataVersion: current.PartitionDataVersion, open: current.Partition, restoredFrom: version);
        if (outcome == PartitionStore.Outcome.Stale)
            throw new ApiException(409, "Township changed", $"Township {code} was republished or its data changed while the restore ran; retry.",
                new() { ["field"] = "version" });
        var (changes, moved) = EditEndpoints.Diff(current.Partition, restored);
        var result = new EditEndpoints.EditResult(code, current.Partition.Version, restored.Version, true, author, reason, moved, changes,
            EditEndpoints.Warnings(restored, changes, services.Options), null);
        return Results.Created($"/api/townships/{code}/versions/{restored.Version}", result);
    }
}
