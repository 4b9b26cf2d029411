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
        //-- One event per publish: the trigger is gone on Citus, and the publish wrote the row once.
        await using var events = citus.Db.CreateCommand("SELECT count(*) FROM webhook_event WHERE kind = 'version.published' AND township_code = $1 AND version = $2");
        events.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Char, Township);
        events.Parameters.AddWithValue(published);
        Assert.Equal(1L, (long)(await events.ExecuteScalarAsync())!);
    }

    [SkippableFact]
    public async Task An_assignment_made_and_ended_on_the_cluster_is_raised_once_each_as_assignment_changed()
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

        var assigned = await http.PostAsJsonAsync($"/api/codes/{grid}/people", new { personId, validFrom = "2026-01-01" });
        Assert.True(assigned.StatusCode == HttpStatusCode.Created, await assigned.Content.ReadAsStringAsync());
        var assignment = long.Parse(assigned.Headers.Location!.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var ended = await http.DeleteAsync(new Uri($"/api/codes/{grid}/people/{assignment}", UriKind.Relative));
        Assert.True(ended.StatusCode == HttpStatusCode.NoContent, await ended.Content.ReadAsStringAsync());

        await DeliveredAsync(receiver, 2);
        var data = receiver.All.Where(r => r.Answered == 204).Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(data, d => Assert.Equal("assignment.changed", d.GetProperty("event").GetString()));
        Assert.Equal(["added", "removed"], data.Select(d => d.GetProperty("data").GetProperty("change").GetString()));
        Assert.All(data, d =>
        {
            Assert.Equal(assignment, d.GetProperty("data").GetProperty("assignmentId").GetInt64());
            Assert.Equal(personId, d.GetProperty("data").GetProperty("personId").GetInt64());
            Assert.Equal(grid, d.GetProperty("data").GetProperty("code").GetString());
            Assert.Equal("full_time", d.GetProperty("data").GetProperty("role").GetString());
        });
        //-- Once each: on Citus the trigger is gone and the endpoints wrote the rows.
        await using var events = citus.Db.CreateCommand("SELECT count(*) FROM webhook_event WHERE kind = 'assignment.changed' AND (detail->>'assignmentId')::bigint = $1");
        events.Parameters.AddWithValue(assignment);
        Assert.Equal(2L, (long)(await events.ExecuteScalarAsync())!);
    }
}
