using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GridSpatial.GeoApi.Features.Tiles;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench tiles</c>: the z14 tile holding the most households, cut through the API
/// with the cache off (latency percentiles) side by side with the hand-written PostGIS query a
/// GIS engineer would write for it (<c>ST_Transform</c> on the fly, no simplification), then
/// served from the cache by concurrent clients (tiles per second).</summary>
public static class TileBench
{
    public static Command Create()
    {
        var layer = new Option<string>("--layer") { Description = "the tile layer", HelpName = "L", DefaultValueFactory = _ => "micro_grids" };
        var requests = new Option<int>("--requests") { Description = "uncached requests of the tile", HelpName = "N", DefaultValueFactory = _ => 300 };
        var seconds = new Option<int>("--seconds") { Description = "how long the cached run lasts", HelpName = "S", DefaultValueFactory = _ => 5 };
        var command = new Command("tiles", "the densest z14 tile uncached (p50/p95) beside the hand-written ST_AsMVT query, and cached tiles/s") { layer, requests, seconds };
        command.SetAction(p => RunAsync(p.GetRequiredValue(layer), p.GetValue(requests), p.GetValue(seconds)));
        return command;
    }

    private static async Task<int> RunAsync(string layerId, int requests, int seconds)
    {
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);

        var (z, x, y, households) = await DensestTile(db);
        Console.WriteLine($"tile 14/{x}/{y}: {households:N0} households");

        await using var host = await BenchHost.StartAsync("--Hangfire:Server=false");
        var rows = new List<string[]>();
        using var http = host.Client(64);
        var cache = host.Services.GetRequiredService<TileCache>();
        var layer = host.Services.GetRequiredService<Dictionary<string, TileLayer>>()[layerId];
        var path = new Uri($"/tiles/{layerId}/{z}/{x}/{y}.mvt", UriKind.Relative);
        int bytes = (await http.GetByteArrayAsync(path)).Length;
        var handWritten = HandWritten(layer);

        //-- Uncached API and the hand-written query alternate in rounds, so load on this shared
        //-- machine falls on both alike.
        cache.Enabled = false;
        var api = new List<double>();
        var reference = new List<double>();
        int referenceBytes = 0;
        for (int warm = 0; warm < 20; warm++)
        {
            await http.GetByteArrayAsync(path);
            referenceBytes = (await Reference(db, handWritten, z, x, y)).Length;
        }
        for (int i = 0; i < requests; i++)
        {
            var sw = Stopwatch.StartNew();
            await http.GetByteArrayAsync(path);
            api.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            await Reference(db, handWritten, z, x, y);
            reference.Add(sw.Elapsed.TotalMilliseconds);
        }
        rows.Add([$"z14 {layerId} tile, uncached, through HTTP ({bytes:N0} bytes)", Percentiles(api),
            $"{Percentiles(reference)} ({referenceBytes:N0} bytes)", $"{P(reference, 0.95) / P(api, 0.95):F2}× (p95)"]);

        //-- Cached: 8 concurrent clients for the given time.
        cache.Enabled = true;
        await http.GetByteArrayAsync(path);
        long served = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                await http.GetByteArrayAsync(path);
                Interlocked.Increment(ref served);
            }
        }));
        double rate = served / clock.Elapsed.TotalSeconds;
        double pgRate = 0;
        clock.Restart();
        int pg = 0;
        while (clock.Elapsed.TotalSeconds < 2) { await Reference(db, handWritten, z, x, y); pg++; }
        pgRate = pg / clock.Elapsed.TotalSeconds;
        rows.Add(["same tile, cached, 8 concurrent HTTP clients", $"{rate:N0} tiles/s", $"{pgRate:N0} tiles/s (1 connection)", $"{rate / pgRate:N0}×"]);
        Console.WriteLine("| tiles | GridSpatial | hand-written ST_AsMVT (same run) | ratio |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var r in rows) Console.WriteLine("| " + string.Join(" | ", r) + " |");
        return 0;
    }

    /// <summary>The z14 tile holding the most households.</summary>
    private static async Task<(int Z, int X, int Y, long Households)> DensestTile(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("""
            SELECT floor((ST_X(geom) + 180) / 360 * 16384)::int AS x,
                   floor((1 - ln(tan(radians(ST_Y(geom))) + 1 / cos(radians(ST_Y(geom)))) / pi()) / 2 * 16384)::int AS y, count(*)
            FROM household GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 1
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        if (!await r.ReadAsync()) throw new UsageException("No households in the database: run scripts/run.sh (or import) first.");
        return (14, r.GetInt32(0), r.GetInt32(1), r.GetInt64(2));
    }

    /// <summary>The textbook query for the same tile and attributes: transform on the fly, no simplification.</summary>
    private static string HandWritten(TileLayer l) => $"""
        SELECT ST_AsMVT(t.*, '{l.Id}') FROM (
            SELECT {l.Attributes}, ST_AsMVTGeom(ST_Transform(x.geom, 3857), ST_TileEnvelope($1, $2, $3)) AS geom
            FROM {l.From}
            WHERE x.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
        ) t WHERE t.geom IS NOT NULL
        """;

    private static async Task<byte[]> Reference(NpgsqlDataSource db, string sql, int z, int x, int y)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(z);
        cmd.Parameters.AddWithValue(x);
        cmd.Parameters.AddWithValue(y);
        return await cmd.ExecuteScalarAsync() as byte[] ?? [];
    }

    private static double P(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * q))];
    }

    private static string Percentiles(List<double> ms) =>
        string.Create(CultureInfo.InvariantCulture, $"p50 {P(ms, 0.5):F1} ms, p95 {P(ms, 0.95):F1} ms");
}
