using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Recompute requests coalesce per township: a flood of partition requests for one
/// township makes at most one job running and one waiting, forced runs of unchanged data publish
/// nothing new, and another township's recompute is not held up behind the flood.</summary>
[Collection("db")]
public class RecomputeStormTests(DatabaseFixture db)
{
    private const string Flooded = "530627142", Other = "530627143";
    private readonly HttpClient _http = db.Client();

    [Fact]
    public async Task ThreeHundredForcedRequests_CoalesceIntoAFewJobs_PublishNothingNew_AndDoNotStarveAnotherTownship()
    {
        var other = new TownshipGenerator(143).Generate(Other, "邻近镇", 104.50, 28.70, 400);
        foreach (var (code, t) in new[] { (Flooded, new TownshipGenerator(142).Generate(Flooded, "洪水镇", 104.50, 28.90, 400)), (Other, other) })
        {
            await Samples.ImportAsync(_http, t, "villages", "households", "barriers");
            await Samples.PartitionAsync(_http, db.Db, code, force: false);
        }
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(60), Flooded, Other);
        var before = await Samples.CurrentVersionAsync(_http, Flooded);

        //-- 300 forced requests in about three seconds, ten at a time; after each ten, the jobs not yet started are counted.
        var ids = new List<string>();
        int mostWaiting = 0;
        await using var waiting = db.Db.CreateCommand("SELECT count(*) FROM hangfire.job WHERE arguments->>0 = $1 AND statename IN ('Enqueued', 'Scheduled', 'Awaiting')");
        waiting.Parameters.AddWithValue(JsonSerializer.Serialize(Flooded));
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 30; i++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _http.PostAsync(new Uri($"/api/townships/{Flooded}/partition?force=true", UriKind.Relative), null)));
            foreach (var a in answers)
            {
                Assert.Equal(HttpStatusCode.Accepted, a.StatusCode);
                ids.Add((await a.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!);
            }
            mostWaiting = Math.Max(mostWaiting, (int)(long)(await waiting.ExecuteScalarAsync())!);
            await Task.Delay(Math.Max(0, 100 * (i + 1) - (int)clock.ElapsedMilliseconds));
        }

        //-- Meanwhile a household of the other township moves: its recompute must not wait behind the flood.
        var h = other.Households[0];
        var changed = Stopwatch.StartNew();
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, new Uri($"/api/households/{h.Id}", UriKind.Relative))
        {
            Content = Samples.Json(FormattableString.Invariant($"{{\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{h.Location.X + 0.00003},{h.Location.Y}]}}}}")),
        })
            (await _http.SendAsync(patch)).EnsureSuccessStatusCode();
        var otherBefore = await Samples.CurrentVersionAsync(_http, Other);
        while (await Samples.CurrentVersionAsync(_http, Other) == otherBefore)
        {
            Assert.True(changed.Elapsed < TimeSpan.FromSeconds(30), "the other township was not recomputed within 30 s of its change");
            await Task.Delay(100);
        }

        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(60), Flooded);
        //-- Never more than one job waiting: requests joined it; a new job is made only once the waiting one has started.
        var distinct = ids.Distinct().Count();
        Assert.True(mostWaiting <= 1, $"{mostWaiting} jobs waiting at once");
        Assert.True(distinct <= 100, $"{distinct} jobs for 300 requests");
        Assert.Equal(before, await Samples.CurrentVersionAsync(_http, Flooded));
        //-- Forced requests leave the township clean, so "settled" does not wait for the flood's last job:
        //-- every job must end, and none failed (a failed one never leaves this count).
        await using var cmd = db.Db.CreateCommand("SELECT count(*) FROM hangfire.job WHERE arguments->>0 = $1 AND statename NOT IN ('Succeeded', 'Deleted')");
        cmd.Parameters.AddWithValue(JsonSerializer.Serialize(Flooded));
        long unfinished;
        for (var wait = Stopwatch.StartNew(); (unfinished = (long)(await cmd.ExecuteScalarAsync())!) > 0 && wait.Elapsed < TimeSpan.FromSeconds(120);)
            await Task.Delay(200);
        Assert.Equal(0L, unfinished);
    }
}
