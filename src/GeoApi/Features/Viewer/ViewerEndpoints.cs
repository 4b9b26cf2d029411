using GridSpatial.GeoApi.Features.Access;

namespace GridSpatial.GeoApi.Features.Viewer;

/// <summary><c>GET /api/viewer/config</c>: what the viewer page is configured with — the base maps
/// it may offer (<see cref="BaseMap"/>, from <c>Viewer:BaseMaps</c>) and the one it opens on
/// (<c>Viewer:DefaultBaseMap</c>; none by default, so a service without internet shows its plain
/// background). Entries disabled or missing their key are not offered.</summary>
public static class ViewerEndpoints
{
    /// <summary>A base map as the page gets it: URLs ready to ask.</summary>
    public sealed record BaseMapDto(string Id, string Name, string? NameEn, string Crs, string[] Tiles, string[] Annotation,
        string Attribution, int TileSize, int MinZoom, int MaxZoom);

    public sealed record ViewerConfig(IReadOnlyList<BaseMapDto> BaseMaps, string? DefaultBaseMap);

    /// <summary>Reads and checks the configuration once, at start-up: a wrong entry stops the service, naming it.</summary>
    public static IServiceCollection AddViewer(this IServiceCollection services, IConfiguration config)
    {
        var entries = config.GetSection("Viewer:BaseMaps").Get<BaseMap[]>() ?? [];
        var problems = entries.Select((b, i) => b.Problem(i)).OfType<string>().ToList();
        if (entries.Select(b => b.Id).Distinct(StringComparer.Ordinal).Count() != entries.Length) problems.Add("Viewer:BaseMaps: two entries share an Id.");
        if (problems.Count > 0) throw new InvalidOperationException("Viewer:BaseMaps is not valid: " + string.Join(" ", problems));
        var offered = entries.Where(b => b.Enabled && !b.MissingKey).Select(b => new BaseMapDto(b.Id, b.Name, b.NameEn,
            string.Equals(b.Crs, "gcj02", StringComparison.OrdinalIgnoreCase) ? "gcj02" : "wgs84", b.Expand(b.Tiles), b.Expand(b.Annotation),
            b.Attribution, b.TileSize, b.MinZoom, b.MaxZoom)).ToList();
        var wanted = config["Viewer:DefaultBaseMap"];
        services.AddSingleton(new ViewerConfig(offered, offered.Any(b => b.Id == wanted) ? wanted : null));
        return services;
    }

    public static IEndpointRouteBuilder MapViewerEndpoints(this IEndpointRouteBuilder app, bool publicViewer)
    {
        var route = app.MapGet("/api/viewer/config", (ViewerConfig c) => TypedResults.Ok(c)).WithTags("Viewer")
            .WithSummary("The viewer's base maps (XYZ/WMTS raster, with key, CRS and attribution) and the one it opens on; none unless configured.");
        //-- As the tiles: anonymous when the operator makes the viewer public, else a read key.
        if (publicViewer) route.AllowAnonymous(); else route.Require(Roles.Read);
        return app;
    }
}
