using System.Security.Claims;
using GridSpatial.GeoApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridSpatial.GeoApi.Features.Access;

/// <summary>The viewer's sign-in: <c>POST /api/session</c> trades an API key for a session id in an
/// HttpOnly, SameSite=Strict cookie (the key is not kept by the browser), <c>GET /api/session</c>
/// says who the caller is and what they may do (the page shows edit controls only when
/// <c>edit</c> is among them), <c>DELETE /api/session</c> signs out. Configuration:
/// <c>Access:SessionHours</c> (default 12).</summary>
public static class SessionEndpoints
{
    public sealed record SignIn(string? Key);

    /// <summary>Who is signed in: the key's name, role, jurisdiction (a code prefix, '' = everywhere) and permissions.</summary>
    public sealed record SessionDto(string Name, string Role, string Jurisdiction, IReadOnlyList<string> Permissions);

    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/session").WithTags("Access");
        group.MapGet("", Get).WithSummary("Who the caller is and what they may do: name, role, jurisdiction and permissions (read, lookup, households, edit, administer).");
        group.MapPost("", Open).AllowAnonymous()
            .WithSummary("Sign in to the viewer: trades an API key for a session cookie (HttpOnly, SameSite=Strict); the answer is the session's permissions.");
        group.MapDelete("", Close).WithSummary("Sign out: closes the session and clears the viewer's cookies.");
        return app;
    }

    private static Ok<SessionDto> Get(HttpContext http) => TypedResults.Ok(Describe(http.User));

    private static async Task<Ok<SessionDto>> Open(SignIn body, HttpContext http, ApiKeyStore keys, IConfiguration config, FailedAuthenticationLog failures,
        CancellationToken ct)
    {
        var secret = body.Key?.Trim() ?? "";
        var key = secret.Length == 0 ? null : await keys.ResolveAsync(secret, ct);
        if (key is null)
        {
            failures.Record(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", "Unknown or revoked API key (viewer sign-in).");
            throw new ApiException(401, "Authentication required", "The key is unknown or revoked.", new() { ["field"] = "key" });
        }
        var lifetime = TimeSpan.FromHours(config.GetValue("Access:SessionHours", 12.0));
        var session = await keys.OpenSessionAsync(key, lifetime, ct);
        http.Response.Cookies.Append(ApiKeyAuthentication.SessionCookie, session, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/", MaxAge = lifetime,
        });
        return TypedResults.Ok(new SessionDto(key.Name, key.Role, key.Jurisdiction, PermissionsOf(key.Role, key.People)));
    }

    private static async Task<NoContent> Close(HttpContext http, ApiKeyStore keys, CancellationToken ct)
    {
        if (http.Request.Cookies[ApiKeyAuthentication.SessionCookie] is { Length: > 0 } session) await keys.CloseSessionAsync(session, ct);
        var gone = new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/" };
        http.Response.Cookies.Delete(ApiKeyAuthentication.SessionCookie, gone);
        http.Response.Cookies.Delete(ApiKeyAuthentication.Cookie, gone);
        return TypedResults.NoContent();
    }

    private static SessionDto Describe(ClaimsPrincipal user)
    {
        var role = user.FindFirstValue(ClaimTypes.Role) ?? "";
        //-- A bearer token may carry several roles: its permissions are the union.
        var permissions = Roles.Permissions.Where(p => p.Value.Any(user.IsInRole)).Select(p => p.Key).ToList();
        if (user.SeesPeople()) permissions.Add(Roles.People);
        return new SessionDto(user.Actor(), role, user.Jurisdiction() ?? "", permissions);
    }

    private static List<string> PermissionsOf(string role, bool people) =>
        [.. Roles.Permissions.Where(p => p.Value.Contains(role)).Select(p => p.Key), .. (people || role == Roles.Admin ? [Roles.People] : Array.Empty<string>())];
}
