using System.Text.RegularExpressions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>The OpenAPI document the service publishes at <see cref="Path"/>: OpenAPI
/// <see cref="Version"/> (what the OGC landing page's service-desc link declares), the <c>X-Api-Key</c> scheme required by every
/// operation, an operationId on every operation, a 401 problem on every operation, tag
/// descriptions, and the examples of <see cref="OpenApiExamples"/>. <c>redocly lint</c> finds no
/// error in it (OpenApiLintTests).</summary>
public static partial class OpenApiContract
{
    public const string Path = "/openapi/v1.json";
    public const string Version = "3.1";
    public const string MediaType = "application/vnd.oai.openapi+json;version=" + Version;
    public const string SecurityScheme = "ApiKey";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Import"] = "Townships and their layers (villages, households, buildings, barriers, streets) in, upserted by id; a rejected upload changes nothing.",
        ["Townships"] = "Townships with their counts, bounds and versions.",
        ["Partitions"] = "Recompute jobs, partition versions, their diffs, reports and batches.",
        ["Codes"] = "A code's unit, geometry and history.",
        ["Access"] = "API keys (roles and jurisdictions) and the audit log.",
        ["Lookup"] = "Point to township, village, grid and micro-grid codes.",
        ["Households"] = "One household: read, replace, patch, delete, and its grid.",
        ["OGC API Features"] = "OGC API – Features Part 1 and Part 3 (queryables, CQL2 text filters), sortby and properties.",
        ["Exports"] = "The current partition as GeoJSON, CSV and GeoPackage.",
        ["Vector tiles"] = "Mapbox Vector Tiles and TileJSON per layer.",
        ["Editing"] = "Redraw, split, merge and pin grids and micro-grids.",
        ["People"] = "Grid attributes (name, type, area, organisation) and the people responsible for grids and micro-grids (1+3+N); names and phones need the people permission and every read of them is audited.",
    };

    public static void Configure(OpenApiOptions options)
    {
        options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
        OpenApiExamples.Add(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
    }

    private static void Describe(OpenApiDocument document)
    {
        document.Info.Description ??= "Governance grids (网格) and micro-grids (微网格) of Chinese townships: import, partition, look up, export and serve them.";
        foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key",
            Description = "An API key (an administrator creates them: POST /api/keys). Its role and jurisdiction decide what it may read and change.",
        };
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description)) tag.Description ??= description;

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document.Paths)
            foreach (var (method, operation) in item.Operations ?? [])
            {
                operation.OperationId ??= OperationId(method.Method, path);
                if (!ids.Add(operation.OperationId)) throw new InvalidOperationException($"Two operations are named {operation.OperationId}.");
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, document)] = [] }];
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse
                {
                    Description = "No API key, or an unknown or revoked one (RFC 7807 problem details).",
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } },
                });
            }
    }

    /// <summary><c>GET /ogc/collections/{id}/items</c> → <c>getOgcCollectionsIdItems</c>: unique per method and path.</summary>
    private static string OperationId(string method, string path)
    {
        var words = Word().Matches(path).Select(m => char.ToUpperInvariant(m.Value[0]) + m.Value[1..]);
        return method.ToLowerInvariant() + string.Concat(words);
    }

    [GeneratedRegex("[A-Za-z0-9]+")]
    private static partial Regex Word();
}
