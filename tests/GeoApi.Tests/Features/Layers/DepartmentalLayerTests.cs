using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features.Layers;

/// <summary>Departmental layers (多网合一) on a generated, partitioned township: layers of squares
/// made here, one of them with a planted gap and overlap. The crosswalk's shares sum to 1 per unit,
/// its areas are PostGIS's <c>ST_Intersection</c> areas, the fit report finds what was planted,
/// bad uploads are refused naming feature and field, and the files are read by GDAL.</summary>
[Collection("db")]
public sealed class DepartmentalLayerTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627200";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        if (await ScalarAsync<long>("SELECT count(*) FROM township_state WHERE township_code = $1 AND current_version IS NOT NULL") == 0)
        {
            var township = new TownshipGenerator(200).Generate(Code, "多网镇", 108.37, 24.13, 500);
            await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers", "streets");
            await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        }
        //-- The same upload again makes no new version: every test may ask for it.
        using var r = await PostLayerAsync("squares", await SquaresAsync(3, (_, _, box) => box));
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Crosswalk_Squares_SharesSumToOnePerUnitAndAreasAreThoseOfPostgis()
    {
        var crosswalk = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/layers/squares/crosswalk");
        var pairs = crosswalk.GetProperty("pairs").EnumerateArray().ToList();
        var units = crosswalk.GetProperty("units").EnumerateArray().ToList();
        Assert.Equal(9, units.Count);
        foreach (var level in new[] { "grid", "micro_grid" })
        {
            var of = pairs.Where(p => p.GetProperty("level").GetString() == level).ToList();
            Assert.NotEmpty(of);
            foreach (var unit in units.Where(u => u.GetProperty("area").GetDouble() > 0))
            {
                var code = unit.GetProperty("code").GetString();
                var mine = of.Where(p => p.GetProperty("unit").GetString() == code).ToList();
                var sum = mine.Sum(p => p.GetProperty("unitAreaShare").GetDouble());
                Assert.True(Math.Abs(sum - 1) <= 1e-6, $"{level} {code}: {sum} of {unit}; report {await ScalarAsync<string>("SELECT report::text FROM current_partition_version WHERE township_code = $1")}");
                if (unit.GetProperty("households").GetInt32() > 0)
                    Assert.InRange(mine.Sum(p => p.GetProperty("unitHouseholdShare").GetDouble()), 1 - 1e-9, 1 + 1e-9);
            }
            //-- The squares cover the township: every grid's and micro-grid's own shares sum to 1 as well.
            foreach (var comp in of.GroupBy(p => p.GetProperty("code").GetString()))
                Assert.InRange(comp.Sum(p => p.GetProperty("areaShare").GetDouble()), 1 - 1e-6, 1 + 1e-6);
        }
        //-- Every overlapping pair PostGIS finds is there, with PostGIS's area in the township's Gauss–Krüger zone.
        var expected = await PairsAsync("""
            SELECT u.code, g.code::text, ST_Area(ST_Intersection(ST_Transform(u.geom, $2), ST_Transform(g.geom, $2)))
            FROM current_dept_unit u JOIN current_grid g ON g.township_code = u.township_code AND ST_Intersects(u.geom, g.geom)
            WHERE u.township_code = $1 AND u.layer = 'squares' AND ST_Area(ST_Intersection(ST_Transform(u.geom, $2), ST_Transform(g.geom, $2))) > 0
            """);
        var grid = pairs.Where(p => p.GetProperty("level").GetString() == "grid" && p.GetProperty("overlapArea").GetDouble() > 0)
            .ToDictionary(p => (p.GetProperty("unit").GetString()!, p.GetProperty("code").GetString()!), p => p.GetProperty("overlapArea").GetDouble());
        Assert.Equal(expected.Count, grid.Count);
        foreach (var (key, area) in expected)
            Assert.True(Math.Abs(grid[key] - area) <= 1e-6 * area, $"{key}: {grid[key]} against PostGIS {area}");
        //-- Each assigned household lies in one square: the units' households add up to the township's.
        Assert.Equal(await ScalarAsync<long>("SELECT count(*) FROM current_assignment WHERE township_code = $1"),
            units.Sum(u => u.GetProperty("households").GetInt32()));
    }

    [Fact]
    public async Task Fit_PlantedGapAndOverlap_AreReportedWithTheirAreas()
    {
        //-- The centre square's east side pulled in by a quarter (a gap), the west square pushed a quarter into the centre (an overlap).
        var planted = await SquaresAsync(3, (i, j, b) => (i, j) switch
        {
            (1, 1) => b with { MaxX = b.MaxX - b.Width / 4 },
            (0, 1) => b with { MaxX = b.MaxX + b.Width / 4 },
            _ => b,
        });
        using (var r = await PostLayerAsync("planted", planted)) Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        var centre = await BoxAsync(1, 1, 3);
        var gap = centre with { MinX = centre.MaxX - centre.Width / 4 };
        var overlap = centre with { MaxX = centre.MinX + centre.Width / 4 };
        double gapArea = await InsideTownshipAsync(gap), overlapArea = await InsideTownshipAsync(overlap);
        Assert.True(gapArea > 0 && overlapArea > 0, "the planted strips lie outside the township");

        var fit = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/layers/planted/fit");
        Assert.True(Math.Abs(fit.GetProperty("gapArea").GetDouble() - gapArea) <= 1e-6 * gapArea, $"gap {fit.GetProperty("gapArea")} against {gapArea}");
        var overlaps = fit.GetProperty("overlaps").EnumerateArray().ToList();
        var pair = Assert.Single(overlaps);
        Assert.Equal(("U0-1", "U1-1"), (pair.GetProperty("a").GetString(), pair.GetProperty("b").GetString()));
        Assert.True(Math.Abs(pair.GetProperty("area").GetDouble() - overlapArea) <= 1e-6 * overlapArea, $"overlap {pair} against {overlapArea}");

        //-- The squares tile the township: no gap, no overlap, and they do split grids (whose sides are listed).
        var clean = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/layers/squares/fit");
        Assert.True(clean.GetProperty("gapAreaRatio").GetDouble() < 1e-9, clean.ToString());
        Assert.Empty(clean.GetProperty("overlaps").EnumerateArray());
        var splits = clean.GetProperty("splits").EnumerateArray().ToList();
        Assert.NotEmpty(splits);
        Assert.All(splits, s => Assert.True(s.GetProperty("sides").GetArrayLength() >= 2));
        Assert.InRange(clean.GetProperty("microGridsNestedShare").GetDouble(), 0.05, 0.9999);
    }

    [Fact]
    public async Task Import_BadUnits_AreRefusedNamingFeatureAndFieldAndStoreNothing()
    {
        var good = await SquaresAsync(2, (_, _, b) => b);
        var features = good["features"]!.AsArray();
        async Task Refused(JsonObject upload, string layer, int? index, string field)
        {
            using var r = await PostLayerAsync(layer, upload);
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, body);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal(field, problem.GetProperty("field").GetString());
            if (index is not null) Assert.Equal(index, problem.GetProperty("featureIndex").GetInt32());
        }
        var noCode = Samples.Collection(features[0]!.DeepClone().AsObject(), Samples.Feature(new JsonObject { ["name"] = "无编码" }, features[1]!["geometry"]!.DeepClone().AsObject()));
        await Refused(noCode, "broken", 1, "code");
        var twice = Samples.Collection(features[0]!.DeepClone().AsObject(), features[0]!.DeepClone().AsObject());
        await Refused(twice, "broken", 1, "code");
        var east = await BoxAsync(3, 1, 3);
        var far = Samples.Collection(features[0]!.DeepClone().AsObject(), Samples.Feature(new JsonObject { ["code"] = "FAR" },
            Samples.Polygon((east.MinX, east.MinY), (east.MaxX, east.MinY), (east.MaxX, east.MaxY), (east.MinX, east.MaxY), (east.MinX, east.MinY))));
        await Refused(far, "broken", 1, "geometry");
        var line = Samples.Collection(Samples.Feature(new JsonObject { ["code"] = "L" }, new JsonObject
        { ["type"] = "LineString", ["coordinates"] = new JsonArray(new JsonArray(108.37, 24.13), new JsonArray(108.38, 24.14)) }));
        await Refused(line, "broken", 0, "geometry");
        await Refused(good, "Bad Name", null, "layer");
        await Refused(Samples.Collection(), "broken", null, "features");

        var layers = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/layers");
        Assert.DoesNotContain(layers.EnumerateArray(), l => l.GetProperty("layer").GetString() == "broken");
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM dept_unit WHERE township_code = $1 AND layer = 'broken'"));
    }

    [Fact]
    public async Task Import_NewVersion_IsVersionedAndTheCrosswalkDiffNamesTheUnitsThatChanged()
    {
        var v1 = await SquaresAsync(3, (_, _, b) => b);
        using (var r = await PostLayerAsync("versioned", v1)) Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        using (var again = await PostLayerAsync("versioned", v1))
        {
            var body = await again.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(1, body.GetProperty("version").GetInt32());
            Assert.False(body.GetProperty("created").GetBoolean());
        }
        //-- Version 2: the centre square is gone, its west neighbour took its land.
        var v2 = await SquaresAsync(3, (i, j, b) => (i, j) switch { (1, 1) => null, (0, 1) => b with { MaxX = b.MaxX + b.Width }, _ => b });
        using (var r = await PostLayerAsync("versioned", v2))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            Assert.Equal(2, (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        }
        var versions = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/layers/versioned/versions");
        Assert.Equal(new[] { 1, 2 }, versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        var diff = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/layers/versioned/crosswalk/diff?fromLayerVersion=1");
        Assert.Equal(new[] { "U1-1" }, diff.GetProperty("unitsRemoved").EnumerateArray().Select(u => u.GetString()));
        var west = Assert.Single(diff.GetProperty("changed").EnumerateArray(), c => c.GetProperty("unit").GetString() == "U0-1");
        Assert.NotEmpty(west.GetProperty("microGridsAdded").EnumerateArray());
        Assert.Empty(west.GetProperty("microGridsRemoved").EnumerateArray());
        //-- The old version stays readable.
        var old = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/layers/versioned?version=1");
        Assert.Equal(9, old.GetProperty("features").GetArrayLength());
    }

    [SkippableFact]
    public async Task Crosswalk_CsvAndXlsx_OgrinfoReadsEveryPair()
    {
        Skip.If(!Gdal.Installed, "GDAL's ogrinfo is not installed");
        var crosswalk = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/layers/squares/crosswalk");
        int pairs = crosswalk.GetProperty("pairs").GetArrayLength();
        foreach (var format in new[] { "csv", "xlsx" })
        {
            var bytes = await _http.GetByteArrayAsync($"/api/townships/{Code}/layers/squares/crosswalk.{format}");
            var info = await Gdal.OgrinfoAsync(bytes, "." + format, summary: true);
            Assert.True(info.Contains($"Feature Count: {pairs}", StringComparison.Ordinal), $"{format}: {pairs} expected in\n{info}");
            Assert.Contains("unit_household_share", info, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Layer_IsListedAndServedAsOgcCollectionTilesAndCrosswalksBothWays()
    {
        var all = await _http.GetFromJsonAsync<JsonElement>("/api/layers");
        Assert.Contains(all.EnumerateArray(), l => l.GetProperty("layer").GetString() == "squares" && l.GetProperty("township").GetString() == Code && l.GetProperty("units").GetInt32() == 9);

        var items = await _http.GetFromJsonAsync<JsonElement>($"/ogc/collections/dept_units/items?layer=squares&township_code={Code}");
        Assert.Equal(9, items.GetProperty("numberMatched").GetInt32());

        var (lon, lat) = await CentreAsync();
        int z = 13, n = 1 << z;
        int x = (int)((lon + 180) / 360 * n), y = (int)((1 - Math.Log(Math.Tan(lat * Math.PI / 180) + 1 / Math.Cos(lat * Math.PI / 180)) / Math.PI) / 2 * n);
        var tile = await _http.GetByteArrayAsync($"/tiles/dept_units/{z}/{x}/{y}.mvt");
        Assert.NotEmpty(tile);

        var unit = await _http.GetFromJsonAsync<JsonElement>("/api/layers/squares/units/U1-1/crosswalk");
        var mine = Assert.Single(unit.EnumerateArray());
        var pairs = mine.GetProperty("pairs").EnumerateArray().ToList();
        Assert.NotEmpty(pairs);
        Assert.All(pairs, p => Assert.Equal("U1-1", p.GetProperty("unit").GetString()));
        var micro = pairs.First(p => p.GetProperty("level").GetString() == "micro_grid").GetProperty("code").GetString();
        var reverse = await _http.GetFromJsonAsync<JsonElement>($"/api/codes/{micro}/crosswalk?layer=squares");
        Assert.Contains(reverse.EnumerateArray().Single().GetProperty("pairs").EnumerateArray(),
            p => p.GetProperty("unit").GetString() == "U1-1" && p.GetProperty("code").GetString() == micro);
    }

    [SkippableFact]
    public async Task Viewer_CheckingALayer_DrawsItsUnitsAndSaysHowItFits()
    {
        Skip.If(!File.Exists(ViewerBrowser.Chromium), "Debian's chromium is not installed");
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await ViewerBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { Locale = "zh-CN", ViewportSize = new() { Width = 1280, Height = 860 },
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Api-Key"] = db.AdminKey } });
        await page.GotoAsync($"{db.Address}/?township={Code}");
        await ViewerBrowser.ReadyAsync(page);
        Assert.Equal("部门图层（多网合一）", await page.InnerTextAsync("#dept h2"));
        var box = page.Locator("#dept-layers input[data-layer=squares]");
        Assert.Contains("9 个单元", await page.Locator("#dept-layers li", new() { Has = page.Locator("input[data-layer=squares]") }).InnerTextAsync(), StringComparison.Ordinal);
        await box.CheckAsync();
        await page.WaitForFunctionAsync("() => window.gridspatial.map.getLayer('dept-squares') && window.gridspatial.map.queryRenderedFeatures({ layers: ['dept-squares'] }).length > 0",
            null, new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#dept-layers p')].some(p => p.textContent.includes('缝隙'))", null, new() { Timeout = 30_000 });
        await box.UncheckAsync();
        Assert.Equal("none", await page.EvaluateAsync<string>("() => window.gridspatial.map.getLayoutProperty('dept-squares', 'visibility')"));
    }

    private sealed record Box(double MinX, double MinY, double MaxX, double MaxY)
    {
        public double Width => MaxX - MinX;
        public string Wkt => FormattableString.Invariant($"POLYGON(({MinX} {MinY},{MaxX} {MinY},{MaxX} {MaxY},{MinX} {MaxY},{MinX} {MinY}))");
    }

    /// <summary>Square <paramref name="i"/>, <paramref name="j"/> (west to east, south to north) of an n × n grid over the township's extent, grown by 1 %.</summary>
    private async Task<Box> BoxAsync(int i, int j, int n)
    {
        var e = await Samples.ExtentAsync(db.Db, Code);
        double w = e.MaxX - e.MinX, h = e.MaxY - e.MinY;
        double x0 = e.MinX - w * 0.01, y0 = e.MinY - h * 0.01, dx = w * 1.02 / n, dy = h * 1.02 / n;
        return new Box(x0 + i * dx, y0 + j * dy, x0 + (i + 1) * dx, y0 + (j + 1) * dy);
    }

    /// <summary>A layer of n × n squares, each passed through <paramref name="shape"/> (null drops it); codes U{i}-{j}.</summary>
    private async Task<JsonObject> SquaresAsync(int n, Func<int, int, Box, Box?> shape)
    {
        var features = new List<JsonObject>();
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                if (shape(i, j, await BoxAsync(i, j, n)) is { } b)
                    features.Add(Samples.Feature(new JsonObject { ["code"] = $"U{i}-{j}", ["name"] = $"城管单元{i}-{j}" },
                        Samples.Polygon((b.MinX, b.MinY), (b.MaxX, b.MinY), (b.MaxX, b.MaxY), (b.MinX, b.MaxY), (b.MinX, b.MinY))));
        return Samples.Collection([.. features]);
    }

    private Task<HttpResponseMessage> PostLayerAsync(string layer, JsonObject upload) =>
        _http.PostAsync(new Uri($"/api/townships/{Code}/layers/{Uri.EscapeDataString(layer)}?title={Uri.EscapeDataString("数字城管单元网格")}", UriKind.Relative), Samples.Json(upload));

    /// <summary>The area of the box's part inside the township (cut in lon/lat, where both were drawn), measured in the township's Gauss–Krüger zone.</summary>
    private async Task<double> InsideTownshipAsync(Box box)
    {
        await using var cmd = db.Db.CreateCommand("SELECT ST_Area(ST_Transform(ST_Intersection(geom, ST_GeomFromText($2, 4326)), $3)) FROM township WHERE code = $1");
        cmd.Parameters.AddWithValue(Code);
        cmd.Parameters.AddWithValue(box.Wkt);
        cmd.Parameters.AddWithValue(await ZoneAsync());
        return (double)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The township's metric CRS as DESIGN §3 picks it: the CGCS2000 3-degree Gauss–Krüger
    /// zone whose central meridian is nearest the centre of its extent.</summary>
    private async Task<string> ZoneAsync()
    {
        var west = await BoxAsync(0, 0, 1);
        double centre = (west.MinX + west.MaxX) / 2;
        return FormattableString.Invariant($"+proj=tmerc +lat_0=0 +lon_0={3 * Math.Round(centre / 3)} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs");
    }

    private async Task<(double Lon, double Lat)> CentreAsync()
    {
        await using var cmd = db.Db.CreateCommand("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM township WHERE code = $1) x");
        cmd.Parameters.AddWithValue(Code);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetDouble(0), r.GetDouble(1));
    }

    private async Task<Dictionary<(string, string), double>> PairsAsync(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        cmd.Parameters.AddWithValue(await ZoneAsync());
        var pairs = new Dictionary<(string, string), double>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) pairs[(r.GetString(0), r.GetString(1).Trim())] = r.GetDouble(2);
        return pairs;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }
}
