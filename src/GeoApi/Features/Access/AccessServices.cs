using System.Security.Claims;
using System.Threading.RateLimiting;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridSpatial.GeoApi.Features.Access;

/// <summary>Authentication (API keys; JWT bearer tokens when <c>Access:Jwt:Authority</c> is
/// configured), the role policies, per-key rate limiting, request body limits and CORS.
/// Configuration: <c>Access:PublicViewer</c> (tiles for anonymous callers),
/// <c>Limits:RequestsPerSecond</c>/<c>Limits:Burst</c> per key (or per address when
/// anonymous), <c>Limits:MaxBodyMegabytes</c> (imports: <c>Limits:MaxImportMegabytes</c>),
/// <c>Cors:Origins</c>.</summary>
public static class AccessServices
{
    private const string Selector = "GridSpatial";

    public static IServiceCollection AddAccess(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<ApiKeyStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FailedAuthenticationLog>();
        //-- The handler would log every failure (and every challenge) at Information: failures are
        //-- FailedAuthenticationLog's, at most a line per source per minute.
        services.AddLogging(b => b.AddFilter(typeof(ApiKeyAuthentication).FullName, LogLevel.Warning));
        var jwtAuthority = config["Access:Jwt:Authority"];
        //-- No IClaimsTransformation: an API key's principal is shared by every request presenting the key
        //-- (ApiKeyAuthentication), so nothing may add claims to it after it is issued.
        var auth = services.AddAuthentication(o =>
            {
                //-- The selector only where there is a choice: without tokens it would resolve a second handler per request.
                o.DefaultScheme = jwtAuthority is null ? ApiKeyAuthentication.SchemeName : Selector;
                o.DefaultChallengeScheme = ApiKeyAuthentication.SchemeName;
                o.DefaultForbidScheme = ApiKeyAuthentication.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddPolicyScheme(Selector, "API key or bearer token", o => o.ForwardDefaultSelector = http =>
                jwtAuthority is not null && http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthentication.SchemeName);
        if (jwtAuthority is not null)
        {
            //-- Tokens from the operator's identity provider: the role and jurisdiction claims are named in configuration.
            auth.AddJwtBearer(o =>
            {
                o.Authority = jwtAuthority;
                o.Audience = config["Access:Jwt:Audience"];
                o.RequireHttpsMetadata = config.GetValue("Access:Jwt:RequireHttpsMetadata", true);
                o.TokenValidationParameters.RoleClaimType = config["Access:Jwt:RoleClaim"] ?? "role";
                o.TokenValidationParameters.NameClaimType = config["Access:Jwt:NameClaim"] ?? "sub";
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = c =>
                    {
                        var jurisdiction = c.Principal?.FindFirstValue(config["Access:Jwt:JurisdictionClaim"] ?? "jurisdiction") ?? "";
                        (c.Principal?.Identity as ClaimsIdentity)?.AddClaim(new Claim(Roles.JurisdictionClaim, jurisdiction));
                        return Task.CompletedTask;
                    },
                };
            });
        }

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Roles.Read, p => p.RequireRole(Roles.Permissions[Roles.Read]))
            .AddPolicy(Roles.Lookup, p => p.RequireRole(Roles.Permissions[Roles.Lookup]))
            .AddPolicy(Roles.Households, p => p.RequireRole(Roles.Permissions[Roles.Households]))
            .AddPolicy(Roles.Edit, p => p.RequireRole(Roles.Permissions[Roles.Edit]))
            .AddPolicy(Roles.Administer, p => p.RequireRole(Roles.Permissions[Roles.Administer]))
            .AddPolicy(Roles.People, p => p.RequireAssertion(c => c.User.SeesPeople()));

        int perSecond = config.GetValue("Limits:RequestsPerSecond", 2000);
        int burst = config.GetValue("Limits:Burst", 4000);
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter(
                    http.User.Identity?.IsAuthenticated == true ? "key:" + http.User.Identity.Name : "ip:" + http.Connection.RemoteIpAddress,
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = burst, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0, AutoReplenishment = true,
                    }));
            o.OnRejected = async (c, ct) =>
            {
                c.HttpContext.Response.StatusCode = 429;
                c.HttpContext.Response.Headers.RetryAfter = "1";
                await ApiKeyAuthentication.Problem(c.HttpContext, 429, "Too many requests",
                    $"More than {perSecond} requests per second (burst {burst}) for this key; retry after a second.");
            };
        });

        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = config.GetValue("Limits:MaxBodyMegabytes", 16L) * 1024 * 1024);
        var origins = config.GetSection("Cors:Origins").Get<string[]>() ?? [];
        services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (origins.Contains("*")) p.AllowAnyOrigin(); else p.WithOrigins(origins);
            p.AllowAnyMethod().WithHeaders(ApiKeyAuthentication.Header, "Content-Type", "If-Match", "If-None-Match", "Authorization")
                .WithExposedHeaders("ETag", "Location", "Retry-After");
        }));
        return services;
    }

    /// <summary>Authentication, the cookie's cross-site write check, then the viewer's static files,
    /// rate limiting and authorization.</summary>
    public static WebApplication UseAccess(this WebApplication app, IConfiguration config)
    {
        app.UseCors();
        app.UseAuthentication();
        app.UseCookieWriteGuard(config);
        //-- The viewer's own files (page, script, styles) hold no data and are served to anyone, so a
        //-- browser without a session gets the sign-in form; every request for data is authorized.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The bootstrap administrator key from GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY, if set.</summary>
    public static void EnsureBootstrapKey(IServiceProvider services)
    {
        var key = Environment.GetEnvironmentVariable("GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY");
        if (string.IsNullOrWhiteSpace(key)) return;
        if (key.Length < 16) throw new InvalidOperationException("GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY must be at least 16 characters.");
        var name = Environment.GetEnvironmentVariable("GRIDSPATIAL_BOOTSTRAP_ADMIN_NAME") ?? "bootstrap-admin";
        services.GetRequiredService<ApiKeyStore>().EnsureBootstrapAdminAsync(key, CancellationToken.None, name).GetAwaiter().GetResult();
    }
}

/// <summary>The Hangfire dashboard for administrators only.</summary>
public sealed class AdminDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsGlobalAdmin();
}
