using GridSpatial.GeoApi.Features.Ogc.Filtering;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>The OGC API's 400 problems: what is wrong, in Chinese first and then in English,
/// and the query parameter at fault as <c>field</c>.</summary>
internal static class OgcProblem
{
    /// <summary>The query parameter every GET accepts besides its own: the API key (see ApiKeyAuthentication).</summary>
    public const string KeyParameter = "key";

    public static ApiException Invalid(string field, string chinese, string english) =>
        new(400, "查询参数无效 (Invalid query parameter)", $"{chinese} {english}", new() { ["field"] = field });

    public static ApiException Filter(Cql2Exception e) =>
        new(400, "过滤条件无效 (Invalid filter)",
            $"filter 第 {e.Column} 个字符处：{e.Chinese}。 At character {e.Column} of filter: {e.Message}.",
            new() { ["field"] = "filter", ["position"] = e.Column });

    /// <summary>Refuses a query parameter the operation does not define (OGC API – Features Part 1, /req/core/query-param-unknown).</summary>
    public static void RejectUnknown(IQueryCollection query, IEnumerable<string> allowed)
    {
        var known = allowed.Append(KeyParameter).ToHashSet(StringComparer.Ordinal);
        foreach (var name in query.Keys)
            if (!known.Contains(name))
                throw Invalid(name, $"未知的查询参数“{name}”；此操作接受：{string.Join(", ", known.Order(StringComparer.Ordinal))}。",
                    $"Unknown query parameter '{name}'; this operation takes {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
    }
}
