using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>bench area</c>: <c>POST /api/area</c> through the running API on squares of
/// <c>--km2</c> (5 km² by default, the issue's target: ≤ 200 ms) centred on random households of the
/// database, beside the same question written by hand in PostGIS in the same run (households in the
/// polygon with their micro-grids, and the micro-grids it touches with their overlap), and a plain
/// <c>ST_Intersects</c> count: p50, p95, max and the households inside.</summary>
public static class AreaBench
{
    private const string HandWritten = """
        WITH q AS (SELECT ST_GeomFromText($1, 4326) AS g)
        SELECT (SELECT count(DISTINCT a.micro_grid_code) FROM q, household h
                    JOIN current_assignment a ON a.township_code = h.township_code AND a.household_id = h.id
                    WHERE ST_Intersects(h.geom, q.g)),
               (SELECT sum(ST_Area(ST_Intersection(m.geom, q.g)) / ST_Area(m.geom)) FROM current_micro_grid m, q WHERE ST_Intersects(m.geom, q.g))
        """;

    public static Command Create()
    {
        var km2 = new Option<double>("--km2") { Description = "area of each query square", HelpName = "KM2", DefaultValueFactory = _ => 5 };
        var queries = new Option<int>("--queries") { Description = "squares measured (after five to warm up)", HelpName = "N", DefaultValueFactory = _ => 40 };
        var command = new Command("area", "POST /api/area on squares of --km2 around random households, beside the same query by hand in PostGIS and a plain ST_Intersects count") { km2, queries };
        command.SetAction(p => RunAsync(p.GetValue(km2), p.GetValue(queries)));
        return command;
    }

    private static async Task<int> RunAsync(double km2, int queries)
    {
        if (km2 is <= 0 or > 1000) throw new UsageException($"--km2 {km2}: above 0 and at most 1000.");
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        long households;
        await using (var count = db.CreateCommand("SELECT count(*) FROM household")) households = (long)(await count.ExecuteScalarAsync())!;
        if (households == 0) throw new UsageException("No households in the database: run scripts/run.sh (or import and recompute) first.");

        var squares = new List<Geometry>();
        var rnd = new Random(42);
        await using (var cmd = db.CreateCommand("SELECT ST_X(geom), ST_Y(geom) FROM household TABLESAMPLE SYSTEM (10) REPEATABLE (42) LIMIT 2000"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            var points = new List<Coordinate>();
            while (await r.ReadAsync()) points.Add(new Coordinate(r.GetDouble(0), r.GetDouble(1)));
            if (points.Count == 0) throw new UsageException("No households sampled: the table is too small for TABLESAMPLE; add households.");
            double half = Math.Sqrt(km2 * 1e6) / 2;
            for (int i = 0; i < queries + 5; i++)
            {
                var c = points[rnd.Next(points.Count)];
                var projection = new MetricProjection(c.X, c);
                var o = projection.Forward(c);
                var square = NetTopologySuite.Densify.Densifier.Densify(projection.MetricFactory.ToGeometry(new Envelope(o.X - half, o.X + half, o.Y - half, o.Y + half)), half / 8);
                squares.Add(projection.Inverse(square));
            }
        }

        await using var host = await BenchHost.StartAsync("--Hangfire:Server=false");
        using var http = host.Client();
        var wkt = new WKTWriter();
        var api = new List<double>();
        var hand = new List<double>();
        var plain = new List<double>();
        var inside = new List<long>();
        for (int i = 0; i < squares.Count; i++)
        {
            var body = System.Text.Json.JsonSerializer.Serialize(squares[i], Partitioner.Files.PartitionJson.Options);
            var clock = Stopwatch.StartNew();
            using (var response = await http.PostAsync(new Uri("/api/area", UriKind.Relative), new StringContent(body, Encoding.UTF8, new System.Net.Http.Headers.MediaTypeHeaderValue("application/json"))))
            {
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }
            var apiMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            await using (var cmd = db.CreateCommand(HandWritten))
            {
                cmd.Parameters.AddWithValue(wkt.Write(squares[i]));
                await using var r = await cmd.ExecuteReaderAsync();
                await r.ReadAsync();
            }
            var handMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            long n;
            await using (var cmd = db.CreateCommand("SELECT count(*) FROM household WHERE ST_Intersects(geom, ST_GeomFromText($1, 4326))"))
            {
                cmd.Parameters.AddWithValue(wkt.Write(squares[i]));
                n = (long)(await cmd.ExecuteScalarAsync())!;
            }
            var plainMs = clock.Elapsed.TotalMilliseconds;
            if (i < 5) continue;
            api.Add(apiMs);
            hand.Add(handMs);
            plain.Add(plainMs);
            inside.Add(n);
        }
        Console.WriteLine($"{queries} squares of {km2.ToString(CultureInfo.InvariantCulture)} km² around random households; database: {households:N0} households; households inside: mean {inside.Average():N0}, max {inside.Max():N0}");
        Console.WriteLine("| query | p50 | p95 | max |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("POST /api/area (JSON: units, shares, people, households), through HTTP", api);
        Row("the same by hand in PostGIS (households with micro-grids, micro-grids with overlap)", hand);
        Row("plain PostGIS ST_Intersects count of households", plain);
        Console.WriteLine($"target: p95 ≤ 200 ms for 5 km² — {(Percentile(api, 0.95) <= 200 ? "met" : "NOT met")} on this database");
        return 0;
    }

    private static void Row(string name, List<double> ms) =>
        Console.WriteLine(FormattableString.Invariant($"| {name} | {Percentile(ms, 0.5):F1} ms | {Percentile(ms, 0.95):F1} ms | {ms.Max():F1} ms |"));

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }
}
