using GridSpatial.GeoApi.Features.Access;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Inputs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridSpatial.GeoApi.Features.Import;

/// <summary>Imports by API: townships (a Feature or a FeatureCollection) and, below a township,
/// villages, buildings, households and barriers (a FeatureCollection), upserted by id.</summary>
public static class ImportEndpoints
{
    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder app, IConfiguration config)
    {
        //-- Imports may be large (a county's households): their own body limit.
        var limit = new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(config.GetValue("Limits:MaxImportMegabytes", 1024L) * 1024 * 1024);
        app.MapPost("/api/townships", ImportTownships).RequireAuthorization(Roles.Edit).WithMetadata(limit)
            .WithTags("Import").WithSummary("Create or update townships from a GeoJSON Feature or FeatureCollection (properties code, name, [kind], [urban]).")
            .Accepts<JsonElement>("application/geo+json", "application/json");
        app.MapPost("/api/townships/{code}/{layer}", ImportLayer).Require(Roles.Households).WithMetadata(limit)
            .WithTags("Import").WithSummary("Upsert villages, buildings, households or barriers of a township by id from a GeoJSON FeatureCollection; one transaction.")
            .Accepts<JsonElement>("application/geo+json", "application/json");
        return app;
    }

    private static async Task<Ok<LayerImporter.Result>> ImportTownships(HttpRequest request, LayerImporter importer, CancellationToken ct)
    {
        using var doc = await ReadBody(request, "townships", ct);
        return TypedResults.Ok(await importer.ImportTownshipsAsync(Covered(Features(doc.RootElement, "townships", allowSingle: true, ct), request.HttpContext), Actor(request), ct));
    }

    private static async Task<Ok<LayerImporter.Result>> ImportLayer(string code, string layer, HttpRequest request, LayerImporter importer, CancellationToken ct)
    {
        if (!Enum.TryParse<Layer>(layer, ignoreCase: true, out var which) || !Enum.IsDefined(which) || !layer.All(char.IsAsciiLetterLower))
            throw new ApiException(404, "Unknown layer", $"'{layer}' is not a layer: use villages, buildings, households or barriers.", new() { ["field"] = "layer" });
        //-- Integrators write households only; the other layers are GIS staff's.
        if (which != Layer.Households && !Roles.Permissions[Roles.Edit].Any(request.HttpContext.User.IsInRole))
            throw new ApiException(403, "Forbidden", $"Importing {layer} needs an editor or admin key.", new() { ["field"] = "layer" });
        using var doc = await ReadBody(request, layer, ct);
        return TypedResults.Ok(await importer.ImportAsync(code, which, Features(doc.RootElement, layer, allowSingle: false, ct), Actor(request), ct));
    }

    internal static async Task<JsonDocument> ReadBody(HttpRequest request, string layer, CancellationToken ct)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 64 }, ct);
        }
        catch (JsonException e)
        {
            throw new InputException(layer, null, null, "$", $"The body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Refuses (403, before anything is written) a township outside the caller's jurisdiction.</summary>
    private static async IAsyncEnumerable<JsonElement> Covered(IAsyncEnumerable<JsonElement> features, HttpContext http)
    {
        int index = 0;
        await foreach (var f in features)
        {
            if (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String && !http.User.Covers(c.GetString()!))
                throw new ApiException(403, "Outside your jurisdiction", $"Township {c.GetString()} (#{index}) is outside the jurisdiction of key '{http.User.Identity?.Name}'.",
                    new() { ["layer"] = "townships", ["featureIndex"] = index, ["field"] = "code" });
            index++;
            yield return f;
        }
    }

    internal static string Actor(HttpRequest request) => request.HttpContext.User.Identity?.Name ?? "anonymous";

    private static async IAsyncEnumerable<JsonElement> Features(JsonElement root, string layer, bool allowSingle, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await Task.CompletedTask;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw new InputException(layer, null, null, "type", "The body must be a GeoJSON object with a 'type'.");
        if (type.GetString() == "Feature" && allowSingle)
        {
            yield return root;
            yield break;
        }
        if (type.GetString() != "FeatureCollection")
            throw new InputException(layer, null, null, "type", $"The body must be a FeatureCollection{(allowSingle ? " or a Feature" : "")}, not '{type.GetString()}'.");
        if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            throw new InputException(layer, null, null, "features", "The FeatureCollection has no 'features' array.");
        foreach (var f in features.EnumerateArray())
        {
            ct.ThrowIfCancellationRequested();
            yield return f;
        }
    }
}
