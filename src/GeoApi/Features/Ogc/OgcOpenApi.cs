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
        ("bbox", JsonSchemaType.String, "minLon,minLat,maxLon,maxLat in CRS84: features whose geometry intersects the box."),
        ("township", JsonSchemaType.String, "A 9-digit township code: that township's features only."),
        ("filter", JsonSchemaType.String, "A CQL2 text filter over the collection's queryables, e.g. kind IN ('building','floor') AND household_count >= 10, or S_INTERSECTS(geometry, POLYGON((…))) in CRS84."),
        ("filter-lang", JsonSchemaType.String, "cql2-text (the default and only language)."),
        ("filter-crs", JsonSchemaType.String, "http://www.opengis.net/def/crs/OGC/1.3/CRS84 (the default and only CRS of filter geometries)."),
        ("sortby", JsonSchemaType.String, "Sortables separated by commas, each prefixed + (ascending, the default) or - (descending); the feature id breaks ties."),
        ("properties", JsonSchemaType.String, "The properties to return, separated by commas (empty: none)."),
    ];

    public static RouteHandlerBuilder WithItemsParameters(this RouteHandlerBuilder builder) => builder.AddOpenApiOperationTransformer((operation, _, _) =>
    {
        operation.Parameters ??= [];
        foreach (var (name, type, description) in ItemsParameters)
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name, In = ParameterLocation.Query, Description = description,
                Schema = new OpenApiSchema { Type = type, Minimum = type == JsonSchemaType.Integer ? (name == "limit" ? "1" : "0") : null },
            });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "queryables", In = ParameterLocation.Query, Style = ParameterStyle.Form, Explode = true,
            Description = "Any queryable of the collection as a parameter, compared for equality: ?kind=floor&grid_code=530627118201002 (see /queryables).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } },
        });
        return Task.CompletedTask;
    });
}
