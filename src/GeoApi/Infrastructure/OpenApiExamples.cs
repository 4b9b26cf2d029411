using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Request and response examples in the OpenAPI document, per endpoint, so an
/// integrating system sees real payloads (the sample township's codes) next to each operation.</summary>
public static class OpenApiExamples
{
    private const string Township = """{"type":"Feature","properties":{"code":"530627118","name":"木卓镇"},"geometry":{"type":"Polygon","coordinates":[[[104.86,27.43],[104.88,27.43],[104.88,27.45],[104.86,27.45],[104.86,27.43]]]}}""";
    private const string Households = """{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"B53062711820100012-1","building_id":"B53062711820100012","address":"木卓村上寨组3号","persons":4},"geometry":{"type":"Point","coordinates":[104.8712,27.4389]}}]}""";
    private const string Lookup = """{"lon":104.8712,"lat":27.4389,"version":3,"township":{"code":"530627118","name":"木卓镇"},"village":{"code":"530627118201","name":"木卓村民委员会"},"grid":{"code":"530627118201002","householdCount":312},"microGrid":{"code":"530627118201002007","kind":"cluster","householdCount":10,"floorFrom":null,"floorTo":null,"unit":null},"floorRuns":null}""";
    //-- A batch answer has no point (answers are cached per territory) and floorRuns only where floors stack.
    private const string BatchLookup = """{"version":3,"township":{"code":"530627118","name":"木卓镇"},"village":{"code":"530627118201","name":"木卓村民委员会"},"grid":{"code":"530627118201002","householdCount":312},"microGrid":{"code":"530627118201002007","kind":"cluster","householdCount":10,"floorFrom":null,"floorTo":null,"unit":null}}""";
    private const string Attributes = """{"code":"530627118201002","level":"grid","status":"current","name":"第一中学网格","nameGenerated":false,"type":"dedicated","typeLabel":"专属网格","subtype":"school","subtypeLabel":"学校","areaM2":412345.6,"organisation":"木卓镇第一中学","remarks":null,"needsReview":false,"inheritedFrom":[]}""";
    private const string Person = """{"id":7,"jurisdiction":"530627118","role":"full_time","roleLabel":"专职网格员","name":"李梅","phone":"13812345678","organisation":"木卓镇综治中心"}""";
    private const string UnitPerson = """{"assignmentId":12,"personId":7,"role":"full_time","roleLabel":"专职网格员","name":"李梅","phone":"13812345678","organisation":"木卓镇综治中心","validFrom":"2026-01-01","validTo":null,"inheritedFrom":null}""";
    private const string Household = """{"type":"Feature","properties":{"building_id":"B53062711820100012","floor":null,"unit":null,"room":null,"address":"木卓村上寨组3号","persons":5},"geometry":{"type":"Point","coordinates":[104.8712,27.4389]}}""";

