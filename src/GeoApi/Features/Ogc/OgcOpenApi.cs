using Microsoft.OpenApi;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>The query parameters of the items operation in the OpenAPI document: OGC API – Features
/// Part 1 answers 400 to any parameter the API definition does not name, so the definition names them all.</summary>
internal static class OgcOpenApi
{
    private static readonly (string Name, JsonSchemaType Type, string Description)[] ItemsParameters =
    [
        ("limit", JsonSchemaType.Integer, "Features per page: 1 to 10,000 (100 by default; more is served as 10,000)."),
        ("offset", JsonSchemaType.Integer, "Features to skip; next and prev links carry it."),
        ("bbox", JsonSchemaType.String, "The lower and upper corner of a box in bbox-crs, in its axis order (CRS84: minLon,minLat,maxLon,maxLat; EPSG:4490: minLat,minLon,maxLat,maxLon; Gauss–Krüger: minNorthing,minEasting,maxNorthing,maxEasting): features whose geometry intersects the box."),
        ("intersects", JsonSchemaType.String, "A geometry as WKT (POLYGON((…))) or GeoJSON, in bbox-crs and its axis order (CRS84 by default): features whose geometry intersects it, e.g. the households or micro-grids in a flood zone."),
        ("bbox-crs", JsonSchemaType.String, BboxCrs),
        ("crs", JsonSchemaType.String, CrsDescription),
        ("township", JsonSchemaType.String, "A 9-digit township code: that township's features only."),
        ("filter", JsonSchemaType.String, "A CQL2 text filter over the collection's queryables, e.g. kind IN ('building','floor') AND household_count >= 10, or S_INTERSECTS(geometry, POLYGON((…))) in CRS84."),
        ("filter-lang", JsonSchemaType.String, "cql2-text (the default and only language)."),
        ("filter-crs", JsonSchemaType.String, "http://www.opengis.net/def/crs/OGC/1.3/CRS84 (the default and only CRS of filter geometries)."),
        ("sortby", JsonSchemaType.String, "Sortables separated by commas, each prefixed + (ascending, the default) or - (descending); the feature id breaks ties."),
        ("properties", JsonSchemaType.String, "The properties to return, separated by commas (empty: none)."),
    ];

    private const string CrsDescription = "The CRS of the features returned, a URI of the collection's crs list: " +
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84 (the default, longitude/latitude), http://www.opengis.net/def/crs/EPSG/0/4490 (CGCS2000, latitude/longitude), " +
        "http://www.opengis.net/def/crs/EPSG/0/4513 … 4533 (CGCS2000 3-degree Gauss–Krüger zones with zone prefix covering the data, northing/easting) or " +
        "http://www.opengis.net/def/crs/EPSG/0/3857 (Web Mercator, easting/northing). Coordinates follow the CRS's axis order (OGC API – Features Part 2); the Content-Crs header names the CRS. Any other value is a 400.";

    private const string BboxCrs = "The CRS of bbox and intersects, a URI of the collection's crs list (CRS84 by default). Any other value is a 400.";

    /// <summary>The query parameter <c>crs</c> and the <c>Content-Crs</c> header of the single-feature operation.</summary>
    public static RouteHandlerBuilder WithItemParameters(this RouteHandlerBuilder builder) => builder.AddOpenApiOperationTransformer((operation, _, _) =>
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "crs", In = ParameterLocation.Query, Description = CrsDescription,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
        });
        AddContentCrs(operation);
        return Task.CompletedTask;
    });

    public static RouteHandlerBuilder WithItemsParameters(this RouteHandlerBuilder builder) => builder.AddOpenApiOperationTransformer((operation, _, _) =>
    {
        operation.Parameters ??= [];
        AddContentCrs(operation);
        foreach (var (name, type, description) in ItemsParameters)
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name, In = ParameterLocation.Query, Description = description,
                Schema = new OpenApiSchema { Type = type, Minimum = type == JsonSchemaType.Integer ? (name == "limit" ? "1" : "0") : null, Format = name.EndsWith("crs", StringComparison.Ordinal) ? "uri" : null },
            });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "queryables", In = ParameterLocation.Query, Style = ParameterStyle.Form, Explode = true,
            Description = "Any queryable of the collection as a parameter, compared for equality: ?kind=floor&grid_code=530627118201002 (see /queryables).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } },
        });
        return Task.CompletedTask;
    });

    /// <summary>The <c>Content-Crs</c> header of a 200: the CRS of the coordinates, a URI in angle brackets.</summary>
    private static void AddContentCrs(OpenApiOperation operation)
    {
        if (operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse response) return;
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers["Content-Crs"] = new OpenApiHeader
        {
            Description = "The CRS of the coordinates in the response, as a URI in angle brackets: <http://www.opengis.net/def/crs/OGC/1.3/CRS84> unless crs asked for another. Always sent.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        };
    }
}
