using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>Departmental layers (多网合一, issue #19) under <c>/api/townships/{code}/layers/{layer}</c>:
/// import a version (any import format and CRS, <see cref="Upload"/>), read it as GeoJSON, its
/// versions, its crosswalk with the partition (JSON, CSV, XLSX) and the diff of two crosswalks, and
/// its fit report; <c>/api/layers</c> lists every layer; a unit's crosswalk across townships at
/// <c>/api/layers/{layer}/units/{unit}/crosswalk</c>, and the reverse, a grid's or micro-grid's
/// departmental units, at <c>/api/codes/{code}/crosswalk</c>. The township's input layers
/// (villages, households, …) stay at <c>/api/townships/{code}/{layer}</c> (Features/Import): one
/// segment shorter, so the two never meet.</summary>
public static class LayerEndpoints
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public sealed record Services(DepartmentalLayerImporter Importer, DepartmentalLayers Layers, CrosswalkReader Crosswalks, FitReporter Fit, TownshipState Townships);

    public static IServiceCollection AddDepartmentalLayers(this IServiceCollection services) => services
        .AddSingleton<DepartmentalLayerImporter>().AddSingleton<DepartmentalLayers>().AddSingleton<CrosswalkReader>().AddSingleton<FitReporter>()
        .AddCrosswalkChanges();

    /// <summary>What change notifications need of crosswalks (every process that dispatches them: the API and the worker).</summary>
    public static IServiceCollection AddCrosswalkChanges(this IServiceCollection services) =>
        services.AddSingleton<ICrosswalkChanges, CrosswalkChanges>();

    public static IEndpointRouteBuilder MapLayerEndpoints(this IEndpointRouteBuilder app, IConfiguration config)
    {
        var limit = new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(config.GetValue("Limits:MaxImportMegabytes", 1024L) * 1024 * 1024);
        var t = app.MapGroup("/api/townships/{code}/layers").WithTags("Departmental layers");
        t.MapGet("", List).Require(Roles.Read).WithSummary("The township's departmental layers (多网合一): name, title, current version, units.");
        t.MapPost("/{layer}", Import).Require(Roles.Edit).WithMetadata(limit).Accepts<System.Text.Json.JsonElement>("application/geo+json", "application/json",
                "multipart/form-data", "application/zip", "application/geopackage+sqlite3", "application/octet-stream")
            .WithSummary("Import a departmental layer (polygons with properties code and name) as its next version: GeoJSON, zipped Shapefile or GeoPackage, raw or multipart; ?title=显示名, ?crs=, ?encoding=, ?map=列名=field, ?sourceLayer=. 201 with the new version; 200 when the upload equals the current version.");
        t.MapGet("/{layer}", Units).Require(Roles.Read).Produces<object>(200, "application/geo+json")
            .WithSummary("The layer's units as a GeoJSON FeatureCollection (current version, or ?version=N).");
        t.MapGet("/{layer}/versions", Versions).Require(Roles.Read).WithSummary("Every version of the layer: when, by whom, how many units.");
        t.MapGet("/{layer}/crosswalk", CrosswalkJson).Require(Roles.Read)
            .WithSummary("Every overlapping (unit, grid) and (unit, micro-grid) pair with overlap area (m²) and both sides' area and household shares; ?layerVersion=, ?partitionVersion= (default the current ones).");
        t.MapGet("/{layer}/crosswalk.csv", CrosswalkCsv).Require(Roles.Read).Produces<string>(200, "text/csv").WithSummary("The crosswalk as CSV (UTF-8, BOM).");
        t.MapGet("/{layer}/crosswalk.xlsx", CrosswalkXlsx).Require(Roles.Read).Produces<byte[]>(200, XlsxType).WithSummary("The crosswalk as an XLSX workbook.");
        t.MapGet("/{layer}/crosswalk/diff", Diff).Require(Roles.Read)
            .WithSummary("Which units changed their grids or micro-grids between two crosswalks: ?fromLayerVersion=&fromPartitionVersion= against ?toLayerVersion=&toPartitionVersion= (each default the current version; at least one from-version).");
        t.MapGet("/{layer}/fit", Fit).Require(Roles.Read)
            .WithSummary("How the layer fits the partition: share of micro-grids and grids inside one unit, grids split by units (households each side), the layer's gaps and overlaps inside the township.");
        app.MapGroup("/api/townships/{code}").WithTags("Departmental layers").MapNesting();
        app.MapGet("/api/layers", All).WithTags("Departmental layers").Require(Roles.Read).WithSummary("Every departmental layer of every township in your jurisdiction.");
        app.MapGet("/api/layers/{layer}/units/{unit}/crosswalk", UnitCrosswalk).WithTags("Departmental layers").Require(Roles.Read)
            .WithSummary("The grids and micro-grids a departmental unit corresponds to, in every township whose layer has it (current versions).");
        app.MapGet("/api/codes/{code}/crosswalk", CodeCrosswalk).WithTags("Departmental layers").Require(Roles.Read)
            .WithSummary("The reverse: the departmental units a grid or micro-grid corresponds to, in every layer of its township (or ?layer=).");
        return app;
    }

    private static async Task<IResult> Import(string code, string layer, string? title, HttpRequest request, [AsParameters] Services s, CancellationToken ct)
    {
        LayerName.Require(layer);
        await using var source = await Upload.OpenAsync(request, layer, allowSingle: false, ct);
        var result = await s.Importer.ImportAsync(code, layer, string.IsNullOrWhiteSpace(title) ? null : title, source.Features, request.HttpContext.User.Actor(), source.Crs, ct);
        return result.Created ? Results.Created($"/api/townships/{code}/layers/{layer}?version={result.Version}", result) : Results.Ok(result);
    }

    private static async Task<Ok<List<LayerSummary>>> List(string code, [AsParameters] Services s, CancellationToken ct)
    {
        await s.Townships.RequireAsync(code, ct);
        return TypedResults.Ok(await s.Layers.ListAsync(code, null, ct));
    }

    private static async Task<Ok<List<LayerSummary>>> All(HttpContext http, [AsParameters] Services s, CancellationToken ct) =>
        TypedResults.Ok(await s.Layers.ListAsync(null, http.User.Jurisdiction() ?? "", ct));

    private static async Task<IResult> Units(string code, string layer, int? version, [AsParameters] Services s, CancellationToken ct) =>
        Results.Text(await s.Layers.GeoJsonAsync(code, LayerName.Require(layer), version, ct), "application/geo+json");

    private static async Task<Ok<List<LayerVersion>>> Versions(string code, string layer, [AsParameters] Services s, CancellationToken ct) =>
        TypedResults.Ok(await s.Layers.VersionsAsync(code, LayerName.Require(layer), ct));

    private static async Task<Crosswalk> Read(string code, string layer, int? layerVersion, int? partitionVersion, Services s, CancellationToken ct)
    {
        var (lv, pv) = await s.Crosswalks.VersionsAsync(code, LayerName.Require(layer), layerVersion, partitionVersion, ct);
        return await s.Crosswalks.ReadAsync(code, layer, lv, pv, null, null, ct);
    }

    private static async Task<Ok<Crosswalk>> CrosswalkJson(string code, string layer, int? layerVersion, int? partitionVersion, [AsParameters] Services s, CancellationToken ct) =>
        TypedResults.Ok(await Read(code, layer, layerVersion, partitionVersion, s, ct));

    private static async Task CrosswalkCsv(string code, string layer, int? layerVersion, int? partitionVersion, HttpContext http, [AsParameters] Services s, CancellationToken ct)
    {
        var crosswalk = await Read(code, layer, layerVersion, partitionVersion, s, ct);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(crosswalk)}.csv\"";
        await CrosswalkFile.WriteCsvAsync(crosswalk, http.Response.Body, ct);
    }

    private static async Task CrosswalkXlsx(string code, string layer, int? layerVersion, int? partitionVersion, HttpContext http, [AsParameters] Services s, CancellationToken ct)
    {
        var crosswalk = await Read(code, layer, layerVersion, partitionVersion, s, ct);
        http.Response.ContentType = XlsxType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(crosswalk)}.xlsx\"";
        await CrosswalkFile.WriteXlsxAsync(crosswalk, http.Response.Body, ct);
    }

    private static string FileName(Crosswalk c) => $"{c.Township}-{c.Layer}-v{c.LayerVersion}-p{c.PartitionVersion}-crosswalk";

    private static async Task<Ok<CrosswalkDiff>> Diff(string code, string layer, int? fromLayerVersion, int? fromPartitionVersion,
        int? toLayerVersion, int? toPartitionVersion, [AsParameters] Services s, CancellationToken ct)
    {
        if (fromLayerVersion is null && fromPartitionVersion is null)
            throw new ApiException(400, "参数无效 (Invalid parameter)", "Give fromLayerVersion, fromPartitionVersion or both: the crosswalk to compare with.",
                new() { ["field"] = "fromLayerVersion" });
        var to = await Read(code, layer, toLayerVersion, toPartitionVersion, s, ct);
        var from = await Read(code, layer, fromLayerVersion ?? to.LayerVersion, fromPartitionVersion ?? to.PartitionVersion, s, ct);
        return TypedResults.Ok(CrosswalkDiff.Between(from, to));
    }

    private static async Task<Ok<FitReport>> Fit(string code, string layer, int? layerVersion, int? partitionVersion, [AsParameters] Services s, CancellationToken ct) =>
        TypedResults.Ok(await s.Fit.ReportAsync(await Read(code, layer, layerVersion, partitionVersion, s, ct), ct));

    private static async Task<Ok<List<Crosswalk>>> UnitCrosswalk(string layer, string unit, HttpContext http, [AsParameters] Services s, CancellationToken ct)
    {
        LayerName.Require(layer);
        var townships = await s.Layers.TownshipsWithUnitAsync(layer, unit, http.User.Jurisdiction() ?? "", ct);
        if (townships.Count == 0)
            throw new ApiException(404, "没有该单元 (No such unit)", $"部门图层 '{layer}' 没有单元 '{unit}'。No township's layer '{layer}' has a unit '{unit}'.", new() { ["field"] = "unit" });
        var list = new List<Crosswalk>();
        foreach (var township in townships)
        {
            var (lv, pv) = await s.Crosswalks.VersionsAsync(township, layer, null, null, ct);
            list.Add(await s.Crosswalks.ReadAsync(township, layer, lv, pv, unit, null, ct));
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Ok<List<Crosswalk>>> CodeCrosswalk(string code, string? layer, [AsParameters] Services s, CancellationToken ct)
    {
        if (code.Length is not (15 or 18) || !code.All(char.IsAsciiDigit))
            throw new ApiException(400, "代码无效 (Invalid code)", $"'{code}' is not a grid (15 digits) or micro-grid (18 digits) code.", new() { ["field"] = "code" });
        var township = code[..9];
        var layers = layer is null ? (await s.Layers.ListAsync(township, null, ct)).Select(l => l.Layer).ToList() : [LayerName.Require(layer)];
        var list = new List<Crosswalk>();
        foreach (var name in layers)
        {
            var (lv, pv) = await s.Crosswalks.VersionsAsync(township, name, null, null, ct);
            list.Add(await s.Crosswalks.ReadAsync(township, name, lv, pv, null, code, ct));
        }
        return TypedResults.Ok(list);
    }
}
