using System.Diagnostics;
using System.Globalization;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Cli;

/// <summary>The compactness reference of issue #15, computed as the <c>postgis_kmeans_voronoi</c>
/// rows of ../shared/data/liechtenstein/references.csv were: ST_ClusterKMeans of the households
/// with k = ⌈households / 10⌉ in the UTM zone of the township, and as territories the
/// ST_VoronoiPolygons cells of the household locations clipped to the township and unioned per
/// cluster. No barriers, villages, buildings, size bounds or codes. Of the two readings tried on
/// the seven shared townships, (a) Voronoi cells of the cluster centres clipped to the township
/// and (b) unions of household cells per cluster, (b) reproduces references.csv to its last digit
/// (k, shares 8–12 and 5–15, largest cluster, mean Polsby–Popper, mean dispersion) while (a) gives
/// Polsby–Popper 0.66–0.73 against 0.61–0.65, so (b) it is. PostGIS 3.3's k-means gave the same
/// clusters on every run. Its time is the solve on the server, a GiST index on the clustered
/// households included (the cell-to-cluster join is quadratic without one); the clustering alone
/// is reported beside it, comparable with the earlier reference (k-means and cells of the cluster
/// centres only).</summary>
internal sealed class KMeansReference(NpgsqlDataSource db)
{
    /// <summary>One solve: its time on the server (clusters and territories, not the transfer), the
    /// clustering alone, and the CPU time of the server process that did it (null when the server
    /// is not on this machine).</summary>
    public sealed record Solve(double Ms, double KMeansMs, double? CpuMs);

    /// <summary>The households of <paramref name="input"/> loaded into a session of their own, ready
    /// to be solved as many times as asked (one at a time, so a bench can interleave them with its own runs).</summary>
    public async Task<Session> OpenAsync(PartitionInput input, CancellationToken ct)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            await ExecuteAsync(conn, "DROP TABLE IF EXISTS bench_h, bench_c, bench_ref", ct);
            await ExecuteAsync(conn, "CREATE TEMP TABLE bench_h (id text, geom geometry(Point, 4326))", ct);
            await using (var w = await conn.BeginBinaryImportAsync("COPY bench_h (id, geom) FROM STDIN (FORMAT BINARY)", ct))
            {
                var f = new GeometryFactory(new PrecisionModel(), 4326);
                foreach (var h in input.Households)
                {
                    await w.StartRowAsync(ct);
                    await w.WriteAsync(h.Id, ct);
                    await w.WriteAsync(f.CreatePoint(h.Location), ct);
                }
                await w.CompleteAsync(ct);
            }
            int backend;
            await using (var cmd = new NpgsqlCommand("SELECT pg_backend_pid()", conn))
                backend = (int)(await cmd.ExecuteScalarAsync(ct))!;
            return new Session(conn, input, backend);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public sealed class Session : IAsyncDisposable
    {
        private readonly NpgsqlConnection _conn;
        private readonly int _utm;
        private readonly int _k;
        private readonly Geometry _township;
        private readonly int _backend;

        internal Session(NpgsqlConnection conn, PartitionInput input, int backend)
        {
            _conn = conn;
            _backend = backend;
            var centre = input.Township.Boundary.Centroid.Coordinate;
            _utm = (centre.Y >= 0 ? 32600 : 32700) + (int)Math.Floor((centre.X + 180) / 6) + 1;
            _k = (int)Math.Ceiling(input.Households.Count / 10.0);
            _township = input.Township.Boundary.Copy();
            _township.SRID = 4326;
        }

        public async Task<Solve> SolveAsync(CancellationToken ct)
        {
            await ExecuteAsync(_conn, "DROP TABLE IF EXISTS bench_c, bench_ref", ct);
            var cpu = BackendCpuMs();
            var clock = Stopwatch.StartNew();
            await ExecuteAsync(_conn, """
                CREATE TEMP TABLE bench_c AS
                SELECT id, g, ST_ClusterKMeans(g, $2) OVER () AS cid FROM (SELECT id, ST_Transform(geom, $1) AS g FROM bench_h) h
                """, ct, _utm, _k);
            var kmeans = clock.Elapsed.TotalMilliseconds;
            //-- Without an index the household-to-cell join is quadratic (seconds on 10,000 households).
            await ExecuteAsync(_conn, "CREATE INDEX ON bench_c USING gist (g)", ct);
            await ExecuteAsync(_conn, """
                CREATE TEMP TABLE bench_ref AS
                WITH t AS (SELECT ST_Transform($2::geometry, $1) AS g),
                     cells AS (SELECT row_number() OVER () AS n, d.geom AS cell
                               FROM ST_Dump(ST_VoronoiPolygons((SELECT ST_Collect(g) FROM bench_c), 0, (SELECT g FROM t))) d),
                     owned AS (SELECT DISTINCT ON (n) n, cid, cell FROM cells JOIN bench_c c ON ST_Intersects(cell, c.g) ORDER BY n, cid)
                SELECT cid, ST_Transform(ST_CollectionExtract(ST_Intersection(ST_Union(cell), (SELECT g FROM t)), 3), 4326) AS territory
                FROM owned GROUP BY cid
                """, ct, _utm, _township);
            var ms = clock.Elapsed.TotalMilliseconds;
            var after = BackendCpuMs();
            return new Solve(ms, kmeans, cpu is { } a && after is { } b ? b - a : null);
        }

        /// <summary>The units of the last solve.</summary>
        public async Task<IReadOnlyList<ReferenceUnit>> UnitsAsync(CancellationToken ct)
        {
            var members = new Dictionary<int, List<string>>();
            await using (var cmd = new NpgsqlCommand("SELECT cid, id FROM bench_c ORDER BY cid, id", _conn))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                {
                    if (!members.TryGetValue(r.GetInt32(0), out var ids)) members[r.GetInt32(0)] = ids = [];
                    ids.Add(r.GetString(1));
                }
            var units = new List<ReferenceUnit>();
            await using (var cmd = new NpgsqlCommand("SELECT cid, territory FROM bench_ref ORDER BY cid", _conn))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                    units.Add(new ReferenceUnit(r.GetFieldValue<Geometry>(1), members[r.GetInt32(0)]));
            return units;
        }

        public ValueTask DisposeAsync() => _conn.DisposeAsync();

        /// <summary>User + system CPU time of the server process serving this session, from
        /// /proc (Linux, server on this machine), else null.</summary>
        private double? BackendCpuMs()
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{_backend}/stat");
                if (!stat.Contains("(postgres)", StringComparison.Ordinal)) return null;
                //-- Fields after the parenthesised command name: utime and stime are the 12th and 13th.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 1000.0 / ClockTicks;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        /// <summary>Kernel clock ticks per second (USER_HZ), 100 on Linux.</summary>
        private const double ClockTicks = 100;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params object[] values)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var v in values) cmd.Parameters.AddWithValue(v);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
