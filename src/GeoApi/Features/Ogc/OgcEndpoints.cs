using GridSpatial.GeoApi.Features.Access;
using System.Globalization;
using System.Text;
using GridSpatial.GeoApi.Features.Ogc.Filtering;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>OGC API – Features Part 1 (Core, GeoJSON) at <c>/ogc</c>: landing page,
/// conformance, collections, items with bbox, limit (default 100, max 10,000), offset paging by
/// next links, numberMatched/numberReturned, and single items; Part 2 CRS by reference (each
/// collection's crs list and storageCrs, crs and bbox-crs, the Content-Crs header: <see cref="OgcCrs"/>);
/// Part 3 queryables and filters, sortby and properties (<see cref="ItemsQuery"/>). Every resource refuses a query
/// parameter it does not define. GeoJSON is built by PostGIS (ST_AsGeoJSON) and streamed as it comes.</summary>
public static class OgcEndpoints
{
    public static IEndpointRouteBuilder MapOgcEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/ogc").WithTags("OGC API Features").Require(Roles.Read);
        g.MapGet("", Landing).Produces<object>(200, "application/json").WithSummary("OGC API – Features landing page.");
        g.MapGet("/conformance", Conformance).Produces<object>(200, "application/json").WithSummary("Conformance classes: exactly what is implemented.");
        g.MapGet("/collections", Collections).Produces<object>(200, "application/json").WithSummary("Every collection: townships, villages, grids, micro_grids, households, buildings, barriers, streets, dept_units.");
        g.MapGet("/collections/{id}", Collection).Produces<object>(200, "application/json").WithSummary("One collection with its extent.");
        g.MapGet("/collections/{id}/queryables", Queryables).Produces<object>(200, OgcQueryables.MediaType)
            .WithSummary("The properties a filter may name (JSON Schema): types, Chinese titles, the geometry's format.");
        g.MapGet("/collections/{id}/sortables", Sortables).Produces<object>(200, OgcQueryables.MediaType)
            .WithSummary("The properties sortby may name (JSON Schema).");
        g.MapGet("/collections/{id}/items", Items).Produces<object>(200, "application/geo+json").WithItemsParameters()
            .WithSummary("Features as GeoJSON in ?crs= (one of the collection's crs list, in its axis order; CRS84 by default), filtered by bbox (in bbox-crs), queryables as parameters (?kind=floor), filter (CQL2 text), sorted by sortby, with the properties asked for; limit (≤ 10,000) and offset page, next links keep every parameter.");
        g.MapGet("/collections/{id}/items/{fid}", Item).Produces<object>(200, "application/geo+json").WithItemParameters()
            .WithSummary("One feature, in ?crs= (one of the collection's crs list; CRS84 by default).");
        return app;
    }

    private static IResult Landing(HttpRequest r)
    {
        OgcProblem.RejectUnknown(r.Query, []);
        var b = Base(r);
        return Results.Json(new
        {
            title = "GridSpatial",
            description = "Governance grids (网格) and micro-grids (微网格) of Chinese townships, with households, buildings and barriers.",
            links = new object[]
            {
                Link($"{b}/ogc", "self", "application/json", "This document"),
                Link(b + OpenApiContract.Path, "service-desc", OpenApiContract.MediaType, $"The API definition (OpenAPI {OpenApiContract.Version})"),
                Link($"{b}/docs", "service-doc", "text/html", "The API documentation"),
                Link($"{b}/ogc/conformance", "conformance", "application/json", "Conformance classes"),
                Link($"{b}/ogc/collections", "data", "application/json", "The collections"),
            },
        });
    }

    /// <summary>What is implemented, and nothing else: Part 1 (core, GeoJSON), Part 2 (crs), Part 3
    /// (queryables, queryables as parameters, filter, features filter), CQL2 text with basic CQL2,
    /// advanced comparisons (LIKE, BETWEEN, IN) and the spatial functions over any WKT literal,
    /// sorting (sortby) and property selection (properties). Not oas30: the service describes itself
    /// in OpenAPI 3.1 (its service-desc link says so), for which OGC defines no class yet.</summary>
    internal static readonly string[] ConformanceClasses =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
        "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
        "http://www.opengis.net/spec/ogcapi-features-8/1.0/conf/sorting",
        "http://www.opengis.net/spec/ogcapi-features-6/1.0/conf/property-selection",
    ];

    private static IResult Conformance(HttpRequest r)
    {
        OgcProblem.RejectUnknown(r.Query, []);
        return Results.Json(new { conformsTo = ConformanceClasses });
    }

    private static IResult Queryables(string id, HttpRequest r) => Schema(id, r, "queryables");

    private static IResult Sortables(string id, HttpRequest r) => Schema(id, r, "sortables");

    private static IResult Schema(string id, HttpRequest r, string kind)
    {
        OgcProblem.RejectUnknown(r.Query, []);
        var c = Find(id);
        return Results.Json(OgcQueryables.Document(c, $"{Base(r)}/ogc/collections/{c.Id}/{kind}", kind == "sortables"), contentType: OgcQueryables.MediaType);
    }

    private static async Task<IResult> Collections(HttpRequest r, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        OgcProblem.RejectUnknown(r.Query, []);
        var list = new List<object>();
        var extent = await Extent(db, r.HttpContext.User.Jurisdiction() ?? "", ct);
        foreach (var c in OgcLayer.All) list.Add(Describe(c, r, extent));
        return Results.Json(new
        {
            links = new[] { Link($"{Base(r)}/ogc/collections", "self", "application/json", "Collections") },
            collections = list,
        });
    }

    private static async Task<IResult> Collection(string id, HttpRequest r, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        //-- A collection's URL may carry the items query (GDAL's OAPIF driver sends the query of its
        //-- dataset URL with every request): checked as the items would check it, and kept in the items link.
        var c = Find(id);
        var extent = await Extent(db, r.HttpContext.User.Jurisdiction() ?? "", ct);
        var query = ItemsQuery.Parse(c, r.Query, OgcCrs.Supported(extent));
        return Results.Json(Describe(c, r, extent, query.Conditions));
    }

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

    private static object Describe(OgcLayer c, HttpRequest r, double[]? bbox, string itemsQuery = "")
    {
        var b = $"{Base(r)}/ogc/collections/{c.Id}";
        return new
        {
            id = c.Id,
            title = c.Title,
            description = c.Description,
            itemType = "feature",
            crs = OgcCrs.Supported(bbox).Select(x => x.Uri),
            storageCrs = OgcCrs.Crs84Uri,
            extent = new { spatial = new { bbox = new[] { bbox ?? [-180, -90, 180, 90] }, crs = OgcCrs.Crs84Uri } },
            links = new object[]
            {
                Link(b, "self", "application/json", c.Title),
                Link($"{b}/items{itemsQuery}", "items", "application/geo+json", c.Title + " as GeoJSON"),
                Link($"{b}/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", OgcQueryables.MediaType, "可查询属性 (queryables)"),
                Link($"{b}/sortables", "http://www.opengis.net/def/rel/ogc/1.0/sortables", OgcQueryables.MediaType, "可排序属性 (sortables)"),
            },
        };
    }

    /// <summary>The two statements of an items page (how many match; the page) and their arguments.</summary>
    internal static (string Count, string Page, SqlArguments Args) ItemsSql(OgcLayer c, ItemsQuery query, string jurisdiction)
    {
        var args = new SqlArguments();
        var where = query.Where(jurisdiction, args);
        return ($"SELECT count(*) FROM {c.From} {where}",
            $"SELECT {OgcFeatures.Columns(c, query.Selected, query.Crs)} FROM {c.From} {where} {query.OrderBy()} LIMIT {query.Limit} OFFSET {query.Offset}", args);
    }

    private static async Task Items(string id, HttpContext http, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, CancellationToken ct)
    {
        var c = Find(id);
        var jurisdiction = http.User.Jurisdiction() ?? "";
        var query = ItemsQuery.Parse(c, http.Request.Query, OgcCrs.Supported(await Extent(db, jurisdiction, ct)));
        var (countSql, pageSql, args) = ItemsSql(c, query, jurisdiction);

        await using var conn = await db.OpenConnectionAsync(ct);
        long matched;
        await using (var count = new NpgsqlCommand(countSql, conn))
        {
            args.AddTo(count);
            matched = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        await using var cmd = new NpgsqlCommand(pageSql, conn);
        args.AddTo(cmd);
        var features = new List<string>(Math.Min(query.Limit, 1024));
        await using (var rd = await cmd.ExecuteReaderAsync(ct))
            while (await rd.ReadAsync(ct)) features.Add(OgcFeatures.Read(rd, query.Crs));

        var self = $"{Base(http.Request)}/ogc/collections/{c.Id}/items";
        var links = new List<object> { Link(self + query.At(query.Offset), "self", "application/geo+json", "This page") };
        if (query.Offset + features.Count < matched) links.Add(Link(self + query.At(query.Offset + features.Count), "next", "application/geo+json", "Next page"));
        if (query.Offset > 0) links.Add(Link(self + query.At(Math.Max(0, query.Offset - query.Limit)), "prev", "application/geo+json", "Previous page"));
        links.Add(Link($"{Base(http.Request)}/ogc/collections/{c.Id}", "collection", "application/json", c.Title));

        http.Response.ContentType = "application/geo+json";
        http.Response.Headers["Content-Crs"] = query.Crs.Header;
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
        OgcProblem.RejectUnknown(r.Query, ["crs"]);
        var c = Find(id);
        var jurisdiction = r.HttpContext.User.Jurisdiction() ?? "";
        var crs = r.Query.TryGetValue("crs", out var asked) ? OgcCrs.Parse(asked.ToString(), OgcCrs.Supported(await Extent(db, jurisdiction, ct)), "crs") : OgcCrs.Crs84;
        //-- The feature's township, bound: one township's rows (on Citus its shard) are read. Every feature id but
        //-- a household's starts with its township's code (codes; township:id); a household's is in its locator.
        var township = c.Id == "households" ? await HouseholdLocator.TownshipOfAsync(db, fid, ct) : fid.Length >= 9 ? fid[..9] : null;
        if (township is null || !township.All(char.IsAsciiDigit)) throw ApiException.NotFound($"Collection {id} has no feature '{fid}'.");
        await using var cmd = db.CreateCommand(ItemSql(c, crs));
        cmd.Parameters.AddWithValue(fid);
        cmd.Parameters.AddWithValue(jurisdiction);
        cmd.Parameters.AddTownship(township);
        await using var rd = await cmd.ExecuteReaderAsync(ct);
        if (!await rd.ReadAsync(ct)) throw ApiException.NotFound($"Collection {id} has no feature '{fid}'.");
        r.HttpContext.Response.Headers["Content-Crs"] = crs.Header;
        return Results.Text(OgcFeatures.Read(rd, crs), "application/geo+json");
    }

    /// <summary>One feature: $1 = feature id, $2 = the caller's jurisdiction (a code prefix), $3 = its township (char(9)).</summary>
    internal static string ItemSql(OgcLayer c, OgcCrs crs) =>
        $"SELECT {OgcFeatures.Columns(c, c.Properties, crs)} FROM {c.From} WHERE {c.FeatureId} = $1 AND {c.TownshipColumn} = $3 AND {c.TownshipColumn} LIKE $2 || '%' LIMIT 1";

    internal static OgcLayer Find(string id) =>
        OgcLayer.All.FirstOrDefault(c => c.Id == id) ?? throw ApiException.NotFound($"There is no collection '{id}'.");

    private static string Base(HttpRequest r) => $"{r.Scheme}://{r.Host}{r.PathBase}";

    private static object Link(string href, string rel, string type, string title) => new { href, rel, type, title };
}
