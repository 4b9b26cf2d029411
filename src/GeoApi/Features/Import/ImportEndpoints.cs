using GridSpatial.GeoApi.Features.Access;
using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridSpatial.GeoApi.Features.Import;

/// <summary>Imports by API: townships (a Feature or a FeatureCollection) and, below a township,
/// villages, buildings, households, barriers and streets, upserted by id. The body is GeoJSON, a
/// zipped Shapefile, a GeoPackage, a CSV or an XLSX table of points, raw with its media type or as
/// the file of a <c>multipart/form-data</c> form (<see cref="Upload"/>), in any CRS of the registry
/// (<c>crs</c>, else the file's own); every format passes the same validation.</summary>
public static class ImportEndpoints
{
    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder app, IConfiguration config)
    {
        //-- Imports may be large (a county's households): their own body limit.
        var limit = new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(config.GetValue("Limits:MaxImportMegabytes", 1024L) * 1024 * 1024);
        app.MapPost("/api/townships", ImportTownships).RequireAuthorization(Roles.Edit).WithMetadata(limit)
            .WithTags("Import").WithSummary("Create or update townships from a GeoJSON Feature or FeatureCollection (properties code, name, [kind], [urban]), or a Shapefile, GeoPackage, CSV or XLSX; ?crs=, ?encoding=, ?map=列名=field, ?sourceLayer=.")
            .Accepts<JsonElement>("application/geo+json", FileTypes).ProducesProblem(415);
        app.MapPost("/api/townships/{code}/{layer}", ImportLayer).Require(Roles.Households).WithMetadata(limit)
            .WithTags("Import").WithSummary("Upsert villages, buildings, households, barriers or streets of a township by id from a GeoJSON FeatureCollection, a zipped Shapefile, a GeoPackage, or a CSV/XLSX table of points, raw or as multipart/form-data; ?crs= (EPSG:4326, 4490, 4491–4554, gcj02, bd09; default the file's .prj or SRS, else WGS 84), ?encoding=, ?map=列名=field, ?sourceLayer=; one transaction.")
            .Accepts<JsonElement>("application/geo+json", FileTypes).ProducesProblem(415);
        return app;
    }

    /// <summary>The media types an import body may have besides GeoJSON. "*/*" last: routing would
    /// otherwise answer any other type with a bare 415; Upload answers it with a problem that says
    /// which formats are read.</summary>
    private static readonly string[] FileTypes = ["application/json", "multipart/form-data", "application/zip", "application/geopackage+sqlite3",
        "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream", "*/*"];

    //-- Bodies are streamed feature by feature (FeatureReader, CSV rows): memory stays bounded whatever the upload's size;
    //-- zips, GeoPackages and workbooks go to a temporary file first (random access), never into memory.
    private static async Task<Ok<LayerImporter.Result>> ImportTownships(HttpRequest request, LayerImporter importer, CancellationToken ct)
    {
        var http = request.HttpContext;
        await using var source = await Upload.OpenAsync(request, "townships", allowSingle: true, ct);
        return TypedResults.Ok(await importer.ImportTownshipsAsync(source.Features, request.HttpContext.User.Actor(), (code, index) => Authorize(http, code, index), source.Crs, ct));
    }

    private static async Task<Ok<LayerImporter.Result>> ImportLayer(string code, string layer, HttpRequest request, LayerImporter importer, CancellationToken ct)
    {
        if (!Enum.TryParse<Layer>(layer, ignoreCase: true, out var which) || !Enum.IsDefined(which) || !layer.All(char.IsAsciiLetterLower))
            throw new ApiException(404, "Unknown layer", $"'{layer}' is not a layer: use villages, buildings, households, barriers or streets.", new() { ["field"] = "layer" });
        //-- Integrators write households only; the other layers are GIS staff's.
        if (which != Layer.Households && !Roles.Permissions[Roles.Edit].Any(request.HttpContext.User.IsInRole))
            throw new ApiException(403, "Forbidden", $"Importing {layer} needs an editor or admin key.", new() { ["field"] = "layer" });
        //-- The route's township is checked by the jurisdiction filter; every feature's code must lie in it (FeatureValidator).
        await using var source = await Upload.OpenAsync(request, layer, allowSingle: false, ct);
        return TypedResults.Ok(await importer.ImportAsync(code, which, source.Features, request.HttpContext.User.Actor(), source.Crs, ct));
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
