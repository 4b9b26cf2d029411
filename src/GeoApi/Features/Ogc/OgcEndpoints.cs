using GridSpatial.GeoApi.Features.Access;
using System.Globalization;
using System.Text;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>OGC API – Features Part 1 (Core, GeoJSON) at <c>/ogc</c>: landing page,
/// conformance, collections, items with bbox, limit (default 100, max 10,000), offset paging by
/// next links, numberMatched/numberReturned, CRS84, and single items. GeoJSON is built by
/// PostGIS (ST_AsGeoJSON) and streamed as it comes.</summary>
public static class OgcEndpoints
{
    private const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    private const int DefaultLimit = 100, MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapOgcEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/ogc").WithTags("OGC API Features").Require(Roles.Read);
        g.MapGet("", Landing).Produces<object>(200, "application/json").WithSummary("OGC API – Features landing page.");
        g.MapGet("/conformance", Conformance).Produces<object>(200, "application/json").WithSummary("Conformance classes.");
        g.MapGet("/collections", Collections).Produces<object>(200, "application/json").WithSummary("Every collection: townships, villages, grids, micro_grids, households, buildings, barriers.");
        g.MapGet("/collections/{id}", Collection).Produces<object>(200, "application/json").WithSummary("One collection with its extent.");
        g.MapGet("/collections/{id}/items", Items).Produces<object>(200, "application/geo+json").WithSummary("Features as GeoJSON: bbox=minLon,minLat,maxLon,maxLat, limit (≤ 10,000), offset; next links page on.");
        g.MapGet("/collections/{id}/items/{fid}", Item).Produces<object>(200, "application/geo+json").WithSummary("One feature.");
        return app;
    }

    private static IResult Landing(HttpRequest r)
    {
        var b = Base(r);
        return Results.Json(new
        {
            title = "GridSpatial",
            description = "Governance grids (网格) and micro-grids (微网格) of Chinese townships, with households, buildings and barriers.",
            links = new object[]
            {
                Link($"{b}/ogc", "self", "application/json", "This document"),
                Link($"{b}/openapi/v1.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "The API definition"),
                Link($"{b}/docs", "service-doc", "text/html", "The API documentation"),
                Link($"{b}/ogc/conformance", "conformance", "application/json", "Conformance classes"),
                Link($"{b}/ogc/collections", "data", "application/json", "The collections"),
            },
        });
    }

    private static readonly string[] ConformanceClasses =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    ];

    private static IResult Conformance() => Results.Json(new { conformsTo = ConformanceClasses });

    private static async Task<IResult> Collections(HttpRequest r, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        var list = new List<object>();
        var extent = await Extent(db, r.HttpContext.User.Jurisdiction() ?? "", ct);
        foreach (var c in OgcLayer.All) list.Add(Describe(c, r, extent));
        return Results.Json(new
        {
            links = new[] { Link($"{Base(r)}/ogc/collections", "self", "application/json", "Collections") },
            collections = list,
        });
    }

    private static async Task<IResult> Collection(string id, HttpRequest r, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct) =>
        Results.Json(Describe(Find(id), r, await Extent(db, r.HttpContext.User.Jurisdiction() ?? "", ct)));

    /// <summary>The extent of every collection as the caller may see it: all of them lie inside the
    /// townships of the caller's jurisdiction (a code prefix), whose table is small, so one aggregate
    /// over it replaces a scan of households or buildings per request; townships elsewhere never widen it.</summary>
    private static async Task<double[]?> Extent(NpgsqlDataSource db, string jurisdiction, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM township WHERE code LIKE $1 || '%') q");
        cmd.Parameters.AddWithValue(jurisdiction);
        await using var rd = await cmd.ExecuteReaderAsync(ct);
        return await rd.ReadAsync(ct) && !rd.IsDBNull(0) ? [rd.GetDouble(0), rd.GetDouble(1), rd.GetDouble(2), rd.GetDouble(3)] : null;
    }

    private static object Describe(OgcLayer c, HttpRequest r, double[]? bbox)
    {
        var b = $"{Base(r)}/ogc/collections/{c.Id}";
        return new
        {
            id = c.Id,
            title = c.Title,
            description = c.Description,
            itemType = "feature",
            crs = new[] { Crs84 },
            extent = new { spatial = new { bbox = new[] { bbox ?? [-180, -90, 180, 90] }, crs = Crs84 } },
            links = new object[]
            {
                Link(b, "self", "application/json", c.Title),
                Link($"{b}/items", "items", "application/geo+json", c.Title + " as GeoJSON"),
            },
        };
    }

    private static async Task Items(string id, HttpContext http, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        var c = Find(id);
        var q = http.Request.Query;
        int limit = ParseInt(q["limit"], DefaultLimit, 1, int.MaxValue, "limit");
        limit = Math.Min(limit, MaxLimit);
        int offset = ParseInt(q["offset"], 0, 0, int.MaxValue, "offset");
        var bbox = ParseBbox(q["bbox"]);
        var township = q["township"].ToString();
        //-- Only the caller's jurisdiction ($1, a code prefix); then the bbox and township filters.
        var column = c.TownshipColumn;
        var where = new StringBuilder($"WHERE {column} LIKE $1 || '%'");
        if (bbox is not null) where.Append($" AND {c.Geometry} && ST_MakeEnvelope($2, $3, $4, $5, 4326) AND ST_Intersects({c.Geometry}, ST_MakeEnvelope($2, $3, $4, $5, 4326))");
        if (township.Length > 0) where.Append($" AND {column} = ${(bbox is null ? 2 : 6)}");
        var jurisdiction = http.User.Jurisdiction() ?? "";

        await using var conn = await db.OpenConnectionAsync(ct);
        long matched;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM {c.From} {where}", conn))
        {
            AddFilter(count, jurisdiction, bbox, township);
            matched = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        await using var cmd = new NpgsqlCommand($"""
            SELECT json_build_object('type', 'Feature', 'id', {c.FeatureId}, 'geometry', ST_AsGeoJSON({c.Geometry}, 9)::json,
                                     'properties', json_build_object({c.Properties}))::text
            FROM {c.From} {where} ORDER BY {c.FeatureId} LIMIT {limit} OFFSET {offset}
            """, conn);
        AddFilter(cmd, jurisdiction, bbox, township);
        var features = new List<string>(Math.Min(limit, 1024));
        await using (var rd = await cmd.ExecuteReaderAsync(ct))
            while (await rd.ReadAsync(ct)) features.Add(rd.GetString(0));

        var self = $"{Base(http.Request)}/ogc/collections/{c.Id}/items";
        string Query(int off)
        {
            var parts = new List<string> { $"limit={limit}", $"offset={off}" };
            if (bbox is not null) parts.Add("bbox=" + string.Join(",", bbox.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            if (township.Length > 0) parts.Add("township=" + Uri.EscapeDataString(township));
            return "?" + string.Join("&", parts);
        }
        var links = new List<object> { Link(self + Query(offset), "self", "application/geo+json", "This page") };
        if (offset + features.Count < matched) links.Add(Link(self + Query(offset + features.Count), "next", "application/geo+json", "Next page"));
        if (offset > 0) links.Add(Link(self + Query(Math.Max(0, offset - limit)), "prev", "application/geo+json", "Previous page"));
        links.Add(Link($"{Base(http.Request)}/ogc/collections/{c.Id}", "collection", "application/json", c.Title));

        http.Response.ContentType = "application/geo+json";
        http.Response.Headers["Content-Crs"] = $"<{Crs84}>";
        await using var w = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 1 << 16);
        await w.WriteAsync("{\"type\":\"FeatureCollection\",\"numberMatched\":");
        await w.WriteAsync(matched.ToString(CultureInfo.InvariantCulture));
        await w.WriteAsync(",\"numberReturned\":");
        await w.WriteAsync(features.Count.ToString(CultureInfo.InvariantCulture));
        await w.WriteAsync(",\"timeStamp\":\"");
        await w.WriteAsync(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        await w.WriteAsync("\",\"links\":");
        await w.WriteAsync(System.Text.Json.JsonSerializer.Serialize(links));
        await w.WriteAsync(",\"features\":[");
        for (int i = 0; i < features.Count; i++)
        {
            if (i > 0) await w.WriteAsync(',');
            await w.WriteAsync(features[i]);
        }
        await w.WriteAsync("]}");
    }

    private static async Task<IResult> Item(string id, string fid, HttpRequest r, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        var c = Find(id);
        await using var cmd = db.CreateCommand($"""
            SELECT json_build_object('type', 'Feature', 'id', {c.FeatureId}, 'geometry', ST_AsGeoJSON({c.Geometry}, 9)::json,
                                     'properties', json_build_object({c.Properties}))::text
            FROM {c.From} WHERE {c.FeatureId} = $1 AND {c.TownshipColumn} LIKE $2 || '%' LIMIT 1
            """);
        cmd.Parameters.AddWithValue(fid);
        cmd.Parameters.AddWithValue(r.HttpContext.User.Jurisdiction() ?? "");
        return await cmd.ExecuteScalarAsync(ct) is string json
            ? Results.Text(json, "application/geo+json")
            : throw ApiException.NotFound($"Collection {id} has no feature '{fid}'.");
    }

    private static void AddFilter(NpgsqlCommand cmd, string jurisdiction, double[]? bbox, string township)
    {
        cmd.Parameters.AddWithValue(jurisdiction);
        if (bbox is not null)
            for (int i = 0; i < 4; i++) cmd.Parameters.AddWithValue(bbox[i]);
        if (township.Length > 0) cmd.Parameters.AddWithValue(township);
    }

    private static OgcLayer Find(string id) =>
        OgcLayer.All.FirstOrDefault(c => c.Id == id) ?? throw ApiException.NotFound($"There is no collection '{id}'.");

    private static int ParseInt(string? s, int fallback, int min, int max, string field)
    {
        if (string.IsNullOrEmpty(s)) return fallback;
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
        throw new ApiException(400, "Invalid parameter", $"'{field}' must be a whole number of at least {min}.", new() { ["field"] = field });
    }

    private static double[]? ParseBbox(string? s)
    {
        if (string.IsNullOrEmpty(s)) return null;
        var parts = s.Split(',');
        var v = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN).ToArray();
        if (v.Length != 4 || v.Any(d => !double.IsFinite(d)) || v[0] > v[2] || v[1] > v[3] || Math.Abs(v[0]) > 180 || Math.Abs(v[2]) > 180 || Math.Abs(v[1]) > 90 || Math.Abs(v[3]) > 90)
            throw new ApiException(400, "Invalid bbox", "bbox must be minLon,minLat,maxLon,maxLat in CRS84.", new() { ["field"] = "bbox" });
        return v;
    }

    private static string Base(HttpRequest r) => $"{r.Scheme}://{r.Host}{r.PathBase}";

    private static object Link(string href, string rel, string type, string title) => new { href, rel, type, title };
}
