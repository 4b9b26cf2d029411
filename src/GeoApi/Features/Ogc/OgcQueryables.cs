namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>The queryables and sortables of a collection as JSON Schema (2020-12) documents, as
/// OGC API – Features Part 3 (and the sorting draft, Part 8) define them: every property with its
/// type and Chinese title, the geometry (queryables only) with its format, no other property.</summary>
internal static class OgcQueryables
{
    public const string MediaType = "application/schema+json";

    public static object Document(OgcLayer c, string href, bool sortables)
    {
        var properties = new Dictionary<string, object>();
        if (!sortables)
            properties[OgcLayer.GeometryName] = new Dictionary<string, object>
            {
                ["title"] = "几何", ["description"] = "The feature's geometry in CRS84 (S_INTERSECTS and the other spatial functions).",
                ["format"] = c.GeometryFormat, ["x-ogc-role"] = "primary-geometry",
            };
        foreach (var p in c.Properties)
        {
            var schema = new Dictionary<string, object> { ["title"] = p.Title, ["type"] = p.SchemaType };
            if (p.Values is { } values) schema["enum"] = values;
            properties[p.Name] = schema;
        }
        return new Dictionary<string, object>
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = href,
            ["type"] = "object",
            ["title"] = c.Title + (sortables ? " – 可排序属性 (sortables)" : " – 可查询属性 (queryables)"),
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
    }
}
