using System.Security.Claims;
using GridSpatial.GeoApi.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace GridSpatial.GeoApi.Features.Access;

/// <summary>Cross-site request forgery: a browser sends the viewer's cookie with any request to
/// this host, whoever's page makes it. So a write (POST, PUT, PATCH, DELETE — the Hangfire
/// dashboard included) authenticated by the cookie is refused (403) unless its <c>Origin</c> (else
/// its <c>Referer</c>) is this service itself or one of <c>Cors:Origins</c>, and unless a body it
/// carries is JSON — which a cross-site form cannot send. Keys sent in the <c>X-Api-Key</c>
/// header and bearer tokens are not ambient credentials: their requests pass unchecked.</summary>
public static class CookieWriteGuard
{
    public static WebApplication UseCookieWriteGuard(this WebApplication app, IConfiguration config)
    {
        //-- "*" lets any page call the API with a header key; it never vouches for a cookie.
        var origins = (config.GetSection("Cors:Origins").Get<string[]>() ?? []).Where(o => o != "*")
            .Select(o => o.TrimEnd('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        app.Use((http, next) =>
        {
            Check(http.Request, origins);
            return next(http);
        });
        return app;
    }

    /// <summary>Throws a 403 <see cref="ApiException"/> naming the header at fault when a cookie-borne write is refused.</summary>
    public static void Check(HttpRequest request, IReadOnlySet<string> origins)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
            return;
        if (request.HttpContext.User.FindFirstValue(ClaimTypes.AuthenticationMethod) != ApiKeyAuthentication.FromCookie) return;

        var origin = request.Headers.Origin.ToString();
        string field = HeaderNames.Origin;
        if (origin.Length == 0 && Uri.TryCreate(request.Headers.Referer.ToString(), UriKind.Absolute, out var referer))
            (origin, field) = (referer.GetLeftPart(UriPartial.Authority), HeaderNames.Referer);
        if (!IsOwn(request, origin) && !origins.Contains(origin))
            throw new ApiException(403, "Cross-site write refused",
                $"A write authenticated by the viewer's cookie must come from this service's own pages (Origin '{origin}'); other clients send the key in the {ApiKeyAuthentication.Header} header.",
                new() { ["field"] = field });

        //-- The dashboard's own pages post forms (same origin, checked above).
        bool body = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0 || !string.IsNullOrEmpty(request.ContentType);
        if (body && !request.Path.StartsWithSegments("/hangfire") && !IsJson(request.ContentType))
            throw new ApiException(403, "Cross-site write refused",
                $"A write authenticated by the viewer's cookie must send JSON, not '{request.ContentType}'.", new() { ["field"] = HeaderNames.ContentType });
    }

    /// <summary>Whether an origin (scheme://host[:port]) names the host this request was sent to.</summary>
    private static bool IsOwn(HttpRequest request, string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || o.Scheme is not ("http" or "https")) return false;
        //-- Behind a TLS-terminating proxy the request's own scheme may differ: the host and port decide.
        int? port = request.Host.Port;
        bool defaultPort = port is null || port == (o.Scheme == "https" ? 443 : 80);
        return string.Equals(o.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase) && (o.IsDefaultPort ? defaultPort : port == o.Port);
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var m) && m.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
        && (m.SubType.Equals("json", StringComparison.OrdinalIgnoreCase) || m.SubType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
