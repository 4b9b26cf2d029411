using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GridSpatial.GeoApi.Features.Access;

/// <summary>Authenticates a caller by API key: the <c>X-Api-Key</c> header, else the viewer's
/// session cookie (<c>gridspatial_session</c>, see <see cref="SessionEndpoints"/>), else the
/// <c>gridspatial_key</c> cookie (which earlier viewers set from <c>?key=</c>; still read, no longer
/// written: the page now trades <c>?key=</c> for a session and drops it from the address), else a
/// <c>key</c> query parameter on GET requests (that request only). The principal's name is the key's name, with its
/// role and jurisdiction as claims, and where the key came from (<see cref="ClaimTypes.AuthenticationMethod"/>:
/// <c>header</c>, <c>cookie</c> or <c>query</c>) so that writes carried by the cookie can be checked
/// (<see cref="CookieWriteGuard"/>).</summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys,
    FailedAuthenticationLog failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey", Header = "X-Api-Key", Cookie = "gridspatial_key", SessionCookie = "gridspatial_session";
    public const string FromHeader = "header", FromCookie = "cookie", FromQuery = "query";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? secret = Request.Headers[Header];
        var from = FromHeader;
        ApiKeyStore.Key? key;
        if (string.IsNullOrEmpty(secret) && Request.Cookies[SessionCookie] is { Length: > 0 } session)
        {
            //-- A session is as ambient as the key cookie: its writes pass the cross-site check (CookieWriteGuard).
            key = await keys.ResolveSessionAsync(session, Context.RequestAborted);
            if (key is not null) return Success(key, FromCookie);
        }
        if (string.IsNullOrEmpty(secret)) (secret, from) = (Request.Cookies[Cookie], FromCookie);
        if (string.IsNullOrEmpty(secret) && HttpMethods.IsGet(Request.Method) && Request.Query.TryGetValue("key", out var q))
            (secret, from) = (q, FromQuery);
        if (string.IsNullOrEmpty(secret)) return AuthenticateResult.NoResult();
        key = await keys.ResolveAsync(secret, Context.RequestAborted);
        if (key is null)
        {
            const string reason = "Unknown or revoked API key.";
            failures.Record(Context.Connection.RemoteIpAddress?.ToString() ?? "unknown", reason);
            return AuthenticateResult.Fail(reason);
        }
        return Success(key, from);
    }

    /// <summary>Each key's principals (one per way it was presented), built once per <see cref="ApiKeyStore.Key"/>
    /// the store resolves (it caches one for a few seconds) and shared by the requests that present it: nothing
    /// may change a principal once issued (no claims transformation adds to it, see <c>AddAccess</c>).</summary>
    private static readonly ConditionalWeakTable<ApiKeyStore.Key, ConcurrentDictionary<string, ClaimsPrincipal>> Principals = new();

    private static AuthenticateResult Success(ApiKeyStore.Key key, string from)
    {
        var byPresentation = Principals.GetValue(key, static _ => new(StringComparer.Ordinal));
        var principal = byPresentation.GetOrAdd(from, static (presented, k) => Principal(k, presented), key);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private static ClaimsPrincipal Principal(ApiKeyStore.Key key, string from)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role), new Claim(Roles.JurisdictionClaim, key.Jurisdiction),
             new Claim(ClaimTypes.AuthenticationMethod, from)],
            SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        if (key.People) identity.AddClaim(new Claim(Roles.PermissionClaim, Roles.People));
        return new ClaimsPrincipal(identity);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        await Problem(Context, 401, "Authentication required", "Send an API key in the X-Api-Key header (an administrator creates keys: POST /api/keys or scripts/gridspatial keys create).");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 403;
        await Problem(Context, 403, "Forbidden", $"The key '{Context.User.Identity?.Name}' ({Context.User.FindFirstValue(ClaimTypes.Role)}) may not do this.");
    }

    internal static Task Problem(HttpContext http, int status, string title, string detail) =>
        http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail, Instance = http.Request.Path },
        }).AsTask();
}
