using GridSpatial.GeoApi.Features.Access;
using System.Text.Json;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Editing;

namespace GridSpatial.GeoApi.Features.Editing;

/// <summary>Editing for GIS staff: redraw a unit's boundary, split it along a line, merge
/// siblings, pin or unpin. Every edit is applied to the township's published partition by the
/// Partitioner's <see cref="PartitionEditor"/> (the coverage stays valid, households follow
/// containment, codes follow DESIGN §2) and published as a new version with author and reason
/// — or, with <c>?dryRun=true</c>, only previewed as a diff.</summary>
public static class EditEndpoints
{
    /// <summary>An edit's body: a GeoJSON geometry (redraw: Polygon; split: LineString), the codes
    /// to merge, why, and whether to pin what is drawn (a redraw's unit, a split's pieces) so
    /// later recomputes keep it — the viewer asks for it by default.</summary>
    public sealed record EditBody(JsonElement? Geometry, IReadOnlyList<string>? Codes, string? Reason, bool? Pin = null);

    /// <summary>What an edit changes (or changed): units added, removed or reshaped — in the words of
    /// the stored versions' diff — and households moved; a preview (dry run) also carries what to
    /// draw on the map (<see cref="EditPreview"/>).</summary>
    public sealed record EditResult(string Township, int BaseVersion, int Version, bool Published, string Author, string Reason,
        int HouseholdsMoved, IReadOnlyList<UnitChange> Changes, IReadOnlyList<string> Warnings, object? Report, EditPreview? Proposed = null);

    /// <summary>What every edit handler needs from the host.</summary>
    public sealed record EditServices(PartitionStore Store, PartitionOptions Options, InputLimits Limits);

    private const string HeldToLayer = "In a township that nests in a departmental layer, an edit that would make a unit of the nesting level cross the layer's unit borders is a 422 naming layer, units and code, unless ?allowOutsideNesting=true (audited).";

