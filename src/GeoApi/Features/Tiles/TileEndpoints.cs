using System.Globalization;
using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner;
using Microsoft.Extensions.Primitives;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Tiles;

/// <summary>Mapbox Vector Tiles 2.1 of every level at <c>/tiles/{layer}/{z}/{x}/{y}.mvt</c>, cut by
/// PostGIS (<c>ST_AsMVT</c>) from stored Web Mercator geometry, simplified by zoom; a TileJSON
/// 3.0 document per layer at <c>/tiles/{layer}.json</c>. ETags are the tile's stamp (the
/// versions of the townships it touches), so a publish changes exactly the tiles it can; tile
/// URLs carrying the current stamp (<c>?v=</c>, as TileJSON gives them) are immutable.</summary>
public static class TileEndpoints
{
    public const string ContentType = "application/vnd.mapbox-vector-tile";
    private const int MaxZoom = 22;
    private const double WorldMeters = 40075016.685578488;

    public static IServiceCollection AddTiles(this IServiceCollection services)
    {
        services.AddSingleton<TileStamps>();
        services.AddSingleton<TileCache>();
        services.AddSingleton(sp => TileLayer.Create(sp.GetRequiredService<PartitionOptions>()).ToDictionary(l => l.Id));
        return services;
    }

    public static IEndpointRouteBuilder MapTileEndpoints(this IEndpointRouteBuilder app, bool publicTiles)
    {
        var g = app.MapGroup("/tiles").WithTags("Vector tiles");
        //-- Anonymous map viewers when the operator makes the viewer public; else a read key.
        if (publicTiles) g.AllowAnonymous(); else g.RequireAuthorization(Roles.Read);
        g.MapGet("/{layer}.json", TileJson).Produces<object>(200, "application/json")
            .WithSummary("TileJSON 3.0 of a layer: townships, villages, grids, micro_grids, labels, barriers, streets, buildings or households; ?crs=gcj02 gives tiles drawn in GCJ-02.");
        g.MapGet("/{layer}/{z:int}/{x:int}/{y:int}.mvt", Tile).Produces(200, contentType: ContentType).Produces(304)
            .WithSummary("A Mapbox Vector Tile (extent 4096, buffer 64) of the published partition; If-None-Match answers 304. ?crs=gcj02 draws it for GCJ-02 base maps (高德 and other Chinese web maps).");
        return app;
    }

    private static IResult TileJson(string layer, HttpRequest request, Dictionary<string, TileLayer> layers, TileStamps stamps)
    {
        if (!layers.TryGetValue(layer, out var l)) throw UnknownLayer(layer, layers);
        var b = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var jurisdiction = request.HttpContext.User.Jurisdiction() ?? "";
        var bounds = stamps.Bounds(jurisdiction);
        var crs = TileCrs.Parse(request.Query["crs"]);
        var crsQuery = crs == TileCrs.Gcj ? "&crs=gcj02" : "";
        return Results.Json(new Dictionary<string, object?>
        {
            ["tilejson"] = "3.0.0",
            ["name"] = l.Id,
            ["description"] = l.Description,
            ["version"] = "1.0.0",
            ["scheme"] = "xyz",
            ["tiles"] = new[] { $"{b}/tiles/{l.Id}/{{z}}/{{x}}/{{y}}.mvt?v={stamps.All(jurisdiction):x16}{crsQuery}" },
            ["minzoom"] = l.MinZoom,
            ["maxzoom"] = MaxZoom,
            ["bounds"] = bounds is null ? new[] { -180.0, -85.0511, 180.0, 85.0511 } : new[] { bounds.MinX, bounds.MinY, bounds.MaxX, bounds.MaxY },
            ["center"] = bounds is null ? null : new[] { bounds.Centre.X, bounds.Centre.Y, Math.Max(l.MinZoom, 13) },
            ["vector_layers"] = new[]
            {
                new { id = l.Id, description = l.Description, minzoom = l.MinZoom, maxzoom = MaxZoom, fields = l.Fields },
            },
        });
    }

    private static async Task<IResult> Tile(string layer, int z, int x, int y, HttpContext http,
        Dictionary<string, TileLayer> layers, TileStamps stamps, TileCache cache, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!layers.TryGetValue(layer, out var l)) throw UnknownLayer(layer, layers);
        if (z is < 0 or > MaxZoom) throw BadTile("z", $"Zoom {z} is outside 0–{MaxZoom}.");
        int n = 1 << z;
        if (x < 0 || x >= n) throw BadTile("x", $"Column {x} is outside 0–{n - 1} at zoom {z}.");
        if (y < 0 || y >= n) throw BadTile("y", $"Row {y} is outside 0–{n - 1} at zoom {z}.");

