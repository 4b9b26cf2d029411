using System.Text.RegularExpressions;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>A departmental layer's name: the URL segment and tile/OGC <c>layer</c> value that
/// names it (<c>urban-management</c>, <c>police</c>): 1–40 lower-case ASCII letters, digits,
/// <c>_</c> or <c>-</c>, starting with a letter (the check of migration 0015). Its display name is
/// the layer's <c>title</c>.</summary>
public static partial class LayerName
{
    [GeneratedRegex("^[a-z][a-z0-9_-]{0,39}$")]
    private static partial Regex Pattern();

    public static string Require(string layer) => Pattern().IsMatch(layer) ? layer
        : throw new ApiException(400, "图层名无效 (Invalid layer name)",
            $"部门图层名须为 1–40 个小写字母、数字、_ 或 -，以字母开头，而不是 '{Partitioner.Inputs.InputRules.Shorten(layer)}'。" +
            $"A layer name is 1–40 lower-case letters, digits, _ or -, starting with a letter (got '{Partitioner.Inputs.InputRules.Shorten(layer)}').",
            new() { ["field"] = "layer" });
}
