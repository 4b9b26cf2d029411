using System.Globalization;
using GridSpatial.GeoApi.Features.Access;
using System.Buffers;
using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.GeoApi.Features.People;
using GridSpatial.Partitioner.Files;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>Which township, village, grid and micro-grid contain a point; one point or many.</summary>
public static class LookupEndpoints
{
    public const int MaxBatch = 10_000;

    public static IEndpointRouteBuilder MapLookupEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/lookup").WithTags("Lookup").Require(Roles.Lookup);
        g.MapGet("", Get).WithSummary("Codes (and names) of the township, village, grid and micro-grid containing lon/lat; crs= any CRS of the import registry (EPSG:4326 default, 4490, 4491–4554 with lon=easting and lat=northing, gcj02, bd09); source=postgis answers from the database instead of the in-memory index.");
        g.MapPost("", Post).Accepts<JsonElement>("application/json", "application/geo+json").Produces<List<BatchLookupAnswer?>>().WithSummary("The same for up to 10,000 points: a JSON array [[lon,lat],…] or a GeoJSON FeatureCollection of points; results in the same order (null outside every township).");
        return app;
    }

    private static async Task<Results<LookupAnswer.CachedAnswer, Ok<LookupDto>, ProblemHttpResult>> Get(string? lon, string? lat, string? crs, string? source, HttpContext http, LookupIndex index,
        [FromKeyedServices(Database.Read)] NpgsqlDataSource db, ResponsiblePeople people, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(lon) || string.IsNullOrEmpty(lat))
            throw new ApiException(400, "Missing coordinates", "Give lon and lat as query parameters.", new() { ["field"] = string.IsNullOrEmpty(lon) ? "lon" : "lat" });
        var (x, y) = Normalize(Coordinate(lon, "lon"), Coordinate(lat, "lat"), ParseCrs(crs), 0);
        //-- A point outside the caller's jurisdiction is answered as outside every township.
        if (index.Loaded && source != "postgis")
        {
            //-- From memory, the territory's answer and its people (the township's snapshot) as cached bytes.
            var hit = index.Find(x, y);
            if (hit is null || !http.User.Covers(hit.Township.Code)) return Outside(lon, lat);
            var responsible = await people.JsonForAsync(http, hit.Township.Code, hit.MicroGrid.GridCode, hit.MicroGrid.Code, hit.Township.Version, ct);
            return new LookupAnswer.CachedAnswer(x, y, index.Json(hit), hit.Stack.Count > 1, responsible);
        }
        var result = await Fallback(db, x, y, ct);
        if (result is null || !http.User.Covers(result.Township.Code)) return Outside(lon, lat);
        return TypedResults.Ok(result with { Responsible = await people.ForAsync(http, result.Township.Code, result.Grid?.Code, result.MicroGrid?.Code, result.Version, ct) });
    }

    private static ProblemHttpResult Outside(string lon, string lat) =>
        TypedResults.Problem(statusCode: 404, title: "Outside every township", detail: $"No township contains ({lon}, {lat}).");

    private static async Task Post(HttpContext http, string? crs, string? source, LookupIndex index, NpgsqlDataSource db, UnitDirectory units, PersonalDataAudit audit,
        CancellationToken ct)
    {
        bool personal = http.User.SeesPeople();
        var townships = new Dictionary<string, TownshipUnits>(StringComparer.Ordinal);
        var answered = new HashSet<(string Township, string? Grid, string? MicroGrid)>();
        List<Coordinate> points;
        using (var doc = await RequestBody.ReadJsonAsync(http.Request, "lookup", ct)) points = Points(doc.RootElement);
        var coords = new (double X, double Y)[points.Count];
        var from = ParseCrs(crs);
        for (int i = 0; i < points.Count; i++) coords[i] = Normalize(points[i].X, points[i].Y, from, i);

        //-- The index answers the batch together (FindAll: the points' walks through it overlap).
        LookupHit?[]? hits = null;
        if (index.Loaded && source != "postgis") index.FindAll(coords, hits = new LookupHit?[coords.Length]);

        //-- Each answer is the same bytes for every point in one territory: written from a cache,
        //-- ten thousand results take a few milliseconds.
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = http.Response.BodyWriter;
        body.Write("["u8);
        for (int i = 0; i < coords.Length; i++)
        {
            if (i > 0) body.Write(","u8);
            if (hits is not null)
            {
                var hit = hits[i];
                if (hit is null || !http.User.Covers(hit.Township.Code)) body.Write("null"u8);
                else
                {
                    //-- The territory's cached answer, its closing brace replaced by the cached responsible people.
                    var t = await Units(hit.Township.Code, hit.Township.Version);
                    var (grid, micro) = (hit.MicroGrid.GridCode, hit.MicroGrid.Code);
                    answered.Add((t.Township, grid, micro));
                    var answer = index.Json(hit);
                    body.Write(answer.AsSpan(0, answer.Length - 1));
                    body.Write(",\"responsible\":"u8);
                    body.Write(units.ResponsibleJson(t, grid, micro, personal));
                    body.Write("}"u8);
                }
            }
            else
            {
                var dto = await Fallback(db, coords[i].X, coords[i].Y, ct);
                if (dto is not null && !http.User.Covers(dto.Township.Code)) dto = null;
                if (dto is not null)
                {
                    var t = await Units(dto.Township.Code, dto.Version);
                    answered.Add((t.Township, dto.Grid?.Code, dto.MicroGrid?.Code));
                    dto = dto with { Responsible = t.Responsible(dto.Grid?.Code, dto.MicroGrid?.Code, personal) };
                }
                await using var w = new Utf8JsonWriter(body, LookupAnswer.WriterOptions);
                LookupAnswer.Write(w, dto);
            }
            if (i % 1024 == 1023) await body.FlushAsync(ct);
        }
        body.Write("]"u8);
        await body.FlushAsync(ct);
        foreach (var g in answered.GroupBy(a => a.Township))
            audit.Record(http.User, g.Key, http.Request, g.SelectMany(a => townships[g.Key].PersonIds(a.Grid, a.MicroGrid)));

        async ValueTask<TownshipUnits> Units(string code, int version)
        {
            if (!townships.TryGetValue(code, out var t) || t.Version < version) townships[code] = t = await units.ForAsync(code, ct, version);
            return t;
        }
    }

    private static List<Coordinate> Points(JsonElement root)
    {
        var list = new List<Coordinate>();
        IEnumerable<(JsonElement Coords, int Index)> items;
        if (root.ValueKind == JsonValueKind.Array) items = root.EnumerateArray().Select((e, i) => (e, i));
        else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("features", out var fs) && fs.ValueKind == JsonValueKind.Array)
            items = fs.EnumerateArray().Select((f, i) => (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("geometry", out var g) && g.ValueKind == JsonValueKind.Object
                && g.TryGetProperty("coordinates", out var c) ? c : default, i));
        else throw new ApiException(400, "Invalid body", "Send a JSON array [[lon, lat], …] or a GeoJSON FeatureCollection of points.", new() { ["field"] = "$" });
        foreach (var (c, i) in items)
        {
            if (list.Count >= MaxBatch)
                throw new ApiException(413, "Too many points", $"At most {MaxBatch} points per request.", new() { ["field"] = "$" });
            if (c.ValueKind != JsonValueKind.Array || c.GetArrayLength() < 2 || c[0].ValueKind != JsonValueKind.Number || c[1].ValueKind != JsonValueKind.Number)
                throw new ApiException(400, "Invalid point", $"Point #{i} must be [lon, lat] numbers.", new() { ["featureIndex"] = i, ["field"] = "coordinates" });
            list.Add(new Coordinate(c[0].GetDouble(), c[1].GetDouble()));
        }
        return list;
    }

    /// <summary>A coordinate query parameter: a plain decimal number (NumberStyles.Float, invariant
    /// culture). Parsed here, not by the binder, which accepts thousands separators ("1,2" is 12).</summary>
    private static double Coordinate(string value, string name) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ApiException(400, "Invalid coordinate", $"'{name}' must be a decimal number such as 104.65 (no thousands separators).", new() { ["field"] = name });

    /// <summary>The CRS of the points (the registry's names: EPSG:4326 by default, 4490, 4491–4554, gcj02, bd09).</summary>
    private static Crs ParseCrs(string? crs)
    {
        try { return InputCrs.Parse(crs); }
        catch (ArgumentException e) { throw new ApiException(400, "不支持的坐标系 (Unknown CRS)", e.Message, new() { ["field"] = "crs" }); }
    }

    /// <summary>A point as sent (x = easting or longitude) in <paramref name="crs"/>, checked to fit it
    /// (<see cref="CrsFit"/>) and converted to WGS 84.</summary>
    private static (double X, double Y) Normalize(double x, double y, Crs crs, int index)
    {
        if (double.IsFinite(x) && double.IsFinite(y) && CrsFit.Explain(crs, new Envelope(x, x, y, y), null) is { } misfit)
            throw new ApiException(400, "坐标与坐标系不符 (Coordinates do not fit the CRS)", $"Point #{index}: {misfit}",
                new() { ["featureIndex"] = index, ["field"] = "crs" });
        var c = double.IsFinite(x) && double.IsFinite(y) ? crs.ToWgs84(new Coordinate(x, y)) : new Coordinate(x, y);
        double lon = c.X, lat = c.Y;
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || Math.Abs(lon) > 180 || Math.Abs(lat) > 90)
            throw new ApiException(400, "Coordinates out of range", $"Point #{index} ({x}, {y}) is not a longitude/latitude pair.",
                new() { ["featureIndex"] = index, ["field"] = "coordinates" });
        return (lon, lat);
    }

    /// <summary>PostGIS answers while the index is not loaded (start-up).</summary>
    /// <remarks>The townships under the point come first, from the township boundaries (a reference
    /// table on Citus, on every node); then each one's micro-grid is asked for with its code, so the
    /// question goes to that township's shard alone (<see cref="FallbackSql"/>). The current version's
    /// rows are the open ones (valid_to IS NULL, migration 0011), selected explicitly so the partial
    /// GiST index over the open rows answers the point however many versions are kept. The tile
    /// layers (TileLayer) do the same. Of several townships (overlapping borders), the least
    /// micro-grid code answers.</remarks>
    internal static async Task<LookupDto?> Fallback(NpgsqlDataSource db, double lon, double lat, CancellationToken ct)
    {
        var townships = new List<string>();
        await using (var cmd = db.CreateCommand(FallbackTownshipsSql))
        {
            cmd.Parameters.AddWithValue(lon);
            cmd.Parameters.AddWithValue(lat);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) townships.Add(r.GetString(0));
        }
        LookupDto? best = null;
        foreach (var township in townships)
        {
            var found = await FallbackIn(db, township, lon, lat, ct);
            if (found is not null && (best is null || best.MicroGrid is null && found.MicroGrid is not null
                || found.MicroGrid is not null && string.CompareOrdinal(found.MicroGrid.Code, best.MicroGrid!.Code) < 0))
                best = found;
        }
        return best;
    }

    /// <summary>$1, $2: the point; ordered by code.</summary>
    internal const string FallbackTownshipsSql = "SELECT code FROM township WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code";

    /// <summary>$1, $2: the point; $3: the township's code (char(9), so Citus routes it to its shard).</summary>
    internal const string FallbackSql = """
        SELECT t.code, t.name, s.current_version, m.village_code, coalesce(v.name, t.name), m.grid_code, g.household_count,
               m.code, m.kind, m.household_count, m.floor_from, m.floor_to, m.unit
        FROM township t JOIN township_state s ON s.township_code = t.code
        LEFT JOIN LATERAL (
            SELECT * FROM micro_grid x
            WHERE x.township_code = $3 AND x.valid_to IS NULL AND ST_Intersects(x.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
            ORDER BY x.code LIMIT 1) m ON true
        LEFT JOIN grid g ON g.township_code = t.code AND g.valid_to IS NULL AND g.code = m.grid_code
        LEFT JOIN village v ON v.township_code = t.code AND v.code = m.village_code
        WHERE t.code = $3 AND s.township_code = $3
        """;

    private static async Task<LookupDto?> FallbackIn(NpgsqlDataSource db, string township, double lon, double lat, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(FallbackSql);
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        cmd.Parameters.AddTownship(township);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new LookupDto(lon, lat, r.IsDBNull(2) ? 0 : r.GetInt32(2), new Named(r.GetString(0), r.GetString(1)),
            r.IsDBNull(3) ? null : new Named(r.GetString(3), r.GetString(4)),
            r.IsDBNull(5) ? null : new GridRef(r.GetString(5), r.GetInt32(6)),
            r.IsDBNull(7) ? null : new MicroGridRef(r.GetString(7), r.GetString(8), r.GetInt32(9), r.IsDBNull(10) ? null : r.GetInt32(10), r.IsDBNull(11) ? null : r.GetInt32(11),
                r.IsDBNull(12) ? null : r.GetString(12)),
            null);
    }
}

public sealed record Named(string Code, string Name);
public sealed record GridRef(string Code, int HouseholdCount);
/// <summary>A micro-grid in a lookup answer; <see cref="Unit"/> is the unit (单元) of a floor run split by units.</summary>
public sealed record MicroGridRef(string Code, string Kind, int HouseholdCount, int? FloorFrom, int? FloorTo, string? Unit);
/// <summary><see cref="Responsible"/>: the grid's and micro-grid's names and people (names and phones only for keys with the <c>people</c> permission).</summary>
public sealed record LookupDto(double Lon, double Lat, int Version, Named Township, Named? Village, GridRef? Grid, MicroGridRef? MicroGrid, IReadOnlyList<MicroGridRef>? FloorRuns)
{
    public People.Responsible? Responsible { get; init; }
}
