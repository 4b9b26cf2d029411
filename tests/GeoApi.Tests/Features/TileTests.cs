using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Vector tiles of a partitioned township, read by GDAL's MVT driver, with their
/// TileJSON, ETags and the cache dropped on publish.</summary>
[Collection("db")]
public class TileTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627165";
    private readonly HttpClient _http = db.Client();
    private (int X, int Y) _densest;

    public async Task InitializeAsync()
    {
        var township = new TownshipGenerator(160).Generate(Code, "瓦片镇", 105.40, 27.80, 1200);
        await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        await using var cmd = db.Db.CreateCommand("""
            SELECT floor((ST_X(geom) + 180) / 360 * 16384)::int, floor((1 - ln(tan(radians(ST_Y(geom))) + 1 / cos(radians(ST_Y(geom)))) / pi()) / 2 * 16384)::int
            FROM household WHERE township_code = $1 GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        _densest = (r.GetInt32(0), r.GetInt32(1));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task Streets_ImportedStoredAndServed_AsOgcCollectionAndTilesBesideBarriers()
    {
        Skip.If(!File.Exists("/usr/bin/ogrinfo"), "GDAL's ogrinfo is not installed");
        //-- Three lanes across the densest tile, through its households.
        await using (var env = db.Db.CreateCommand("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM household WHERE township_code = $1) x"))
        {
            env.Parameters.AddWithValue(Code);
            await using var r = await env.ExecuteReaderAsync();
            await r.ReadAsync();
            double x0 = r.GetDouble(0), y0 = r.GetDouble(1), x1 = r.GetDouble(2), y1 = r.GetDouble(3);
            var streets = Samples.Collection(Enumerable.Range(1, 3).Select(i => Samples.Feature(
                new System.Text.Json.Nodes.JsonObject { ["id"] = $"lane{i}", ["kind"] = "lane", ["name"] = $"{i}号巷" },
                new System.Text.Json.Nodes.JsonObject
                {
                    ["type"] = "LineString",
                    ["coordinates"] = new System.Text.Json.Nodes.JsonArray(
                        new System.Text.Json.Nodes.JsonArray(x0, y0 + (y1 - y0) * i / 4), new System.Text.Json.Nodes.JsonArray(x1, y0 + (y1 - y0) * i / 4)),
                })).ToArray());
            using var posted = await _http.PostAsync(new Uri($"/api/townships/{Code}/streets", UriKind.Relative), Samples.Json(streets));
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
            Assert.Equal(3, (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inserted").GetInt32());
        }
        var ogc = await _http.GetFromJsonAsync<JsonElement>($"/ogc/collections/streets/items?township={Code}&limit=10");
        Assert.Equal(3, ogc.GetProperty("features").GetArrayLength());
        Assert.Equal("lane", ogc.GetProperty("features")[0].GetProperty("properties").GetProperty("kind").GetString());

        foreach (var layer in new[] { "streets", "barriers" })
        {
            await using var cmd = db.Db.CreateCommand($"""
                SELECT count(*) FROM {layer[..^1]} x WHERE x.township_code = $1 AND ST_Intersects(x.geom_3857, ST_TileEnvelope(12, $2, $3, margin => 64.0 / 4096))
                """);
            var (tx, ty) = (_densest.X / 4, _densest.Y / 4);
            cmd.Parameters.AddWithValue(Code);
            cmd.Parameters.AddWithValue(tx);
            cmd.Parameters.AddWithValue(ty);
            var expected = (long)(await cmd.ExecuteScalarAsync())!;
            Assert.True(expected > 0, $"no {layer} under tile 12/{tx}/{ty}");
            var tile = await _http.GetByteArrayAsync($"/tiles/{layer}/12/{tx}/{ty}.mvt");
            var output = await Ogrinfo(tile);
            Assert.Contains($"Layer name: {layer}", output, StringComparison.Ordinal);
            Assert.Contains($"Feature Count: {expected}\n", output, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task MicroGridTile_DecodedByGdal_HoldsEveryMicroGridUnderIt_WithItsAttributes()
    {
        Skip.If(!File.Exists("/usr/bin/ogrinfo"), "GDAL's ogrinfo is not installed");
        var (x, y) = _densest;
        await using var cmd = db.Db.CreateCommand("""
            SELECT count(*) FROM current_micro_grid m JOIN township_state s ON s.township_code = m.township_code
            WHERE ST_Intersects(ST_Transform(m.geom, 3857), ST_TileEnvelope(14, $1, $2, margin => 64.0 / 4096))
            """);
        cmd.Parameters.AddWithValue(x);
        cmd.Parameters.AddWithValue(y);
        var expected = (long)(await cmd.ExecuteScalarAsync())!;
        Assert.True(expected > 10, $"the densest tile should hold many micro-grids, got {expected}");

        var response = await _http.GetAsync(new Uri($"/tiles/micro_grids/14/{x}/{y}.mvt", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
        var tile = await response.Content.ReadAsByteArrayAsync();
        var output = await Ogrinfo(tile);
        Assert.Contains("Layer name: micro_grids", output, StringComparison.Ordinal);
        //-- Every micro-grid reaching into the tile or its 64-pixel buffer.
        Assert.Contains($"Feature Count: {expected}\n", output, StringComparison.Ordinal);
        foreach (var field in new[] { "code: String", "kind: String", "household_count: Integer", "fill: Real", "fill_class: String", "parent: String" })
            Assert.Contains(field, output, StringComparison.Ordinal);
        //-- Every feature's attributes: codes of this township, classes from the band.
        var features = await Ogrinfo(tile, full: true);
        Assert.Contains($"code (String) = {Code}", features, StringComparison.Ordinal);
        Assert.Matches(@"fill_class \(String\) = (under|on|over)", features);
    }

    [SkippableFact]
    public async Task EveryLayer_GivesADecodableTile_AndHouseholdsCarryTheirMicroGrid()
    {
        Skip.If(!File.Exists("/usr/bin/ogrinfo"), "GDAL's ogrinfo is not installed");
        var (x, y) = _densest;
        foreach (var layer in new[] { "townships", "villages", "grids", "micro_grids", "households" })
        {
            var tile = await _http.GetByteArrayAsync(new Uri($"/tiles/{layer}/14/{x}/{y}.mvt", UriKind.Relative));
            Assert.True(tile.Length > 0, layer);
            var output = await Ogrinfo(tile);
            Assert.Contains($"Layer name: {layer}", output, StringComparison.Ordinal);
            Assert.Matches(@"Feature Count: [1-9]", output);
            if (layer == "households")
                Assert.Matches($@"code \(String\) = {Code}\d{{9}}", await Ogrinfo(tile, full: true));
        }
    }

    [SkippableFact]
    public async Task LabelLayers_HoldOnePointPerUnit_OfTheUnitsDrawnOnTheTile()
    {
        Skip.If(!File.Exists("/usr/bin/ogrinfo"), "GDAL's ogrinfo is not installed");
        var (x, y) = _densest;
        static string[] Codes(string ogrinfo) =>
            System.Text.RegularExpressions.Regex.Matches(ogrinfo, @"^\s*code \(String\) = (\d+)", System.Text.RegularExpressions.RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        foreach (var (labels, units) in new[] { ("micro_grid_labels", "micro_grids"), ("grid_labels", "grids"), ("village_labels", "villages") })
        {
            var tile = await Ogrinfo(await _http.GetByteArrayAsync(new Uri($"/tiles/{labels}/14/{x}/{y}.mvt", UriKind.Relative)), full: true);
            var points = Codes(tile);
            Assert.NotEmpty(points);
            Assert.Equal(points.Length, points.Distinct().Count());
            Assert.DoesNotContain("POLYGON", tile, StringComparison.Ordinal);
            Assert.Contains("POINT", tile, StringComparison.Ordinal);
            var drawn = Codes(await Ogrinfo(await _http.GetByteArrayAsync(new Uri($"/tiles/{units}/14/{x}/{y}.mvt", UriKind.Relative)), full: true));
            Assert.Subset(drawn.ToHashSet(), points.ToHashSet());
        }
    }

    [Fact]
    public async Task Etag_AnswersNotModified_UntilTheTownshipPublishesAgain()
    {
        var (x, y) = _densest;
        var uri = new Uri($"/tiles/grids/14/{x}/{y}.mvt", UriKind.Relative);
        var first = await _http.GetAsync(uri);
        var etag = first.Headers.ETag!;
        Assert.Equal(HttpStatusCode.NotModified, (await Conditional(uri, etag)).StatusCode);

        await Samples.RedrawAsync(_http, db.Db, Code);
        var clock = Stopwatch.StartNew();
        HttpResponseMessage again;
        do
        {
            again = await Conditional(uri, etag);
            if (again.StatusCode == HttpStatusCode.OK) break;
            await Task.Delay(100);
        } while (clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.NotEqual(etag, again.Headers.ETag);
    }

    [Fact]
    public async Task TileJson_DescribesTheLayer_WithImmutableVersionedTileUrls()
    {
        var json = await _http.GetFromJsonAsync<JsonElement>("/tiles/micro_grids.json");
        Assert.Equal("3.0.0", json.GetProperty("tilejson").GetString());
        var template = json.GetProperty("tiles")[0].GetString()!;
        Assert.Matches(@"/tiles/micro_grids/\{z\}/\{x\}/\{y\}\.mvt\?v=[0-9a-f]{16}$", template);
        var layer = json.GetProperty("vector_layers")[0];
        Assert.Equal("micro_grids", layer.GetProperty("id").GetString());
        Assert.Equal("String", layer.GetProperty("fields").GetProperty("fill_class").GetString());

        var (x, y) = _densest;
        var url = new Uri(template.Replace("{z}", "14", StringComparison.Ordinal).Replace("{x}", $"{x}", StringComparison.Ordinal).Replace("{y}", $"{y}", StringComparison.Ordinal));
        var response = await _http.GetAsync(new Uri(url.PathAndQuery, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("immutable", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/tiles/roads/14/1/1.mvt", 404, "layer")]
    [InlineData("/tiles/grids/3/8/1.mvt", 400, "x")]
    [InlineData("/tiles/grids/3/1/-1.mvt", 400, "y")]
    [InlineData("/tiles/grids/23/1/1.mvt", 400, "z")]
    [InlineData("/tiles/roads.json", 404, "layer")]
    public async Task BadTileRequests_AreProblemsNamingTheField(string path, int status, string field)
    {
        var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    private async Task<HttpResponseMessage> Conditional(Uri uri, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.IfNoneMatch.Add(etag);
        return await _http.SendAsync(request);
    }

    /// <summary>GDAL's MVT driver on a tile: the summary, or every feature with <paramref name="full"/>.</summary>
    private static Task<string> Ogrinfo(byte[] tile, bool full = false) => Gdal.OgrinfoAsync(tile, ".mvt", summary: !full);
}