        //-- Tiles for a GCJ-02 base map show the rows whose GCJ-02 position falls in the tile: stamps,
        //-- cache entries and the rows cut follow the stored extent those rows come from.
        var crs = TileCrs.For(TileCrs.Parse(http.Request.Query["crs"]), z, x, y, LonLatEnvelope(z, x, y));
        var lonLat = crs.Stored;
        //-- A key limited to a county or township sees only its own units: its tiles, and their stamps, are its own.
        var jurisdiction = http.User.Jurisdiction() ?? "";
        var stamp = stamps.For(l, lonLat, jurisdiction);
        var etag = $"\"{l.Id}-{z}-{x}-{y}-{stamp:x16}{(jurisdiction.Length > 0 ? "-" + jurisdiction : "")}{(crs.IsGcj02 ? "-gcj02" : "")}\"";
        var response = http.Response;
        response.Headers.ETag = etag;
        var scope = jurisdiction.Length > 0 ? "private" : "public";
        response.Headers.CacheControl = http.Request.Query["v"] == stamps.All(jurisdiction).ToString("x16", CultureInfo.InvariantCulture)
            ? $"{scope}, max-age=86400, immutable" : $"{scope}, no-cache";
        if (http.Request.Headers.IfNoneMatch.Contains(etag) || http.Request.Headers.IfNoneMatch == "*")
            return Results.StatusCode(StatusCodes.Status304NotModified);

        if (z < l.MinZoom) return Results.Bytes([], ContentType);
        var key = $"{l.Id}|{jurisdiction}|{crs.Name}";
        if (!cache.TryGet(key, z, x, y, stamp, out var data))
        {
            data = await Cut(db, l, z, x, y, jurisdiction, ct, crs, l.ThroughTownship ? stamps.Under(lonLat, jurisdiction) : null);
            cache.Add(key, z, x, y, stamp, data, lonLat);
        }
        return Results.Bytes(data, ContentType);
    }

    /// <summary>Cuts one tile in PostGIS.</summary>
    /// <param name="townships">For a layer drawn through townships: those under the tile (<see cref="TileStamps.Under"/>).</param>
    public static async Task<byte[]> Cut(NpgsqlDataSource db, TileLayer l, int z, int x, int y, string jurisdiction, CancellationToken ct,
        TileCrs? crs = null, string[]? townships = null)
    {
        double tileMeters = WorldMeters / (1 << z);
        bool gcj = crs?.IsGcj02 == true;
        if (l.ThroughTownship && townships is null) throw new ArgumentNullException(nameof(townships), $"layer {l.Id} is drawn through the townships under the tile");
        if (townships is { Length: 0 }) return [];
        await using var cmd = db.CreateCommand(l.SqlFor(gcj, townships?.Length ?? 0));
        cmd.Parameters.AddWithValue(z);
        cmd.Parameters.AddWithValue(x);
        cmd.Parameters.AddWithValue(y);
        cmd.Parameters.AddWithValue(tileMeters / TileLayer.Extent / 2);
        cmd.Parameters.AddWithValue(tileMeters * TileLayer.Buffer / TileLayer.Extent);
        cmd.Parameters.AddWithValue(jurisdiction);
        if (gcj)
            foreach (var v in new[] { crs!.A, crs.B, crs.D, crs.E, crs.XOff, crs.YOff, crs.Stored.MinX, crs.Stored.MinY, crs.Stored.MaxX, crs.Stored.MaxY })
                cmd.Parameters.AddWithValue(v);
        if (townships is [var only]) cmd.Parameters.AddTownship(only);
        else if (townships is not null) cmd.Parameters.AddTownships(townships);
        return await cmd.ExecuteScalarAsync(ct) as byte[] ?? [];
    }

    /// <summary>The tile's envelope in lon/lat, grown by the tile buffer.</summary>
    public static Envelope LonLatEnvelope(int z, int x, int y)
    {
        double n = 1 << z, pad = (double)TileLayer.Buffer / TileLayer.Extent;
        static double Lat(double row, double n) => Math.Atan(Math.Sinh(Math.PI * (1 - 2 * row / n))) * 180 / Math.PI;
        return new Envelope((x - pad) / n * 360 - 180, (x + 1 + pad) / n * 360 - 180, Lat(y + 1 + pad, n), Lat(y - pad, n));
    }

    private static ApiException UnknownLayer(string layer, Dictionary<string, TileLayer> layers) =>
        new(404, "Unknown tile layer", $"There is no tile layer '{layer}'; layers are {string.Join(", ", layers.Keys)}.",
            new() { ["field"] = "layer" });

    private static ApiException BadTile(string field, string detail) =>
        new(400, "Tile outside the grid", detail, new() { ["field"] = field });
}
