using System.Security.Claims;
using GridSpatial.Partitioner.Codes;

namespace GridSpatial.GeoApi.Features.Access;

/// <summary>The four roles and what each may do. Permissions are authorization policies:
/// <c>read</c> (partitions, reports, tiles, OGC, exports), <c>lookup</c> (point and code
/// lookups, a household's codes), <c>households</c> (household writes), <c>edit</c>
/// (partition, import, redraw, split, merge, pin) and <c>administer</c> (keys, audit, dashboard) — the
/// permission, held by the <c>admin</c> role alone. <c>people</c> (names and phones of grid workers,
/// personal information) is held by admins and by keys granted it on creation (<see cref="PermissionClaim"/>).</summary>
public static class Roles
{
    public const string Viewer = "viewer", Integrator = "integrator", Editor = "editor", Admin = "admin";
    public const string Read = "read", Lookup = "lookup", Households = "households", Edit = "edit", Administer = "administer", People = "people";
    public const string JurisdictionClaim = "gridspatial:jurisdiction";

    /// <summary>An extra permission a key holds beyond its role's (<see cref="People"/>).</summary>
    public const string PermissionClaim = "gridspatial:permission";

    public static readonly IReadOnlyList<string> All = [Viewer, Integrator, Editor, Admin];

    public static readonly IReadOnlyDictionary<string, string[]> Permissions = new Dictionary<string, string[]>
    {
        [Read] = [Viewer, Editor, Admin],
        [Lookup] = [Viewer, Integrator, Editor, Admin],
        [Households] = [Integrator, Editor, Admin],
        [Edit] = [Editor, Admin],
        [Administer] = [Admin],
    };

    /// <summary>The caller's jurisdiction: a code prefix ('' = everywhere); null when anonymous.</summary>
    public static string? Jurisdiction(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(JurisdictionClaim) ?? "" : null;

    /// <summary>Whether the caller is an administrator of everywhere (the only one who sees what
    /// belongs to no township: the dashboard, checks and recomputes of every township).</summary>
    public static bool IsGlobalAdmin(this ClaimsPrincipal user) => user.IsInRole(Admin) && user.Jurisdiction() == "";

    /// <summary>Whether the caller may see personal information (names and phones of people): admins, and keys granted <see cref="People"/>.</summary>
    public static bool SeesPeople(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && (user.IsInRole(Admin) || user.HasClaim(PermissionClaim, People));

    /// <summary>Who is acting, as audits and versions record it: the key's (or token's) name.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    /// <summary>Whether a code (county, township, village, grid or micro-grid) lies in the caller's jurisdiction.</summary>
    public static bool Covers(this ClaimsPrincipal user, string code)
    {
        var j = user.Jurisdiction();
        return j is not null && code.StartsWith(j, StringComparison.Ordinal);
    }

    /// <summary>Whether a parsed code lies in the caller's jurisdiction: the check for codes that arrive in a body.</summary>
    public static bool Covers(this ClaimsPrincipal user, DivisionCode code) => user.Covers(code.Value);
}
