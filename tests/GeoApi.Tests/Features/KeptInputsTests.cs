using System.Text.Json.Nodes;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>A recompute's load keeps a township's building footprints, barriers and streets, and its
/// households brought forward by the change log, between recomputes (#21: most of the load of a
/// large township), and what it gives is always what a fresh read gives: after single edits, a
/// layer import, a household import, and the township deleted and imported again.</summary>
[Collection("db")]
public class KeptInputsTests(DatabaseFixture db)
{
    private const string Code = "530627294";
    private readonly HttpClient _http = db.Client();

    [Fact]
    public async Task LoadsAfterEditsAndImports_TakeWhatIsKept_AndEqualAFreshRead()
    {
        var township = new TownshipGenerator(294).Generate(Code, "存入镇", 109.7, 26.1, 400);
        await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers", "streets");
        var kept = new KeptInputs();
        var store = new PartitionStore(db.Db, [], new PublishedPartitions(), kept);
        await AssertFreshAsync(store);
        await AssertFreshAsync(store);
        Assert.Equal((1, 1, 0), kept.HitsOf(Code));

        //-- Single edits: the two households named by the log are read again, the rest kept.
        var (moved, gone) = (township.Households[3].Id, township.Households[7].Id);
        using (var move = GridSpatial.GeoApi.Cli.BenchEdit.MoveBeside(moved, township.Households[200].Location.Coordinate))
        using (var patch = await _http.SendAsync(move))
            Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync());
        using (var delete = await _http.DeleteAsync(new Uri($"/api/households/{gone}", UriKind.Relative)))
            Assert.True(delete.IsSuccessStatusCode, await delete.Content.ReadAsStringAsync());
        var input = await AssertFreshAsync(store);
        Assert.DoesNotContain(input.Households, h => h.Id == gone);
        Assert.Equal((2, 2, 2), kept.HitsOf(Code));

        //-- A building import changes the layers version: footprints read again; households still kept.
        var building = township.Buildings[0];
        await PostAsync($"/api/townships/{Code}/buildings", Samples.Collection(Samples.Feature(
            new JsonObject { ["id"] = building.Id, ["floors"] = building.Floors + 3 },
            Samples.Polygon([.. building.Footprint.ExteriorRing.Coordinates.Select(c => (c.X, c.Y))]))));
        input = await AssertFreshAsync(store);
        Assert.Equal(building.Floors + 3, input.Buildings.Single(b => b.Id == building.Id).Floors);
        Assert.Equal((2, 3, 2), kept.HitsOf(Code));

        //-- A household import may change any number: all read again.
        await PostAsync($"/api/townships/{Code}/households", Samples.Collection(Samples.Household(township.Households[11].Id, 109.7, 26.1)));
        await AssertFreshAsync(store);
        Assert.Equal((3, 3, 2), kept.HitsOf(Code));

        //-- Deleted and imported again: its versions start afresh, nothing kept from its earlier life is used.
        await using (var drop = db.Db.CreateCommand($"DELETE FROM township WHERE code = '{Code}'"))
            await drop.ExecuteNonQueryAsync();
        var again = new TownshipGenerator(295).Generate(Code, "存入镇", 109.7, 26.1, 300);
        await Samples.ImportAsync(_http, again, "villages", "buildings", "households", "barriers", "streets");
        //-- ...even when its layers and data versions come to the earlier life's (5 and 4).
        await PostAsync($"/api/townships/{Code}/buildings", Samples.Collection(Samples.Feature(
            new JsonObject { ["id"] = again.Buildings[0].Id, ["floors"] = again.Buildings[0].Floors + 1 },
            Samples.Polygon([.. again.Buildings[0].Footprint.ExteriorRing.Coordinates.Select(c => (c.X, c.Y))]))));
        for (int i = 0; i < 3; i++)
            using (var move = GridSpatial.GeoApi.Cli.BenchEdit.MoveBeside(again.Households[i].Id, again.Households[100 + i].Location.Coordinate))
            using (var patch = await _http.SendAsync(move))
                Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync());
        await using (var versions = db.Db.CreateCommand($"SELECT layers_version, data_version FROM township_state WHERE township_code = '{Code}'"))
        await using (var r = await versions.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal((5L, 4L), (r.GetInt64(0), r.GetInt64(1)));
        }
        input = await AssertFreshAsync(store);
        Assert.Equal(again.Households.Select(h => h.Id).Order(StringComparer.Ordinal), input.Households.Select(h => h.Id));
        Assert.Equal((3, 3, 2), kept.HitsOf(Code));
    }

    /// <summary>Loads through <paramref name="store"/> and asserts the inputs equal a fresh read's, field for field.</summary>
    private async Task<PartitionInput> AssertFreshAsync(PartitionStore store)
    {
        var input = (await store.LoadAsync(Code, CancellationToken.None)).Input;
        var fresh = (await new PartitionStore(db.Db, [], new PublishedPartitions(), new KeptInputs(0)).LoadAsync(Code, CancellationToken.None)).Input;
        Assert.Equal(fresh.Households.Select(h => (h.Id, h.Location.X, h.Location.Y, h.BuildingId, h.Floor, h.Unit)),
            input.Households.Select(h => (h.Id, h.Location.X, h.Location.Y, h.BuildingId, h.Floor, h.Unit)));
        Assert.Equal(fresh.Buildings.OrderBy(b => b.Id, StringComparer.Ordinal).Select(b => (b.Id, b.Footprint.AsText(), b.Floors)),
            input.Buildings.OrderBy(b => b.Id, StringComparer.Ordinal).Select(b => (b.Id, b.Footprint.AsText(), b.Floors)));
        Assert.Equal(fresh.Barriers.Select(b => (b.Id, b.Line.AsText(), b.Kind)).Order(), input.Barriers.Select(b => (b.Id, b.Line.AsText(), b.Kind)).Order());
        Assert.Equal(fresh.Streets.Select(s => (s.Id, s.Line.AsText(), s.Kind)).Order(), input.Streets.Select(s => (s.Id, s.Line.AsText(), s.Kind)).Order());
        return input;
    }

    private async Task PostAsync(string path, JsonObject body)
    {
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), Samples.Json(body));
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