    private static readonly Dictionary<string, (string? Request, string? Response)> Examples = new(StringComparer.OrdinalIgnoreCase)
    {
        ["POST api/townships"] = (Township, """{"layer":"townships","received":1,"inserted":1,"updated":0}"""),
        ["POST api/townships/{code}/{layer}"] = (Households, """{"layer":"households","received":1,"inserted":1,"updated":0}"""),
        ["GET api/lookup"] = (null, Lookup),
        ["POST api/lookup"] = ("[[104.8712,27.4389],[104.8655,27.4402]]", "[" + BatchLookup + "," + BatchLookup + "]"),
        ["PUT api/households/{id}"] = (Household, null),
        ["PATCH api/households/{id}"] = ("""{"properties":{"persons":5}}""", null),
        ["GET api/households/{id}/grid"] = (null, """{"householdId":"B53062711820100012-1","version":3,"recomputePending":false,"township":{"code":"530627118","name":"木卓镇"},"village":{"code":"530627118201","name":"木卓村民委员会"},"gridCode":"530627118201002","microGridCode":"530627118201002007","kind":"cluster"}"""),
        ["POST api/townships/{code}/partition"] = (null, """{"jobId":"42","township":"530627118","statusUrl":"/api/jobs/42"}"""),
        ["GET api/townships"] = (null, """[{"code":"530627118","name":"木卓镇","kind":"town","urban":false,"bbox":[104.8145,27.4034,104.9334,27.4798],"villages":11,"buildings":2717,"households":6000,"currentVersion":3,"dataVersion":1,"dirtySince":null}]"""),
        ["GET api/townships/{code}"] = (null, """{"code":"530627118","name":"木卓镇","kind":"town","urban":false,"bbox":[104.8145,27.4034,104.9334,27.4798],"villages":11,"buildings":2717,"households":6000,"currentVersion":3,"dataVersion":1,"dirtySince":null}"""),
        ["GET api/jobs/{id}"] = (null, """{"id":"42","state":"Succeeded","township":"530627118","createdAt":"2026-11-25T08:53:01Z","startedAt":"2026-11-25T08:53:01Z","finishedAt":"2026-11-25T08:53:03Z","error":null,"result":"published version 3 data version 1","history":[{"state":"Enqueued","at":"2026-11-25T08:53:01Z","reason":null,"error":null},{"state":"Processing","at":"2026-11-25T08:53:01Z","reason":null,"error":null},{"state":"Succeeded","at":"2026-11-25T08:53:03Z","reason":null,"error":null}]}"""),
        ["GET api/townships/{code}/versions"] = (null, """[{"version":1,"createdAt":"2026-11-25T08:22:40Z","author":"cli","reason":"sample data","dataVersion":1,"current":true,"grids":15,"microGrids":591}]"""),
        ["GET api/townships/{code}/versions/{version}"] = (null, """{"version":1,"createdAt":"2026-11-25T08:22:40Z","author":"cli","reason":"sample data","dataVersion":1,"current":true,"grids":15,"microGrids":591,"report":{"micro_grids":591,"grids":15,"gap_area_ratio":3.5e-11}}"""),
        ["GET api/townships/{code}/versions/{a}/diff/{b}"] = (null, """{"township":"530627118","from":1,"to":2,"added":[{"code":"530627118201002031","level":"micro_grid","change":"added","householdsBefore":null,"householdsAfter":9}],"removed":[],"reshaped":[{"code":"530627118201002007","level":"micro_grid","change":"reshaped","householdsBefore":10,"householdsAfter":11}],"households":[{"householdId":"B53062711820100012-1","from":"530627118201002007","to":"530627118201002031"}]}"""),
        ["GET api/townships/{code}/report"] = (null, """{"township_code":"530627118","version":3,"households":6000,"micro_grids":591,"grids":15,"cluster_share_8_12":0.987,"cluster_share_5_15":1,"gap_area_ratio":3.5e-11,"overlap_area_ratio":0,"coverage_exact":true,"non_contiguous":0,"households_outside_own_territory":0,"polsby_popper_mean":0.52,"vertices_mean":23.3,"border_on_guides_share":0.46,"code_stability":1,"territory_stability":1}"""),
        ["GET api/households/{id}"] = (null, Household),
        ["GET ogc"] = (null, """{"title":"GridSpatial","description":"Governance grids","links":[{"href":"http://127.0.0.1:5080/ogc/collections","rel":"data","type":"application/json","title":"The collections"}]}"""),
        ["GET ogc/conformance"] = (null, """{"conformsTo":["http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core","http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson","http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"]}"""),
        ["GET ogc/collections"] = (null, """{"links":[],"collections":[{"id":"micro_grids","title":"Micro-grids (微网格)","itemType":"feature","crs":["http://www.opengis.net/def/crs/OGC/1.3/CRS84","http://www.opengis.net/def/crs/EPSG/0/4490","http://www.opengis.net/def/crs/EPSG/0/4523","http://www.opengis.net/def/crs/EPSG/0/3857"],"storageCrs":"http://www.opengis.net/def/crs/OGC/1.3/CRS84","extent":{"spatial":{"bbox":[[104.81,27.40,104.93,27.48]]}},"links":[{"href":"http://127.0.0.1:5080/ogc/collections/micro_grids/items","rel":"items","type":"application/geo+json"}]}]}"""),
        ["GET ogc/collections/{id}"] = (null, """{"id":"grids","title":"Grids (网格)","itemType":"feature","crs":["http://www.opengis.net/def/crs/OGC/1.3/CRS84","http://www.opengis.net/def/crs/EPSG/0/4490","http://www.opengis.net/def/crs/EPSG/0/4523","http://www.opengis.net/def/crs/EPSG/0/3857"],"storageCrs":"http://www.opengis.net/def/crs/OGC/1.3/CRS84","extent":{"spatial":{"bbox":[[104.81,27.40,104.93,27.48]]}},"links":[]}"""),
        ["GET ogc/collections/{id}/items"] = (null, """{"type":"FeatureCollection","numberMatched":591,"numberReturned":1,"links":[{"href":"http://127.0.0.1:5080/ogc/collections/micro_grids/items?limit=1&offset=1","rel":"next","type":"application/geo+json"}],"features":[{"type":"Feature","id":"530627118001001001","geometry":{"type":"MultiPolygon","coordinates":[]},"properties":{"code":"530627118001001001","kind":"floor","household_count":9,"floor_from":1,"floor_to":3,"unit":"1"}}]}"""),
        ["GET ogc/collections/{id}/items/{fid}"] = (null, """{"type":"Feature","id":"530627118001001","geometry":{"type":"MultiPolygon","coordinates":[]},"properties":{"code":"530627118001001","village_code":"530627118001","household_count":319}}"""),
        ["GET api/townships/{code}/export/micro_grids.geojson"] = (null, """{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]},"properties":{"code":"530627118201002007","grid_code":"530627118201002","village_code":"530627118201","kind":"cluster","household_count":10,"building_id":null,"floor_from":null,"floor_to":null,"unit":null}}]}"""),
        ["GET api/townships/{code}/export/grids.geojson"] = (null, """{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]},"properties":{"code":"530627118201002","village_code":"530627118201","household_count":312}}]}"""),
        ["GET api/townships/{code}/export/assignments.csv"] = (null, "\"household_id,micro_grid_code,grid_code\\nB53062711820100012-1,530627118201002007,530627118201002\\n\""),
        ["GET api/codes/{code}/attributes"] = (null, Attributes),
        ["PATCH api/codes/{code}/attributes"] = ("""{"name":"第一中学网格","type":"dedicated","subtype":"school","organisation":"木卓镇第一中学"}""", Attributes),
        ["GET api/codes/{code}/people"] = (null, "[" + UnitPerson + "]"),
        ["POST api/codes/{code}/people"] = ("""{"personId":7,"validFrom":"2026-01-01","validTo":null}""", UnitPerson),
        ["GET api/people"] = (null, "[" + Person + "]"),
        ["POST api/people"] = ("""{"name":"李梅","role":"full_time","phone":"13812345678","organisation":"木卓镇综治中心","jurisdiction":"530627118"}""", Person),
        ["GET api/people/{id}"] = (null, Person),
        ["PATCH api/people/{id}"] = ("""{"phone":"0871-65551234"}""", Person),
        ["GET api/townships/{code}/people/review"] = (null, """{"township":"530627118","version":4,"unassigned":[{"code":"530627118201002031","level":"micro_grid","name":"木卓村第2网格第31微网格","households":9}],"changed":[{"code":"530627118201002007","level":"micro_grid","status":"current","reasons":["split"],"predecessors":[],"successors":[],"people":[]}]}"""),
        ["GET api/townships/{code}/people/workload"] = (null, """[{"personId":7,"name":"李梅","role":"full_time","roleLabel":"专职网格员","grids":1,"microGrids":31,"households":312}]"""),
        ["POST api/townships/{code}/people/import"] = (null, """{"rows":2,"peopleCreated":1,"peopleUpdated":0,"assignmentsCreated":1}"""),
        ["GET api/search"] = (null, """{"query":"木卓村","hits":[{"kind":"village","code":"530627118201","name":"木卓村民委员会","householdId":null,"township":"530627118","bbox":[104.86,27.43,104.88,27.45]}],"more":false}"""),
        ["GET api/session"] = (null, """{"name":"staff-viewer","role":"viewer","jurisdiction":"530627118","permissions":["read","lookup"]}"""),
        ["POST api/session"] = ("""{"key":"gs_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"}""", """{"name":"staff-editor","role":"editor","jurisdiction":"530627118","permissions":["read","lookup","households","edit"]}"""),
        ["GET api/codes/{code}"] = (null, """{"code":"530627118201002007","level":"micro_grid","status":"current","name":"cluster","parent":"530627118201002","householdCount":10,"children":null,"geometry":{"type":"MultiPolygon","coordinates":[]},"history":{"validFrom":1,"validTo":null,"predecessors":[],"successors":[]}}"""),
    };

    public static void Add(OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        var path = System.Text.RegularExpressions.Regex.Replace(context.Description.RelativePath?.TrimEnd('/') ?? "", @":[a-z]+\}", "}");
        var key = $"{context.Description.HttpMethod} {path}";
        if (!Examples.TryGetValue(key, out var example)) return Task.CompletedTask;
        if (example.Request is { } request && operation.RequestBody?.Content is { } content)
            foreach (var media in content.Values) media.Example = JsonNode.Parse(request);
        if (example.Response is { } response && operation.Responses is { } responses)
            foreach (var (status, r) in responses)
                if (status.StartsWith('2') && r.Content is { } rc)
                    foreach (var media in rc.Values) media.Example = JsonNode.Parse(response);
        return Task.CompletedTask;
    });
}
