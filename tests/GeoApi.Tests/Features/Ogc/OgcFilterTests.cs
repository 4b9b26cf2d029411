using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features.Ogc;

/// <summary>OGC API – Features Part 3 on a partitioned township: queryables, queryables as
/// parameters, CQL2 text filters (each operator), sortby, properties and paging with a filter.
/// Every answer is checked against the same condition written as SQL on the same database.</summary>
[Collection("db")]
public class OgcFilterTests(DatabaseFixture db) : IAsyncLifetime
{
    internal const string Code = "530627148";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        if (await Scalar<long>("SELECT count(*) FROM current_micro_grid WHERE township_code = $1", Code) > 0) return;
        var township = new TownshipGenerator(148).Generate(Code, "筛选镇", 106.90, 27.60, 1200);
        await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Queryables_MicroGrids_AreAJsonSchemaWithTypesChineseTitlesAndTheGeometry()
    {
        var response = await _http.GetAsync(new Uri("/ogc/collections/micro_grids/queryables", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        var schema = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
        Assert.EndsWith("/ogc/collections/micro_grids/queryables", schema.GetProperty("$id").GetString(), StringComparison.Ordinal);
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        var p = schema.GetProperty("properties");
        Assert.Equal("integer", p.GetProperty("household_count").GetProperty("type").GetString());
        Assert.Equal("户数", p.GetProperty("household_count").GetProperty("title").GetString());
        Assert.Equal("string", p.GetProperty("kind").GetProperty("type").GetString());
        Assert.Equal(["cluster", "building", "floor"], p.GetProperty("kind").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("boolean", p.GetProperty("pinned").GetProperty("type").GetString());
        Assert.Equal("geometry-multipolygon", p.GetProperty("geometry").GetProperty("format").GetString());
        foreach (var name in new[] { "code", "grid_code", "village_code", "building_id", "floor_from", "floor_to", "unit", "township_code", "version" })
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", p.GetProperty(name).GetProperty("title").GetString());

        var households = await _http.GetFromJsonAsync<JsonElement>("/ogc/collections/households/queryables");
        Assert.Equal("geometry-point", households.GetProperty("properties").GetProperty("geometry").GetProperty("format").GetString());
        var sortables = await _http.GetFromJsonAsync<JsonElement>("/ogc/collections/micro_grids/sortables");
        Assert.False(sortables.GetProperty("properties").TryGetProperty("geometry", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(new Uri("/ogc/collections/nothing/queryables", UriKind.Relative))).StatusCode);

        var collection = await _http.GetFromJsonAsync<JsonElement>("/ogc/collections/micro_grids");
        Assert.Contains(collection.GetProperty("links").EnumerateArray(), l => l.GetProperty("rel").GetString() == "http://www.opengis.net/def/rel/ogc/1.0/queryables");
    }

    [Fact]
    public async Task Conformance_DeclaresPart2CrsPart3FilteringCql2SortingAndSelection_AndNoCql2Json()
    {
        var classes = (await _http.GetFromJsonAsync<JsonElement>("/ogc/conformance")).GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()!).ToList();
        foreach (var c in new[] { "ogcapi-features-3/1.0/conf/queryables", "ogcapi-features-3/1.0/conf/queryables-query-parameters", "ogcapi-features-3/1.0/conf/filter",
                     "ogcapi-features-3/1.0/conf/features-filter", "cql2/1.0/conf/cql2-text", "cql2/1.0/conf/basic-cql2", "cql2/1.0/conf/advanced-comparison-operators",
                     "cql2/1.0/conf/basic-spatial-functions", "ogcapi-features-8/1.0/conf/sorting", "ogcapi-features-6/1.0/conf/property-selection" })
            Assert.Contains("http://www.opengis.net/spec/" + c, classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs", classes);
        Assert.DoesNotContain(classes, c => c.Contains("cql2-json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueryablesAsParameters_KindAndGridCode_ReturnTheMicroGridsSqlFinds()
    {
        var grid = await Scalar<string>("SELECT min(grid_code) FROM current_micro_grid WHERE township_code = $1 AND kind = 'cluster'", Code);
        var codes = await Codes($"/ogc/collections/micro_grids/items?township_code={Code}&kind=cluster&grid_code={grid}&limit=10000");
        Assert.NotEmpty(codes);
        Assert.Equal(await SqlCodes("kind = 'cluster' AND grid_code = $2", grid), codes);
        var floors = await Codes($"/ogc/collections/micro_grids/items?township_code={Code}&kind=floor&limit=10000");
        Assert.Equal(await SqlCodes("kind = 'floor'"), floors);
        Assert.NotEmpty(floors);
        var pinned = await Codes($"/ogc/collections/micro_grids/items?township_code={Code}&pinned=false&household_count=10&limit=10000");
        Assert.Equal(await SqlCodes("NOT pinned AND household_count = 10"), pinned);
    }

    //-- Each operator of the filter, and the same condition in SQL ($2 is the polygon's WKT).
    public static TheoryData<string, string> Operators => new()
    {
        { "kind = 'floor'", "kind = 'floor'" },
        { "kind <> 'cluster' AND household_count >= 10", "kind <> 'cluster' AND household_count >= 10" },
        { "household_count < 6 OR kind = 'building'", "household_count < 6 OR kind = 'building'" },
        { "household_count > 12 or household_count <= 3", "household_count > 12 OR household_count <= 3" },
        { "NOT (kind = 'cluster')", "NOT (kind = 'cluster')" },
        { "code LIKE '%1'", "code LIKE '%1'" },
        { "grid_code NOT LIKE '5306271482%'", "grid_code NOT LIKE '5306271482%'" },
        { "kind IN ('building', 'floor')", "kind IN ('building', 'floor')" },
        { "household_count NOT IN (9, 10, 11)", "household_count NOT IN (9, 10, 11)" },
        { "household_count BETWEEN 8 AND 12", "household_count BETWEEN 8 AND 12" },
        { "building_id IS NULL", "building_id IS NULL" },
        { "floor_from IS NOT NULL AND \"unit\" IS NULL", "floor_from IS NOT NULL AND unit IS NULL" },
        { "pinned = false", "pinned = false" },
        { "S_INTERSECTS(geometry, {quarter})", "ST_Intersects(geom, ST_GeomFromText($2, 4326))" },
        { "s_intersects(geometry, {quarter}) AND NOT kind = 'cluster'", "ST_Intersects(geom, ST_GeomFromText($2, 4326)) AND kind <> 'cluster'" },
        { "S_WITHIN(geometry, {quarter})", "ST_Within(geom, ST_GeomFromText($2, 4326))" },
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public async Task Filter_EachOperator_ReturnsExactlyTheMicroGridsSqlFinds(string cql2, string sql)
    {
        var quarter = await Scalar<string>(
            "SELECT ST_AsText(ST_MakeEnvelope(ST_XMin(e), ST_YMin(e), (ST_XMin(e) + ST_XMax(e)) / 2, (ST_YMin(e) + ST_YMax(e)) / 2, 4326)) FROM (SELECT geom::box2d e FROM township WHERE code = $1) t", Code);
        var filter = $"township_code = '{Code}' AND ({cql2.Replace("{quarter}", quarter, StringComparison.Ordinal)})";
        var response = await _http.GetFromJsonAsync<JsonElement>($"/ogc/collections/micro_grids/items?filter-lang=cql2-text&limit=10000&filter={Uri.EscapeDataString(filter)}");
        var expected = await SqlCodes(sql, quarter);
        Assert.Equal(expected.Count, response.GetProperty("numberMatched").GetInt64());
        Assert.Equal(expected, response.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList());
    }

    [Fact]
    public async Task SortBy_HouseholdsDescendingThenKind_OrdersAsSqlDoes()
    {
        var codes = await Codes($"/ogc/collections/micro_grids/items?township_code={Code}&sortby=-household_count,%2Bkind&limit=10000");
        Assert.Equal(await SqlCodes("TRUE", order: "household_count DESC, kind, code"), codes);
        var plain = await Codes($"/ogc/collections/micro_grids/items?township_code={Code}&sortby=+floor_from&limit=10000");
        Assert.Equal(await SqlCodes("TRUE", order: "floor_from, code"), plain);
    }

    [Fact]
    public async Task Properties_SelectsOnlyTheNamedPropertiesInContractOrder()
    {
        var page = await _http.GetFromJsonAsync<JsonElement>($"/ogc/collections/micro_grids/items?township_code={Code}&properties=kind,code&limit=5");
        Assert.All(page.GetProperty("features").EnumerateArray(), f =>
        {
            Assert.Equal(["code", "kind"], f.GetProperty("properties").EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.Object, f.GetProperty("geometry").ValueKind);
        });
        var none = await _http.GetFromJsonAsync<JsonElement>($"/ogc/collections/households/items?township_code={Code}&properties=&limit=2");
        Assert.All(none.GetProperty("features").EnumerateArray(), f => Assert.Empty(f.GetProperty("properties").EnumerateObject()));
    }

    [Fact]
    public async Task Paging_WithAFilter_NextLinksKeepTheFilterAndVisitEveryMatchOnce()
    {
        var filter = Uri.EscapeDataString($"township_code = '{Code}' AND kind IN ('cluster', 'floor') AND household_count >= 9");
        var url = $"/ogc/collections/micro_grids/items?filter={filter}&sortby=-household_count&properties=code&limit=37";
        var seen = new List<string>();
        int pages = 0;
        while (url is not null)
        {
            var page = await _http.GetFromJsonAsync<JsonElement>(url);
            seen.AddRange(page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!));
            var next = page.GetProperty("links").EnumerateArray().FirstOrDefault(l => l.GetProperty("rel").GetString() == "next");
            url = next.ValueKind == JsonValueKind.Undefined ? null : next.GetProperty("href").GetString();
            if (url is not null)
            {
                var query = new Uri(url).Query;
                Assert.Contains("filter=", query, StringComparison.Ordinal);
                Assert.Contains("sortby=-household_count", query, StringComparison.Ordinal);
                Assert.Contains("properties=code", query, StringComparison.Ordinal);
                Assert.DoesNotContain("key=", query, StringComparison.Ordinal);
            }
            pages++;
        }
        var expected = await SqlCodes("kind IN ('cluster', 'floor') AND household_count >= 9", order: "household_count DESC, code");
        Assert.True(pages > 2, $"{pages} pages");
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Filter_ForAKeyOfAnotherTownship_SeesNothingOfThisOne()
    {
        var created = await _http.PostAsJsonAsync("/api/keys", new { name = "filter-outsider-" + Guid.NewGuid().ToString("N")[..8], role = "viewer", jurisdiction = "530627189" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var outsider = db.Client((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString());
        var filter = Uri.EscapeDataString($"township_code = '{Code}' OR household_count >= 0");
        var page = await outsider.GetFromJsonAsync<JsonElement>($"/ogc/collections/micro_grids/items?filter={filter}&kind=cluster");
        Assert.Equal(0, page.GetProperty("numberMatched").GetInt64());
        Assert.Equal(HttpStatusCode.Unauthorized, (await db.Client(null).GetAsync(new Uri("/ogc/collections/micro_grids/queryables", UriKind.Relative))).StatusCode);
    }

    [SkippableFact]
    public async Task Ogrinfo_FilteredMicroGrids_ReadsTheCountsSqlFinds()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        string[] auth = ["--config", "GDAL_HTTP_HEADERS", $"X-Api-Key: {db.AdminKey}"];
        var collection = $"OAPIF:{db.Address}/ogc/collections/micro_grids";

        // A CQL2 filter on the dataset URL: GDAL sends it with every request, the server filters.
        var cql = $"township_code = '{Code}' AND kind IN ('building', 'floor') AND household_count >= 5";
        var filtered = (await SqlCodes("kind IN ('building', 'floor') AND household_count >= 5")).Count;
        Assert.True(filtered > 10, $"{filtered} micro-grids: too few to page");
        var summary = await Gdal.OgrinfoAsync([.. auth, "-ro", "-so", $"{collection}?filter={Uri.EscapeDataString(cql)}", "micro_grids"]);
        Assert.Contains($"Feature Count: {filtered}", summary, StringComparison.Ordinal);
        //-- Every feature, ten a page by GDAL's default: next links keep the filter.
        var all = await Gdal.OgrinfoAsync([.. auth, "-ro", "-al", "-q", $"{collection}?filter={Uri.EscapeDataString(cql)}", "micro_grids"]);
        Assert.Equal(filtered, all.Split('\n').Count(l => l.StartsWith("OGRFeature(micro_grids)", StringComparison.Ordinal)));

        // Queryables as parameters on the dataset URL.
        var floors = (await SqlCodes("kind = 'floor'")).Count;
        var byParameter = await Gdal.OgrinfoAsync([.. auth, "-ro", "-so", $"{collection}?township_code={Code}&kind=floor", "micro_grids"]);
        Assert.Contains($"Feature Count: {floors}", byParameter, StringComparison.Ordinal);

        // GDAL's own -where over the collection.
        var where = await Gdal.OgrinfoAsync([.. auth, "-ro", "-so", "-oo", "PAGE_SIZE=1000", collection, "micro_grids", "-where", $"township_code = '{Code}' AND kind = 'floor'"]);
        Assert.Contains($"Feature Count: {floors}", where, StringComparison.Ordinal);
    }

    private async Task<List<string>> Codes(string url)
    {
        var page = await _http.GetFromJsonAsync<JsonElement>(url);
        Assert.True(page.GetProperty("numberReturned").GetInt32() == page.GetProperty("numberMatched").GetInt64(), "one page holds every match");
        return page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList();
    }

    /// <summary>The codes of this township's current micro-grids where <paramref name="condition"/> holds, in <paramref name="order"/> (by code by default).</summary>
    private async Task<List<string>> SqlCodes(string condition, string? argument = null, string order = "code")
    {
        await using var cmd = db.Db.CreateCommand($"SELECT code FROM current_micro_grid WHERE township_code = $1 AND ({condition}) ORDER BY {order}");
        cmd.Parameters.AddWithValue(Code);
        if (argument is not null) cmd.Parameters.AddWithValue(argument);
        var codes = new List<string>();
        await using var rd = await cmd.ExecuteReaderAsync();
        while (await rd.ReadAsync()) codes.Add(rd.GetString(0));
        return codes;
    }

    private async Task<T> Scalar<T>(string sql, string argument)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(argument);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }
}
