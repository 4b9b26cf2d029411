using GridSpatial.GeoApi.Features.Access;
using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using Microsoft.AspNetCore.Http.HttpResults;
using GridSpatial.Partitioner.Files.GeoJson;

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

    //-- Bodies are streamed feature by feature (FeatureReader): memory stays bounded whatever the upload's size.
    private static async Task<Ok<LayerImporter.Result>> ImportTownships(HttpRequest request, LayerImporter importer, CancellationToken ct)
    {
        var http = request.HttpContext;
        var features = FeatureReader.ReadAsync(request.Body, "townships", allowSingle: true, ct);
        return TypedResults.Ok(await importer.ImportTownshipsAsync(features, request.HttpContext.User.Actor(), (code, index) => Authorize(http, code, index), ct));
    }

    private static async Task<Ok<LayerImporter.Result>> ImportLayer(string code, string layer, HttpRequest request, LayerImporter importer, CancellationToken ct)
    {
        if (!Enum.TryParse<Layer>(layer, ignoreCase: true, out var which) || !Enum.IsDefined(which) || !layer.All(char.IsAsciiLetterLower))
            throw new ApiException(404, "Unknown layer", $"'{layer}' is not a layer: use villages, buildings, households, barriers or streets.", new() { ["field"] = "layer" });
        //-- Integrators write households only; the other layers are GIS staff's.
        if (which != Layer.Households && !Roles.Permissions[Roles.Edit].Any(request.HttpContext.User.IsInRole))
            throw new ApiException(403, "Forbidden", $"Importing {layer} needs an editor or admin key.", new() { ["field"] = "layer" });
        //-- The route's township is checked by the jurisdiction filter; every feature's code must lie in it (FeatureValidator).
        return TypedResults.Ok(await importer.ImportAsync(code, which, FeatureReader.ReadAsync(request.Body, layer, ct), request.HttpContext.User.Actor(), ct));
    }

    /// <summary>A body that is one JSON document (a household, a patch); bounded by the request size limit.</summary>

    /// <summary>Refuses (403, before anything is written) a validated township outside the caller's jurisdiction.</summary>
    private static void Authorize(HttpContext http, DivisionCode code, int index)
    {
        if (!http.User.Covers(code))
            throw new ApiException(403, "Outside your jurisdiction", $"Township {code} (#{index}) is outside the jurisdiction of key '{http.User.Identity?.Name}'.",
                new() { ["layer"] = "townships", ["featureIndex"] = index, ["field"] = "code" });
    }

}