    public static IEndpointRouteBuilder MapEditEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/codes").WithTags("Editing").Require(Roles.Edit);
        g.MapPut("/{code}/geometry", (string code, EditBody body, bool? dryRun, bool? allowOutsideNesting, HttpRequest r, [AsParameters] EditServices s, CancellationToken ct) =>
                Run(EditKind.Redraw, [code], body, dryRun, r, s, ct, allowOutsideNesting: allowOutsideNesting == true))
            .WithSummary("Redraw a grid or micro-grid: the new boundary (GeoJSON Polygon, clipped to the parent) wins; siblings give up or take over the difference. ?dryRun=true previews. " + HeldToLayer);
        g.MapPost("/{code}/split", (string code, EditBody body, bool? dryRun, bool? allowOutsideNesting, HttpRequest r, [AsParameters] EditServices s, CancellationToken ct) =>
                Run(EditKind.Split, [code], body, dryRun, r, s, ct, allowOutsideNesting: allowOutsideNesting == true))
            .WithSummary("Split a grid or cluster micro-grid along a GeoJSON LineString crossing it; the part with most households keeps the code. " + HeldToLayer);
        g.MapPost("/merge", (EditBody body, bool? dryRun, bool? allowOutsideNesting, HttpRequest r, [AsParameters] EditServices s, CancellationToken ct) =>
                Run(EditKind.Merge, body.Codes ?? [], body, dryRun, r, s, ct, allowOutsideNesting: allowOutsideNesting == true))
            .WithSummary("Merge neighbouring siblings (codes: two or more grids of one village, or micro-grids of one grid); the one with most households keeps its code. " + HeldToLayer);
        g.MapPost("/{code}/pin", (string code, EditBody? body, HttpRequest r, [AsParameters] EditServices s, CancellationToken ct) =>
                Run(EditKind.Pin, [code], body ?? new EditBody(null, null, null), false, r, s, ct, pinned: true))
            .WithSummary("Pin a unit: automatic recomputes leave it as drawn.");
        g.MapDelete("/{code}/pin", (string code, HttpRequest r, [AsParameters] EditServices s, CancellationToken ct) =>
                Run(EditKind.Pin, [code], new EditBody(null, null, null), false, r, s, ct, pinned: false))
            .WithSummary("Unpin a unit: recomputes may reshape it again.");
        return app;
    }

    private static async Task<IResult> Run(EditKind kind, IReadOnlyList<string> codes, EditBody body, bool? dryRun, HttpRequest request,
        EditServices services, CancellationToken ct, bool pinned = true, bool allowOutsideNesting = false)
    {
        var (store, options) = (services.Store, services.Options);
        if (codes.Count == 0) throw Problem(400, "codes", "Name the codes to merge.");
        var parsed = new List<DivisionCode>(codes.Count);
        foreach (var c in codes)
            parsed.Add(DivisionCode.TryParse(c, out var code, DivisionLevel.Grid, DivisionLevel.MicroGrid) ? code
                : throw Problem(400, "code", $"'{c}' is not a grid (15-digit) or micro-grid (18-digit) code."));
        foreach (var c in parsed) request.HttpContext.RequireCovered(c, "codes");
        var township = parsed[0].Township!.Value;
        if (parsed.Any(c => c.Township!.Value != township)) throw Problem(422, "codes", "Every code of a merge must be in one township.");
        codes = parsed.ConvertAll(c => c.Value);
        if (body.Reason?.Trim().Length > 500) throw Problem(400, "reason", "A reason is at most 500 characters.");
        var reason = string.IsNullOrWhiteSpace(body.Reason) ? DefaultReason(kind, codes) : body.Reason.Trim();
        NetTopologySuite.Geometries.Geometry? geometry = null;
        if (kind is EditKind.Redraw or EditKind.Split)
        {
            if (body.Geometry is not { ValueKind: JsonValueKind.Object } g) throw Problem(400, "geometry", "The body needs a GeoJSON 'geometry'.");
            using var doc = JsonDocument.Parse($"{{\"geometry\":{g.GetRawText()}}}");
            geometry = services.Limits.Validator("edit").Geometry(doc.RootElement, 0, codes[0]);
        }
        var author = request.HttpContext.User.Actor();

        var current = await store.LoadCurrentAsync(township, ct);
        Partition edited;
        try
        {
            edited = await Background.Run(() => new PartitionEditor(options).Apply(current.Partition, current.EditContext,
                new Edit(kind, codes, geometry, pinned) { PinDrawn = body.Pin == true }), ct);
        }
        catch (EditException e)
        {
            throw new ApiException(e.Status, e.Status == 404 ? "Unknown code" : "Edit refused", e.Message,
                new() { ["field"] = e.Field, ["code"] = e.Code });
        }
        //-- A key for part of the township (a village) is told about units within it only, and
        //-- not the township-wide report.
        var user = request.HttpContext.User;
        bool wholeTownship = user.Covers(township);
        var (changes, moved) = Diff(current.Partition, edited, wholeTownship ? null : user.Covers);
        var warnings = Warnings(edited, changes, options);
        var crossings = current.Nest is { } nest
            ? LayerCrossings.Of(current.Partition, edited, Touched(wholeTownship ? changes : Diff(current.Partition, edited).Changes), nest, current.Township.Boundary)
            : [];
        if (crossings.Count > 0 && !allowOutsideNesting) throw OutsideNesting(kind, current.Nest!, crossings);
        warnings.AddRange(crossings.Select(c => $"{c.Level} {c.Code} crosses units {string.Join(", ", c.Units)} of layer '{current.Nest!.Layer}' the township nests in (allowOutsideNesting, audited)"));
        bool publish = dryRun != true;
        if (publish)
        {
            //-- The edit used today's households; the version records the data it was partitioned
            //-- from, so pending household changes still get their recompute.
            var (outcome, _) = await store.PublishAsync(edited, current.DataVersion, author, reason, ct,
                recordedDataVersion: current.PartitionDataVersion, open: current.Partition,
                outsideNesting: crossings.Count == 0 ? null : JsonSerializer.Serialize(new { layer = current.Nest!.Layer, layerVersion = current.Nest.LayerVersion, crossings }, JsonSerializerOptions.Web));
            if (outcome == PartitionStore.Outcome.Stale)
                throw new ApiException(409, "Township changed", $"Township {township} was republished or its data changed while the edit ran; load it again and retry.",
                    new() { ["field"] = "code" });
        }
        var result = new EditResult(township, current.Partition.Version, edited.Version, publish, author, reason, moved, changes, warnings,
            wholeTownship ? JsonSerializer.SerializeToElement(edited.Report, Partitioner.Files.PartitionJson.Options) : null,
            publish ? null : EditPreview.Of(current.Partition, edited, changes, current.Households, wholeTownship ? _ => true : (Func<string, bool>)user.Covers));
        return publish ? Results.Created($"/api/townships/{township}/versions/{edited.Version}", result) : Results.Ok(result);
    }

    /// <summary>The diff of an edit's result against the version it edited, as the stored versions' diff reports it;
    /// with <paramref name="shown"/>, only units whose code it accepts, and households moved from or to one.</summary>
    internal static (List<UnitChange> Changes, int HouseholdsMoved) Diff(Partition before, Partition after, Func<string, bool>? shown = null)
    {
        shown ??= _ => true;
        var changes = new List<UnitChange>();
        void Level<T>(string level, IEnumerable<T> a, IEnumerable<T> b, Func<T, string> code, Func<T, int> count, Func<T, NetTopologySuite.Geometries.Geometry> geom, Func<T, bool> pin)
        {
            var old = a.ToDictionary(code, StringComparer.Ordinal);
            var now = b.ToDictionary(code, StringComparer.Ordinal);
            foreach (var (c, x) in now)
            {
                if (!old.TryGetValue(c, out var o)) changes.Add(new UnitChange(c, level, "added", null, count(x), pin(x)));
                else if (count(o) != count(x) || Reshaped.Between(geom(o), geom(x)) || pin(o) != pin(x))
                    changes.Add(new UnitChange(c, level, "reshaped", count(o), count(x), pin(x)));
            }
            foreach (var (c, o) in old)
                if (!now.ContainsKey(c)) changes.Add(new UnitChange(c, level, "removed", count(o), null, null));
        }
        Level("grid", before.Grids, after.Grids, g => g.Code, g => g.HouseholdCount, g => g.Territory, g => g.Pinned);
        Level("micro_grid", before.MicroGrids, after.MicroGrids, m => m.Code, m => m.HouseholdCount, m => m.Territory, m => m.Pinned);
        var old = before.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode, StringComparer.Ordinal);
        int moved = after.Assignments.Count(a => old.TryGetValue(a.HouseholdId, out var o) && o != a.MicroGridCode && (shown(o) || shown(a.MicroGridCode)));
        return (changes.Where(c => shown(c.Code)).OrderBy(c => c.Code, StringComparer.Ordinal).ToList(), moved);
    }

    /// <summary>What staff should know before publishing: changed units that leave their size
    /// band. A drawn boundary wins, so these are warnings, not refusals.</summary>
    internal static List<string> Warnings(Partition edited, IReadOnlyList<UnitChange> changes, PartitionOptions o)
    {
        var touched = changes.Where(c => c.Change != "removed").Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        var warnings = new List<string>();
        foreach (var m in edited.MicroGrids.Where(m => touched.Contains(m.Code) && m.Kind == Partitioner.MicroGrids.MicroGridKind.Cluster))
            if (m.HouseholdCount > o.ClusterHardMax || m.HouseholdCount < o.ClusterHardMin)
                warnings.Add($"micro-grid {m.Code} would hold {m.HouseholdCount} households (band {o.ClusterHardMin}–{o.ClusterHardMax}, target {o.ClusterTarget})");
        foreach (var g in edited.Grids.Where(g => touched.Contains(g.Code)))
            if (g.HouseholdCount > o.GridMax || g.HouseholdCount < o.GridMin)
                warnings.Add($"grid {g.Code} would hold {g.HouseholdCount} households (band {o.GridMin}–{o.GridMax})");
        return warnings;
    }

    private static HashSet<string> Touched(IEnumerable<UnitChange> changes) =>
        changes.Where(c => c.Change != "removed").Select(c => c.Code).ToHashSet(StringComparer.Ordinal);

    /// <summary>An edit refused for crossing the nesting layer (多网合一): the layer, and per unit the layer's units it would lie across.</summary>
    private static ApiException OutsideNesting(EditKind kind, Partitioner.Inputs.NestInput nest, IReadOnlyList<LayerCrossings.Crossing> crossings)
    {
        var levelZh = nest.Level == Partitioner.Inputs.NestLevel.Grid ? "网格" : "微网格";
        var listed = string.Join("；", crossings.Select(c => $"{c.Code}（单元 {string.Join("、", c.Units.DefaultIfEmpty("图层以外"))}）"));
        var first = crossings[0];
        return new ApiException(422, "编辑越出嵌套图层 (Edit crosses the nesting layer)",
            $"本乡镇的{levelZh}嵌套在部门图层 '{nest.Layer}'（版本 {nest.LayerVersion}）的单元内，此编辑会使{levelZh}跨越单元边界：{listed}。如确需如此，请加 ?allowOutsideNesting=true（将记入审计）。" +
            $"The township's {nest.LevelName}s nest in layer '{nest.Layer}'; this edit would make {first.Level} {first.Code} cross the border of units {string.Join(", ", first.Units)}. Add ?allowOutsideNesting=true to do it on purpose (audited).",
            new()
            {
                ["field"] = kind == EditKind.Merge ? "codes" : "geometry",
                ["layer"] = nest.Layer,
                ["layerVersion"] = nest.LayerVersion,
                ["level"] = nest.LevelName,
                ["code"] = first.Code,
                ["units"] = first.Units,
                ["crossings"] = crossings.Select(c => new { code = c.Code, level = c.Level, units = c.Units }).ToList(),
            });
    }

    /// <summary>The reason recorded when none is given: the edit and its codes, or, past 500
    /// characters (a merge of dozens), their count and the first and last.</summary>
    private static string DefaultReason(EditKind kind, IReadOnlyList<string> codes)
    {
        var verb = kind.ToString().ToLowerInvariant();
        var all = $"{verb} {string.Join(", ", codes)}";
        return all.Length <= 500 ? all : $"{verb} {codes.Count} units, {codes[0]} … {codes[^1]}";
    }

    private static ApiException Problem(int status, string field, string detail) =>
        new(status, status == 400 ? "Invalid edit" : "Edit refused", detail, new() { ["field"] = field });
}
