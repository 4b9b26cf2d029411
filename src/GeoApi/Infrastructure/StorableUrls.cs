using GridSpatial.Partitioner.Inputs;
namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Refuses (400, before any endpoint runs) a request whose path or query string holds
/// text the store cannot hold (<see cref="StorableText"/>, e.g. <c>%00</c>): route values and
/// query parameters reach SQL as text, so one check here covers every endpoint.</summary>
public static class StorableUrls
{
    public static IApplicationBuilder UseStorableUrls(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.Path.Value is { } path && !StorableText.IsStorable(path))
            throw new ApiException(400, "Invalid request", "The path holds a NUL character or a lone surrogate.", new() { ["field"] = "path" });
        foreach (var (name, values) in http.Request.Query)
            if (!StorableText.IsStorable(name) || values.Any(v => v is not null && !StorableText.IsStorable(v)))
                throw new ApiException(400, "Invalid request", $"Query parameter '{name.Replace('\0', '?')}' holds a NUL character or a lone surrogate.",
                    new() { ["field"] = name.Replace('\0', '?') });
        await next(http);
    });
}
