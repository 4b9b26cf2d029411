using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Codes;

namespace GridSpatial.GeoApi.Features.Access;

/// <summary>Refuses a request whose route names a code (<c>{code}</c>: township, grid or
/// micro-grid) outside the caller's jurisdiction: 404 for reads, so that existence does not
/// leak, 403 for writes.</summary>
public sealed class JurisdictionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.RouteValues.TryGetValue("code", out var value) && value is string code && code.Length > 0 && !http.User.Covers(code))
        {
            if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                throw new ApiException(404, "Not found", $"There is no '{code}'.", new() { ["field"] = "code" });
            throw new ApiException(403, "Outside your jurisdiction", $"{code} is outside the jurisdiction of key '{http.User.Identity?.Name}' ({http.User.Jurisdiction()}…).",
                new() { ["field"] = "code" });
        }
        return await next(context);
    }
}

public static class JurisdictionExtensions
{
    /// <summary>Requires the permission and checks the route's code against the caller's jurisdiction.</summary>
    public static TBuilder Require<TBuilder>(this TBuilder builder, string permission) where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireAuthorization(permission);
        builder.AddEndpointFilter(new JurisdictionFilter());
        return builder;
    }

    /// <summary>Refuses (403) a write naming a parsed code outside the caller's jurisdiction.</summary>
    public static void RequireCovered(this HttpContext http, DivisionCode code, string field)
    {
        if (!http.User.Covers(code))
            throw new ApiException(403, "Outside your jurisdiction", $"{code} is outside the jurisdiction of key '{http.User.Identity?.Name}'.", new() { ["field"] = field });
    }
}
