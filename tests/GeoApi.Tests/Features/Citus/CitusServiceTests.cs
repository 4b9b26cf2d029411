using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;
using GridSpatial.GeoApi.Tests.Features.Subscriptions;

namespace GridSpatial.GeoApi.Tests.Features.Citus;

/// <summary>The service tests' database: its own township (530627287) at 111.60° E, 23.60° N.</summary>
public sealed class CitusServiceFixture() : CitusFixture(new TownshipGenerator(287).Generate(CitusServiceTests.Township, "通知镇", 111.60, 23.60, 500));

/// <summary>Parts of the API beyond lookups and edits on the Citus cluster: a township's details
/// (counts joined per township from the reference table) and change notifications (on Citus the
/// publish and the people endpoints write the outbox rows themselves, Infrastructure/WebhookOutbox).</summary>
[Collection(CitusFixture.Collection)]
public class CitusServiceTests(CitusServiceFixture citus) : IClassFixture<CitusServiceFixture>
{
    public const string Township = "530627287";

    /// <summary>A loopback receiver answering 204, subscribed to the township's <paramref name="kind"/> events.</summary>
    private static async Task<LoopbackReceiver> SubscribedAsync(HttpClient http, string kind)
    {
        var receiver = await LoopbackReceiver.StartAsync();
        receiver.Status = _ => 204;
        var subscribed = await http.PostAsJsonAsync("/api/subscriptions",
            new { url = receiver.Url, secret = $"citus-receiver-secret-{kind}", townshipPrefix = Township, events = new[] { kind } });
        Assert.True(subscribed.StatusCode == HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        return receiver;
    }

    /// <summary>Waits (60 s at most) until <paramref name="count"/> notifications were delivered.</summary>
    private async Task DeliveredAsync(LoopbackReceiver receiver, int count)
    {
        var clock = Stopwatch.StartNew();
        while (receiver.All.Count(r => r.Answered == 204) < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{receiver.All.Count(r => r.Answered == 204)} of {count} delivered within 60 s\n{citus.ApiTail}");
            await Task.Delay(100);
        }
    }

    [SkippableFact]
    public async Task A_township_is_answered_with_its_counts_alone_and_in_the_list()
    {
        Skip.IfNot(CitusFixture.Available, CitusFixture.Unavailable);
        var http = citus.Client();
        var generated = citus.Generated;
        var one = await http.GetFromJsonAsync<JsonElement>($"/api/townships/{Township}");
        Assert.Equal(generated.Villages.Count, one.GetProperty("villages").GetInt64());
        Assert.Equal(generated.Buildings.Count, one.GetProperty("buildings").GetInt64());
        Assert.Equal(generated.Households.Count, one.GetProperty("households").GetInt64());
        Assert.Equal(await Samples.CurrentVersionAsync(http, Township), one.GetProperty("currentVersion").GetInt32());

        var list = await http.GetFromJsonAsync<JsonElement>("/api/townships");
        var listed = Assert.Single(list.EnumerateArray(), t => t.GetProperty("code").GetString() == Township);
        Assert.Equal(generated.Households.Count, listed.GetProperty("households").GetInt64());

        using var missing = await http.GetAsync(new Uri("/api/townships/530627289", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [SkippableFact]
    public async Task A_micro_grid_tile_over_one_township_is_cut_on_its_shard()
    {
        Skip.IfNot(CitusFixture.Available, CitusFixture.Unavailable);
        var http = citus.Client();
        var (microGrid, _, point) = await Samples.ClusterHouseholdAsync(citus.Db, Township);
        foreach (var layer in new[] { "micro_grids", "grids" })
        {
            const int z = 15;
            var (x, y) = Samples.TileAt(point[0], point[1], z);
            using var tile = await http.GetAsync(new Uri($"/tiles/{layer}/{z}/{x}/{y}.mvt", UriKind.Relative));
            var bytes = await tile.Content.ReadAsByteArrayAsync();
            Assert.True(tile.StatusCode == HttpStatusCode.OK, $"{layer}: {(int)tile.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
            //-- The unit under the household is in the tile (an MVT keeps string values as they are).
            var unit = layer == "micro_grids" ? microGrid : microGrid[..^3];
            Assert.True(bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(unit)) >= 0, $"{layer} tile {z}/{x}/{y} ({bytes.Length} bytes) does not hold {unit}");
        }
    }

    [SkippableFact]
    public async Task A_version_published_on_the_cluster_is_delivered_to_its_subscriber()
    {
        Skip.IfNot(CitusFixture.Available, CitusFixture.Unavailable);
        var http = citus.Client();
        await using var receiver = await SubscribedAsync(http, "version.published");
        var before = await Samples.CurrentVersionAsync(http, Township);

        //-- A staff redraw publishes a version.
        await Samples.RedrawAsync(http, citus.Db, Township);
        var published = await Samples.CurrentVersionAsync(http, Township);
        Assert.True(published > before, $"no version was published (still {before})");

        await DeliveredAsync(receiver, 1);
        var payload = JsonDocument.Parse(receiver.All.First(r => r.Answered == 204).Body).RootElement;
        Assert.Equal("version.published", payload.GetProperty("event").GetString());
        Assert.Equal(Township, payload.GetProperty("township").GetString());
        Assert.Equal(published, payload.GetProperty("data").GetProperty("version").GetInt32());
        //-- One event per publish: the publish wrote the row once.
        await using var events = citus.Db.CreateCommand("SELECT count(*) FROM webhook_event WHERE kind = 'version.published' AND township_code = $1 AND version = $2");
        events.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Char, Township);
        events.Parameters.AddWithValue(published);
        Assert.Equal(1L, (long)(await events.ExecuteScalarAsync())!);
    }

    [SkippableFact]
    public async Task Assignments_made_and_ended_on_the_cluster_by_unassigning_or_deleting_the_person_are_raised_once_each()
    {
        Skip.IfNot(CitusFixture.Available, CitusFixture.Unavailable);
        var http = citus.Client();
        await using var receiver = await SubscribedAsync(http, "assignment.changed");
        await using var gridQuery = citus.Db.CreateCommand("SELECT code::text FROM current_grid WHERE township_code = $1 ORDER BY code LIMIT 1");
        gridQuery.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Char, Township);
        var grid = (string)(await gridQuery.ExecuteScalarAsync())!;
        var person = await http.PostAsJsonAsync("/api/people", new { name = "分片网格员", role = "full_time", phone = "13600002870", jurisdiction = Township });
        Assert.True(person.StatusCode == HttpStatusCode.Created, await person.Content.ReadAsStringAsync());
        var personId = (await person.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        async Task<long> AssignAsync()
        {
            var assigned = await http.PostAsJsonAsync($"/api/codes/{grid}/people", new { personId, validFrom = "2026-01-01" });
            Assert.True(assigned.StatusCode == HttpStatusCode.Created, await assigned.Content.ReadAsStringAsync());
            return long.Parse(assigned.Headers.Location!.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        }
        var first = await AssignAsync();
        var ended = await http.DeleteAsync(new Uri($"/api/codes/{grid}/people/{first}", UriKind.Relative));
        Assert.True(ended.StatusCode == HttpStatusCode.NoContent, await ended.Content.ReadAsStringAsync());
        //-- A second assignment, ended by deleting the person (the foreign key's cascade deletes it on its shard).
        var second = await AssignAsync();
        var deleted = await http.DeleteAsync(new Uri($"/api/people/{personId}", UriKind.Relative));
        Assert.True(deleted.StatusCode == HttpStatusCode.NoContent, await deleted.Content.ReadAsStringAsync() + "\n" + citus.ApiTail);

        await DeliveredAsync(receiver, 4);
        var data = receiver.All.Where(r => r.Answered == 204).Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(data, d => Assert.Equal("assignment.changed", d.GetProperty("event").GetString()));
        Assert.Equal([(first, "added"), (first, "removed"), (second, "added"), (second, "removed")],
            data.Select(d => (d.GetProperty("data").GetProperty("assignmentId").GetInt64(), d.GetProperty("data").GetProperty("change").GetString())));
        Assert.All(data, d =>
        {
            Assert.Equal(personId, d.GetProperty("data").GetProperty("personId").GetInt64());
            Assert.Equal(grid, d.GetProperty("data").GetProperty("code").GetString());
            Assert.Equal("full_time", d.GetProperty("data").GetProperty("role").GetString());
        });
        //-- Once each: the endpoints wrote the rows, nothing else did.
        await using var events = citus.Db.CreateCommand("SELECT count(*) FROM webhook_event WHERE kind = 'assignment.changed' AND (detail->>'assignmentId')::bigint = ANY($1)");
        events.Parameters.AddWithValue(new[] { first, second });
        Assert.Equal(4L, (long)(await events.ExecuteScalarAsync())!);
    }

    [SkippableFact]
    public async Task A_crosswalk_changed_by_either_side_publishing_on_the_cluster_is_delivered_with_its_diff()
    {
        Skip.IfNot(CitusFixture.Available, CitusFixture.Unavailable);
        var http = citus.Client();
        const string layer = "citus-squares";
        async Task<int> ImportAsync(int n)
        {
            using var r = await http.PostAsync(new Uri($"/api/townships/{Township}/layers/{layer}", UriKind.Relative), Samples.Json(await Layers.LayerSquares.OfAsync(citus.Db, Township, n)));
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync() + "\n" + citus.ApiTail);
            return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
        }
        await ImportAsync(2);
        await using var receiver = await SubscribedAsync(http, "crosswalk.changed");

        //-- The layer's side: a finer grid of squares as version 2; then the partition's side: a staff redraw.
        var layerVersion = await ImportAsync(3);
        var before = await Samples.CurrentVersionAsync(http, Township);
        await Samples.RedrawAsync(http, citus.Db, Township);
        var redrawn = await Samples.CurrentVersionAsync(http, Township);

        await DeliveredAsync(receiver, 2);
        var data = receiver.All.Where(r => r.Answered == 204).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data")).ToList();
        Assert.Equal(["layer", "partition"], data.Select(d => d.GetProperty("side").GetString()));
        Assert.All(data, d => Assert.Equal(layer, d.GetProperty("layer").GetString()));
        static (int, int) To(JsonElement d) => (d.GetProperty("to").GetProperty("layerVersion").GetInt32(), d.GetProperty("to").GetProperty("partitionVersion").GetInt32());
        static (int, int) From(JsonElement d) => (d.GetProperty("from").GetProperty("layerVersion").GetInt32(), d.GetProperty("from").GetProperty("partitionVersion").GetInt32());
        Assert.Equal(((layerVersion - 1, before), (layerVersion, before)), (From(data[0]), To(data[0])));
        Assert.Equal(((layerVersion, before), (layerVersion, redrawn)), (From(data[1]), To(data[1])));
        //-- The diff was built on the cluster: the finer squares changed which micro-grids each unit holds.
        Assert.NotEmpty(data[0].GetProperty("changed").EnumerateArray());
    }

    [SkippableFact]
    public async Task Codes_notice_maps_exports_areas_and_version_diffs_are_answered_on_the_cluster()
    {
        Skip.IfNot(CitusFixture.Available, CitusFixture.Unavailable);
        var http = citus.Client();
        var (microGrid, _, point) = await Samples.ClusterHouseholdAsync(citus.Db, Township);
        var grid = microGrid[..15];
        async Task<HttpResponseMessage> OkAsync(HttpResponseMessage r, string what)
        {
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{what}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}\n{citus.ApiTail}");
            return r;
        }
        //-- A code of each level, with its territory and history (read at its version on the shard).
        foreach (var code in new[] { microGrid, grid })
        {
            var unit = await (await OkAsync(await http.GetAsync(new Uri($"/api/codes/{code}", UriKind.Relative)), code)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(code, unit.GetProperty("code").GetString());
        }
        var pdf = await (await OkAsync(await http.GetAsync(new Uri($"/api/codes/{grid}/notice-map.pdf", UriKind.Relative)), "notice map")).Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        var gpkg = await (await OkAsync(await http.GetAsync(new Uri($"/api/townships/{Township}/export/partition.gpkg", UriKind.Relative)), "GeoPackage")).Content.ReadAsByteArrayAsync();
        Assert.Equal("SQLite format 3"u8.ToArray(), gpkg[..15]);
        var area = await OkAsync(await http.PostAsync(new Uri("/api/area", UriKind.Relative), new StringContent(
            $$"""{"geometry": {"type": "Point", "coordinates": [{{point[0].ToString(System.Globalization.CultureInfo.InvariantCulture)}}, {{point[1].ToString(System.Globalization.CultureInfo.InvariantCulture)}}]}, "radius_m": 150}""",
            System.Text.Encoding.UTF8, "application/json")), "area");
        Assert.Contains(microGrid, await area.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var current = await Samples.CurrentVersionAsync(http, Township);
        await OkAsync(await http.GetAsync(new Uri($"/api/townships/{Township}/versions/1/diff/{current}", UriKind.Relative)), "diff");
    }
}
