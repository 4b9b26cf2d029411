using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Features.People;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Files;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Areas;

/// <summary><c>POST /api/area</c>: which townships, villages, grids and micro-grids an area (a flood
/// zone, an epidemic circle, a corridor along a river) touches, how much of each and how many of
/// their households lie inside, who is responsible, and the households themselves for keys with the
/// <c>people</c> permission; as JSON, or as an evacuation list in CSV or XLSX.</summary>
public static class AreaEndpoints
{
    public static IEndpointRouteBuilder MapAreaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/area", Post).WithTags("Lookup").Require(Roles.Lookup)
            .Accepts<System.Text.Json.JsonElement>("application/json", "application/geo+json").Produces<AreaAnswer>()
            .WithSummary("An area — a GeoJSON (Multi)Polygon, a Point with radius_m or a (Multi)LineString with buffer_m (bare, as a Feature, or {\"geometry\": …, \"radius_m\": …}) in ?crs= (any CRS of the registry; EPSG:4326 default) — → the townships, villages, grids and micro-grids it touches (area share, households inside, names, responsible people), the households inside (ids, building, floor, unit: keys with the people permission; counts otherwise); ?format=csv|xlsx: the evacuation list sorted by grid, micro-grid, building, floor.");
        return app;
    }

    private static async Task Post(HttpContext http, string? crs, string? format, [FromKeyedServices(Database.Read)] NpgsqlDataSource db, InputLimits limits,
        ResponsiblePeople people, CancellationToken ct)
    {
        if (format is not (null or "json" or "csv" or "xlsx"))
            throw new ApiException(400, "区域查询参数无效 (Invalid area)", "format 应为 json、csv 或 xlsx。format must be json, csv or xlsx.", new() { ["field"] = "format" });
        Crs from;
        try { from = InputCrs.Parse(crs); }
        catch (ArgumentException e) { throw new ApiException(400, "不支持的坐标系 (Unknown CRS)", e.Message, new() { ["field"] = "crs" }); }
        AreaInput area;
        using (var doc = await RequestBody.ReadJsonAsync(http.Request, AreaInput.Layer, ct)) area = AreaInput.Parse(doc.RootElement, from, limits);

        var found = await AreaQuery.RunAsync(db, area.Geometry, http.User.Jurisdiction() ?? "", ct);
        var answer = await AnswerAsync(http, area.Shape, found, people, ct);
        if (format is "csv" or "xlsx") await EvacuationList.WriteAsync(http.Response, answer, format, ct);
        else await http.Response.WriteAsJsonAsync(answer, ct);
    }

    /// <summary>The units with their households inside (counted by code prefix: a micro-grid's code
    /// holds its grid's, village's and township's), names and people.</summary>
    private static async Task<AreaAnswer> AnswerAsync(HttpContext http, AreaShape shape, AreaQuery.Result found, ResponsiblePeople people, CancellationToken ct)
    {
        var inside = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var h in found.Households)
            foreach (var code in new[] { h.Township, h.Village, h.Grid, h.MicroGrid })
                if (code is not null) inside[code] = inside.GetValueOrDefault(code) + 1;
        AreaUnit Unit(AreaQuery.Unit u, string name) =>
            new(u.Code, name, Math.Round(u.Share, 4), u.Households ?? 0, inside.GetValueOrDefault(u.Code)) { Kind = u.Kind, Version = u.Version };

        var townships = found.Units.Where(u => u.Level == 't').OrderBy(u => u.Code, StringComparer.Ordinal).Select(u => Unit(u, u.Name ?? u.Code)).ToList();
        var villages = found.Units.Where(u => u.Level == 'v').Select(u => Unit(u, u.Name ?? u.Code)).ToList();
        //-- A township without village boundaries is its own only village (segment 000): named and measured as the township.
        foreach (var code in found.Units.Where(u => u.Level == 'g').Select(u => u.Code[..12]).Distinct().Where(c => villages.All(v => v.Code != c)))
            if (townships.FirstOrDefault(t => t.Code == code[..9]) is { } t)
                villages.Add(t with { Code = code, HouseholdsInside = inside.GetValueOrDefault(code) });
        villages.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));

        var grids = new List<AreaUnit>();
        var micros = new List<AreaUnit>();
        foreach (var township in found.Units.Where(u => u.Level is 'g' or 'm').GroupBy(u => u.Code[..9]))
        {
            var codes = township.Select(u => u.Code).ToList();
            var responsible = await people.ForUnitsAsync(http, township.Key, codes, township.Max(u => u.Version), ct);
            foreach (var u in township)
            {
                var r = responsible[u.Code];
                (u.Level == 'g' ? grids : micros).Add(Unit(u, r.Name) with { Responsible = r });
            }
        }
        grids.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        micros.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        return new AreaAnswer(shape, found.Households.Count, townships, villages, grids, micros)
        {
            Households = http.User.SeesPeople() ? found.Households : null,
        };
    }
}
