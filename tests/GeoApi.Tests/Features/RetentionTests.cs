using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Retention (<c>compact</c>): territories of old versions go, everything else a version
/// answers stays — codes and their last territory, assignments, history and diffs.</summary>
[Collection("db")]
public class RetentionTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627178";
    private readonly HttpClient _http = db.Client();
    private GeneratedTownship _township = null!;

    public async Task InitializeAsync()
    {
        _township = new TownshipGenerator(178).Generate(Code, "留存镇", 106.6, 28.6, 400);
        await Samples.ImportAsync(_http, _township, "villages", "buildings", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Compact_DropsOldTerritories_AndKeepsCodesAssignmentsAndDiffs()
    {
        for (int i = 0; i < 3; i++)
        {
            await Samples.MoveAndSettleAsync(_http, db.Db, Code, _township.Households[10 + 37 * i].Id, _township.Households[200 + 41 * i].Location.Coordinate);
        }
        await Samples.RedrawAsync(_http, db.Db, Code);
        var current = await Samples.CurrentVersionAsync(_http, Code);
        Assert.True(current >= 4, $"only {current} versions");
        //-- Every version but the last two is 100 days old.
        await Exec("UPDATE partition_version SET created_at = now() - interval '100 days' WHERE township_code = $1 AND version <= $2", Code, current - 2);

        var codes = await Strings("SELECT code FROM code_registry WHERE township_code = $1 ORDER BY 1");
        var before = new Dictionary<string, string>();
        foreach (var c in codes) before[c] = await _http.GetStringAsync($"/api/codes/{c.Trim()}");
        var diffs = new Dictionary<(int, int), JsonElement>();
        for (int a = 1; a <= current; a++)
            for (int b = 1; b <= current; b++)
                if (a != b) diffs[(a, b)] = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/versions/{a}/diff/{b}");
        var oldAssignments = await _http.GetStringAsync($"/api/townships/{Code}/export/assignments.csv?version=1");
        var currentMicroGrids = await _http.GetStringAsync($"/api/townships/{Code}/export/micro_grids.geojson");

        //-- Units recounted on the same land name the row holding their territory (migration 0023): retention must keep those.
        Assert.True(await Count("SELECT count(*) FROM micro_grid WHERE township_code = $1 AND geom_from IS NOT NULL", Code)
            + await Count("SELECT count(*) FROM grid WHERE township_code = $1 AND geom_from IS NOT NULL", Code) > 0);

        var (exit, output) = await ApiProcess.RunAsync(["compact", "--older-than", "90d", "--township", Code], db);
        Assert.True(exit == 0, output);
        Assert.Contains($"{Code}: versions through {current - 2} compacted", output, StringComparison.Ordinal);

        //-- Territories went only from closed, unpinned rows that a later row of the same code replaced.
        Assert.True(await Count("SELECT count(*) FROM micro_grid WHERE township_code = $1 AND geom IS NULL", Code) > 0);
        //-- (A closed row that holds its territory through another's, migrations 0022 and 0023, dropped its copy at any age.)
        foreach (var table in new[] { "micro_grid", "grid" })
            Assert.Equal(0, await Count($"""
                SELECT count(*) FROM {table} o WHERE township_code = $1 AND geom IS NULL
                  AND (valid_to IS NULL OR pinned OR NOT EXISTS (SELECT 1 FROM {table} n WHERE n.township_code = o.township_code AND n.code = o.code AND n.valid_from > o.valid_from)
                       OR ({(table == "grid" ? "" : "shares IS NULL AND ")}geom_from IS NULL AND valid_to > $2 + 1))
                """, Code, current - 2));
        Assert.Equal(current - 2, await Count("SELECT count(*) FROM partition_version WHERE township_code = $1 AND compacted_at IS NOT NULL", Code));
        //-- The versions kept read every territory, those held by a row of a compacted version too.
        foreach (var layer in new[] { GridSpatial.GeoApi.Infrastructure.PublishedLayer.Grids, GridSpatial.GeoApi.Infrastructure.PublishedLayer.MicroGrids })
            for (int v = current - 1; v <= current; v++)
                Assert.Equal(0, await Count($"SELECT count(*) FROM {layer.AtVersion("$1", "$2")} x WHERE x.geom IS NULL", Code, v));

        //-- Codes answer as before, with their geometry; the current version and old assignments too.
        foreach (var c in codes) Assert.Equal(before[c], await _http.GetStringAsync($"/api/codes/{c.Trim()}"));
        Assert.Equal(oldAssignments, await _http.GetStringAsync($"/api/townships/{Code}/export/assignments.csv?version=1"));
        Assert.Equal(currentMicroGrids, await _http.GetStringAsync($"/api/townships/{Code}/export/micro_grids.geojson"));
        //-- A compacted version's territories are gone, said so.
        using (var gone = await _http.GetAsync(new Uri($"/api/townships/{Code}/export/micro_grids.geojson?version=1", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
            Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
            Assert.Equal("version", (await gone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        //-- Diffs keep what they said: the same units added and removed, the same households moved,
        //-- and every unit reshaped before still reshaped (by the digest of its exact territory).
        foreach (var ((a, b), was) in diffs)
        {
            var now = await _http.GetFromJsonAsync<JsonElement>($"/api/townships/{Code}/versions/{a}/diff/{b}");
            foreach (var part in new[] { "added", "removed", "households" })
                Assert.Equal(was.GetProperty(part).GetRawText(), now.GetProperty(part).GetRawText());
            var reshaped = now.GetProperty("reshaped").EnumerateArray().Select(u => u.GetProperty("code").GetString()).ToHashSet();
            foreach (var u in was.GetProperty("reshaped").EnumerateArray())
                Assert.Contains(u.GetProperty("code").GetString(), reshaped);
        }

        //-- Again: nothing new to drop.
        var (again, second) = await ApiProcess.RunAsync(["compact", "--older-than", "90d", "--township", Code], db);
        Assert.Equal(0, again);
        Assert.Contains("(0 newly), 0 territories dropped", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compact_RefusesAnAgeItCannotRead()
    {
        var (exit, output) = await ApiProcess.RunAsync(["compact", "--older-than", "soon"], db);
        Assert.Equal(2, exit);
        Assert.Contains("--older-than", output, StringComparison.Ordinal);
    }

    private async Task Exec(string sql, params object[] args)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<long> Count(string sql, params object[] args)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<string>> Strings(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(r.GetString(0));
        return list;
    }
}
