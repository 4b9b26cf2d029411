using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GridSpatial.GeoApi.Tests.Features.Ogc;

/// <summary>What the OGC API refuses: every malformed filter, unknown property, type mismatch,
/// unknown query parameter and bad sortby/properties value is a 400 problem detail that names the
/// parameter (<c>field</c>) and says what is wrong, in Chinese first.</summary>
[Collection("db")]
public class OgcProblemTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    public static TheoryData<string, string> MalformedFilters => new()
    {
        { "kind = ", "expected" },
        { "kind = 'floor' AND", "unexpected end of input" },
        { "(kind = 'floor'", "expected `)`" },
        { "kind == 'floor'", "unexpected" },
        { "kind = 'floor", "unexpected" },
        { "kind", "needs an operator" },
        { "nosuch = 1", "has no property `nosuch`" },
        { "household_count = 'ten'", "is not a numeric value" },
        { "kind = 10", "is not a text value" },
        { "pinned > TRUE", "boolean is compared with = or <> only" },
        { "household_count LIKE '1%'", "LIKE needs a text property" },
        { "kind LIKE code", "must be a string literal" },
        { "kind BETWEEN 'a' AND 'b'", "BETWEEN needs a numeric property" },
        { "kind IN ()", "unexpected `)`" },
        { "kind IN ('floor', code)", "literals only" },
        { "S_INTERSECTS(geometry, POINT(200 27))", "not in CRS84" },
        { "S_INTERSECTS(geometry, POLYGON((106 27, 107 27)))", "not a valid WKT geometry" },
        { "S_INTERSECTS(geometry, POLYGON((106 27, 107 27, 107 28, 106 27))", "unexpected end of input, expected `)`" },
        { "S_INTERSECTS(kind, POINT(106 27))", "has no geometry property `kind`" },
        { "S_INTERSECTS(geometry, 'POINT(106 27)')", "compares the property `geometry` with a WKT geometry" },
        { "geometry = 1", "geometries are compared with S_INTERSECTS" },
        { "T_INTERSECTS(geometry, POINT(106 27))", "unexpected `(`" },
        { "kind = 'floor'; DROP TABLE household", "unexpected" },
        { " ", "the filter is empty" },
        //-- The parser and the WKT reader recurse: a request line of 8 KB nesting thousands deep once overflowed the stack.
        { new string('(', 40) + "kind = 'floor'" + new string(')', 40), "nests deeper than 32 levels" },
        { string.Concat(Enumerable.Repeat("NOT ", 40)) + "kind = 'floor'", "nests deeper than 32 levels" },
        { "S_INTERSECTS(geometry, " + string.Concat(Enumerable.Repeat("GEOMETRYCOLLECTION(", 40)) + "POINT(106 27)" + new string(')', 41), "nests deeper than 32 levels" },
    };

    [Theory]
    [MemberData(nameof(MalformedFilters))]
    public async Task Filter_Malformed_Is400ProblemNamingFilterAndTheFault(string filter, string fault)
    {
        var before = await db.ChecksumAsync();
        var problem = await Problem($"/ogc/collections/micro_grids/items?filter={Uri.EscapeDataString(filter)}");
        Assert.Equal("filter", problem.GetProperty("field").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.StartsWith("filter 第 ", detail, StringComparison.Ordinal);
        Assert.True(detail.Contains(fault, StringComparison.Ordinal), detail);
        Assert.Equal("过滤条件无效 (Invalid filter)", problem.GetProperty("title").GetString());
        Assert.True(problem.GetProperty("position").GetInt32() >= 1);
        Assert.Equal(before, await db.ChecksumAsync());
    }

    public static TheoryData<string, string> BadParameters => new()
    {
        { "/ogc/collections/micro_grids/items?kindd=floor", "kindd" },
        { "/ogc/collections/micro_grids/items?f=json", "f" },
        { "/ogc/collections/micro_grids/items?household_count=ten", "household_count" },
        { "/ogc/collections/micro_grids/items?pinned=yes", "pinned" },
        { "/ogc/collections/micro_grids/items?kind=floor&kind=cluster", "kind" },
        { "/ogc/collections/micro_grids/items?sortby=-nosuch", "sortby" },
        { "/ogc/collections/micro_grids/items?sortby=kind,-kind", "sortby" },
        { "/ogc/collections/micro_grids/items?properties=code,nosuch", "properties" },
        { "/ogc/collections/micro_grids/items?filter=kind%3D'floor'&filter-lang=cql2-json", "filter-lang" },
        { "/ogc/collections/micro_grids/items?filter=kind%3D'floor'&filter-crs=EPSG:4490", "filter-crs" },
        { "/ogc/collections/micro_grids/items?limit=0", "limit" },
        { "/ogc/collections/micro_grids/items?bbox=1,2,3", "bbox" },
        { "/ogc/collections/households/items?kind=floor", "kind" },
        { "/ogc/collections/micro_grids/items/530627148001001001?crs=EPSG:4490", "crs" },
        { "/ogc/collections/micro_grids/queryables?f=json", "f" },
        { "/ogc/collections?bbox=1,2,3,4", "bbox" },
        { "/ogc/conformance?x=1", "x" },
        { "/ogc?lang=zh", "lang" },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public async Task Parameter_UnknownOrMalformed_Is400ProblemNamingIt(string url, string field)
    {
        var problem = await Problem(url);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        int chinese = detail.IndexOf('。', StringComparison.Ordinal);
        Assert.True(chinese > 0, detail);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", detail[..chinese]);
        Assert.Contains(field, detail, StringComparison.Ordinal);
    }

    private async Task<JsonElement> Problem(string url)
    {
        var response = await _http.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
