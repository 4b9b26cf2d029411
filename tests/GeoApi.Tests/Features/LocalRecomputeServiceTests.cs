using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The service's recompute after a household change touches only the grids whose
/// households changed (#21 item 1): a split staff drew in another village stays as drawn, and the
/// version writes rows for the changed grids only.</summary>
[Collection("db")]
public class LocalRecomputeServiceTests(DatabaseFixture db)
{
    private const string Code = "530627168";
    private readonly HttpClient _http = db.Client();

    [Fact]
    public async Task HouseholdAddedInOneVillage_LeavesAStaffSplitInAnotherAndWritesOnlyItsGridsRows()
    {
        var township = new TownshipGenerator(168).Generate(Code, "局部镇", 106.0, 26.6, 1500, urbanShare: 0);
        await Samples.ImportAsync(_http, township, "villages", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        var villages = await Column<string>("SELECT DISTINCT village_code FROM current_micro_grid WHERE township_code = $1 ORDER BY 1");
        Assert.True(villages.Count >= 2, $"{villages.Count} villages");
        var (first, other) = (villages[0].Trim(), villages[^1].Trim());

        //-- Staff split a cluster of the first village along a line through it.
        var target = (await Column<string>("""
            SELECT code FROM current_micro_grid WHERE township_code = $1 AND kind = 'cluster' AND household_count >= 10 AND village_code = $2 ORDER BY code LIMIT 1
            """, first)).Single().Trim();
        var line = (await Column<string>("""
            SELECT ST_AsGeoJSON(ST_MakeLine(ST_MakePoint(ST_XMin(geom) - 0.001, ST_Y(ST_PointOnSurface(geom))), ST_MakePoint(ST_XMax(geom) + 0.001, ST_Y(ST_PointOnSurface(geom)))))
            FROM current_micro_grid WHERE township_code = $1 AND code = $2
            """, target)).Single();
        using (var split = await _http.PostAsync(new Uri($"/api/codes/{target}/split", UriKind.Relative),
                   new StringContent($$"""{"geometry": {{line}}, "reason": "a lane staff walk"}""", Encoding.UTF8, "application/json")))
            Assert.True(split.StatusCode == HttpStatusCode.Created, await split.Content.ReadAsStringAsync());
        var drawn = await Rows("SELECT code || ':' || md5(ST_AsEWKB(geom)::text) FROM current_micro_grid WHERE township_code = $1 AND village_code = $2 ORDER BY code", first);
        var edited = await Samples.CurrentVersionAsync(_http, Code);

        //-- A new household in the other village, beside one of its households.
        var at = (await Column<string>("""
            SELECT ST_X(h.geom) || ' ' || ST_Y(h.geom) FROM current_assignment a JOIN household h ON h.id = a.household_id
            JOIN current_micro_grid m ON m.township_code = a.township_code AND m.code = a.micro_grid_code
            WHERE a.township_code = $1 AND m.village_code = $2 AND m.kind = 'cluster' ORDER BY a.household_id LIMIT 1
            """, other)).Single().Split(' ').Select(double.Parse).ToArray();
        using (var add = await _http.PostAsync(new Uri($"/api/townships/{Code}/households", UriKind.Relative),
                   Samples.Json(Samples.Collection(Samples.Household("LOCAL-NEW-1", at[0] + 0.00002, at[1] + 0.00001)))))
            Assert.True(add.IsSuccessStatusCode, await add.Content.ReadAsStringAsync());
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(90), Code);

        var version = await Samples.CurrentVersionAsync(_http, Code);
        Assert.Equal(edited + 1, version);
        var lookup = await _http.GetFromJsonAsync<JsonElement>("/api/households/LOCAL-NEW-1/grid");
        Assert.StartsWith(other, lookup.GetProperty("gridCode").GetString(), StringComparison.Ordinal);
        Assert.Equal(drawn, await Rows("SELECT code || ':' || md5(ST_AsEWKB(geom)::text) FROM current_micro_grid WHERE township_code = $1 AND village_code = $2 ORDER BY code", first));
        //-- The version's new rows: the grid that holds the household only (and its micro-grids).
        var written = await Column<string>("SELECT DISTINCT grid_code FROM micro_grid WHERE township_code = $1 AND valid_from = $2::int", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEmpty(written);
        Assert.All(written, g => Assert.StartsWith(other, g, StringComparison.Ordinal));
        var gridsWritten = await Column<string>("SELECT code FROM grid WHERE township_code = $1 AND valid_from = $2::int", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var gridCount = (await Column<long>("SELECT count(*) FROM current_grid WHERE township_code = $1")).Single();
        Assert.True(gridsWritten.Count < gridCount, $"{gridsWritten.Count} of {gridCount} grids written");
    }

    private async Task<List<T>> Column<T>(string sql, params object[] args)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var result = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result.Add(r.GetFieldValue<T>(0));
        return result;
    }

    private async Task<string> Rows(string sql, params object[] args) => string.Join("\n", await Column<string>(sql, args));
}
