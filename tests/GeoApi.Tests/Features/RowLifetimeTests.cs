using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.GeoApi.SampleData;
using Npgsql;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Versions as row lifetimes (migration 0011). A township gets many versions through the
/// service (recomputes after household moves, additions and removals, a staff redraw, a pin, a
/// forced run); then a second database is built as release 0010 left such a history — a full copy
/// of every version — and the real executable migrates it. Every read endpoint must answer the
/// same on both, and the migrated rows must be exactly the rows the publisher wrote.</summary>
[Collection("db")]
public class RowLifetimeTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627177";
    private readonly HttpClient _http = db.Client();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryReadEndpoint_AnswersTheSame_AfterFullCopiesAreMigratedToLifetimes()
    {
        var township = new TownshipGenerator(177).Generate(Code, "寿命镇", 106.3, 28.3, 600);
        await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
        //-- What each version's files were while it was current.
        var asPublished = new Dictionary<int, Dictionary<string, string>>();
        await CaptureCurrentAsync(asPublished);
        var rnd = new Random(177);
        for (int i = 0; i < 5; i++)
        {
            var h = township.Households[rnd.Next(township.Households.Count)];
            await Samples.MoveAndSettleAsync(_http, db.Db, Code, h.Id, township.Households[rnd.Next(township.Households.Count)].Location.Coordinate);
            await CaptureCurrentAsync(asPublished);
        }
        using (var delete = await _http.DeleteAsync(new Uri($"/api/households/{township.Households[3].Id}", UriKind.Relative)))
            Assert.True(delete.IsSuccessStatusCode, await delete.Content.ReadAsStringAsync());
        var at = township.Households[11].Location;
        using (var add = await _http.PostAsync(new Uri($"/api/townships/{Code}/households", UriKind.Relative),
                   Samples.Json(Samples.Collection(Samples.Household("LIFE-NEW-1", at.X + 0.00003, at.Y - 0.00002)))))
            Assert.True(add.IsSuccessStatusCode, await add.Content.ReadAsStringAsync());
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(60), Code);
        await CaptureCurrentAsync(asPublished);
        await Samples.RedrawAsync(_http, db.Db, Code);
        await CaptureCurrentAsync(asPublished);
        var (pinned, _, _) = await Samples.ClusterHouseholdAsync(db.Db, Code);
        using (var pin = await _http.PostAsync(new Uri($"/api/codes/{pinned}/pin", UriKind.Relative), null))
            Assert.Equal(HttpStatusCode.Created, pin.StatusCode);
        await CaptureCurrentAsync(asPublished);
        await Samples.PartitionAsync(_http, db.Db, Code, force: true);
        await CaptureCurrentAsync(asPublished);
        var current = await Samples.CurrentVersionAsync(_http, Code);
        Assert.True(current >= 9, $"only {current} versions");

        //-- Past versions read through ?version= give what they gave while current.
        foreach (var (version, files) in asPublished)
            foreach (var (path, body) in files)
                Assert.Equal(body, await _http.GetStringAsync($"{path}?version={version}"));

        var before = await SnapshotAsync(_http);
        var rowsBefore = await RowsAsync(db.ConnectionString);
        //-- Lifetimes carry over unchanged rows: fewer rows than full copies would hold.
        Assert.True(rowsBefore["micro_grid"].Count < rowsBefore["micro_grid_copies"].Count,
            $"{rowsBefore["micro_grid"].Count} micro-grid rows for {rowsBefore["micro_grid_copies"].Count} in full copies");

        var admin = Environment.GetEnvironmentVariable("GRIDSPATIAL_TEST_DB") ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=gridspatial_test";
        var name = "gs_test_" + Guid.NewGuid().ToString("N")[..12];
        var old = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        await Exec(admin, $"CREATE DATABASE {name}");
        try
        {
            Migrator.Apply(old, upTo: "0010");
            await CopyAsFullCopiesAsync(db.ConnectionString, old);
            using var api = ApiProcess.Start(old, db.AdminKey);
            using var migrated = await api.ClientAsync(db.AdminKey);
            var after = await SnapshotAsync(migrated);
            Assert.Equal(before.Keys.Order(), after.Keys.Order());
            foreach (var (path, answer) in before)
                Assert.True(answer == after[path], $"{path} differs after the migration:\nbefore {Cut(answer)}\nafter  {Cut(after[path])}");
            var rowsAfter = await RowsAsync(old);
            foreach (var table in new[] { "grid", "micro_grid", "assignment" })
                Assert.Equal(rowsBefore[table], rowsAfter[table]);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Exec(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static string Cut(string s) => s.Length > 400 ? s[..400] + "…" : s;

    private async Task CaptureCurrentAsync(Dictionary<int, Dictionary<string, string>> into)
    {
        var version = await Samples.CurrentVersionAsync(_http, Code);
        var files = new Dictionary<string, string>();
        foreach (var file in new[] { "micro_grids.geojson", "grids.geojson", "assignments.csv" })
            files[$"/api/townships/{Code}/export/{file}"] = await _http.GetStringAsync($"/api/townships/{Code}/export/{file}");
        into[version] = files;
    }

    /// <summary>Every read endpoint of the township, for the current version and every past one:
    /// path → status and body (tiles as base64).</summary>
    private async Task<Dictionary<string, string>> SnapshotAsync(HttpClient http)
    {
        var paths = new List<string>
        {
            $"/api/townships/{Code}", $"/api/townships/{Code}/report", $"/api/townships/{Code}/histogram", $"/api/townships/{Code}/versions",
            $"/ogc/collections/grids/items?township={Code}&limit=10000", $"/ogc/collections/micro_grids/items?township={Code}&limit=10000",
            $"/ogc/collections/micro_grids/items?township={Code}&limit=7&offset=14",
        };
        var versions = await Scalars<int>("SELECT version FROM partition_version WHERE township_code = $1 ORDER BY 1");
        foreach (var a in versions)
        {
            paths.Add($"/api/townships/{Code}/versions/{a}");
            foreach (var file in new[] { "micro_grids.geojson", "grids.geojson", "assignments.csv" })
                paths.Add($"/api/townships/{Code}/export/{file}?version={a}");
            foreach (var b in versions)
                if (a != b) paths.Add($"/api/townships/{Code}/versions/{a}/diff/{b}");
        }
        foreach (var file in new[] { "micro_grids.geojson", "grids.geojson", "assignments.csv" })
            paths.Add($"/api/townships/{Code}/export/{file}");
        foreach (var code in await Scalars<string>("SELECT code FROM code_registry WHERE township_code = $1 UNION ALL SELECT code FROM village WHERE township_code = $1 UNION ALL SELECT $1 ORDER BY 1"))
            paths.Add($"/api/codes/{code.Trim()}");
        foreach (var code in (await Scalars<string>("SELECT code FROM current_micro_grid WHERE township_code = $1 ORDER BY 1")).Where((_, i) => i % 9 == 0))
            paths.Add($"/ogc/collections/micro_grids/items/{code.Trim()}");
        foreach (var id in (await Scalars<string>("SELECT id FROM household WHERE township_code = $1 ORDER BY 1")).Where((_, i) => i % 13 == 0))
            paths.Add($"/api/households/{id}/grid");
        var box = (await Scalars<double[]>("SELECT ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] FROM township WHERE code = $1"))[0];
        var points = new List<double[]>();
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 10; j++)
                points.Add([box[0] + (box[2] - box[0]) * (i + 0.37) / 10, box[1] + (box[3] - box[1]) * (j + 0.61) / 10]);
        foreach (var p in points)
        {
            var q = FormattableString.Invariant($"lon={p[0]}&lat={p[1]}");
            paths.Add($"/api/lookup?{q}");
            paths.Add($"/api/lookup?{q}&source=postgis");
        }
        paths.Add(FormattableString.Invariant($"/ogc/collections/micro_grids/items?township={Code}&bbox={box[0]},{box[1]},{(box[0] + box[2]) / 2},{(box[1] + box[3]) / 2}"));
        foreach (var layer in new[] { "townships", "villages", "grids", "micro_grids", "households" })
            for (int z = 10; z <= 15; z++)
            {
                var (x0, y1) = Samples.TileAt(box[0], box[1], z);
                var (x1, y0) = Samples.TileAt(box[2], box[3], z);
                for (int x = x0; x <= x1; x++)
                    for (int y = y0; y <= y1; y++)
                        paths.Add($"/tiles/{layer}/{z}/{x}/{y}.mvt");
            }

        var answers = new Dictionary<string, string>();
        foreach (var path in paths)
        {
            using var r = await http.GetAsync(new Uri(path, UriKind.Relative));
            var body = path.EndsWith(".mvt", StringComparison.Ordinal) ? Convert.ToBase64String(await r.Content.ReadAsByteArrayAsync()) : Normalized(await r.Content.ReadAsStringAsync());
            answers[path] = $"{(int)r.StatusCode} {body}";
        }
        using (var batch = await http.PostAsJsonAsync("/api/lookup", points))
            answers["POST /api/lookup"] = $"{(int)batch.StatusCode} {Normalized(await batch.Content.ReadAsStringAsync())}";
        return answers;
    }

    /// <summary>A body without what differs between two processes serving the same data: their
    /// address in links, the OGC response's time stamp and a problem's trace id.</summary>
    private static string Normalized(string body) =>
        System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(body, "http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?", "{base}"),
            "\"(timeStamp|traceId)\":\"[^\"]*\"", "\"$1\":\"\"");

    /// <summary>The township's stored rows of each table, as text in a fixed order (and, as
    /// <c>micro_grid_copies</c>, the micro-grid rows full copies of every version would hold).</summary>
    private static async Task<Dictionary<string, List<string>>> RowsAsync(string connectionString)
    {
        var rows = new Dictionary<string, List<string>>();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        foreach (var (name, sql) in new[]
                 {
                     //-- A closed row that dropped its copy of its territory (migrations 0022 and 0023, written by publishing, not by the
                     //-- migration of full copies) holds it through its holder or its lead's row: compared as the territory it holds; an
                     //-- open floor run sharing its lead's territory is drawn with the lead's Web Mercator copy (0025).
                     ("grid", """
                         SELECT g::text FROM (SELECT x.township_code, x.valid_from, x.valid_to, x.code, x.village_code, x.household_count, x.pinned,
                             coalesce(x.geom, (SELECT h.geom FROM grid h WHERE h.township_code = x.township_code AND h.code = x.code AND h.valid_from = x.geom_from)),
                             x.geom_3857, CASE WHEN x.geom_from IS NULL THEN x.geom_digest END
                         FROM grid x WHERE x.township_code = $1) g ORDER BY 1
                         """),
                     ("micro_grid", """
                         SELECT m::text FROM (SELECT x.township_code, x.valid_from, x.valid_to, x.code, x.grid_code, x.village_code, x.kind, x.household_count, x.building_id,
                             x.floor_from, x.floor_to, x.unit, x.pinned,
                             coalesce(x.geom,
                                      (SELECT coalesce(l.geom, (SELECT h.geom FROM micro_grid h WHERE h.township_code = l.township_code AND h.code = l.code AND h.valid_from = l.geom_from))
                                       FROM micro_grid l WHERE l.township_code = x.township_code AND l.code = x.shares
                                         AND l.valid_from <= x.valid_from AND (l.valid_to IS NULL OR l.valid_to > x.valid_from)),
                                      (SELECT h.geom FROM micro_grid h WHERE h.township_code = x.township_code AND h.code = x.code AND h.valid_from = x.geom_from)),
                             coalesce(x.geom_3857, (SELECT l.geom_3857 FROM micro_grid l WHERE x.valid_to IS NULL AND l.township_code = x.township_code AND l.code = x.shares AND l.valid_to IS NULL)),
                             CASE WHEN x.shares IS NULL AND x.geom_from IS NULL THEN x.geom_digest END
                         FROM micro_grid x WHERE x.township_code = $1) m ORDER BY 1
                         """),
                     ("assignment", "SELECT a::text FROM (SELECT township_code, valid_from, valid_to, household_id, micro_grid_code, grid_code FROM assignment WHERE township_code = $1) a ORDER BY 1"),
                     ("micro_grid_copies", "SELECT m.code || ':' || v.version FROM partition_version v, micro_grid_at(v.township_code, v.version) m WHERE v.township_code = $1"),
                 })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.AddWithValue(Code);
            var list = new List<string>();
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) list.Add(r.GetString(0));
            rows[name] = list;
        }
        return rows;
    }

    /// <summary>The township as release 0010 stored it: its inputs, state, versions and code
    /// history as they are, and every version of its grids, micro-grids and assignments as a full
    /// copy (each version's rows read back from the lifetimes).</summary>
    private static async Task CopyAsFullCopiesAsync(string from, string to)
    {
        var t = $"'{Code}'";
        (string Target, string Source)[] copies =
        [
            ("county (code, name, geom, created_at, updated_at)", $"SELECT code, name, geom, created_at, updated_at FROM county WHERE code = left({t}, 6)"),
            ("township (code, county_code, name, kind, urban, geom, created_at, updated_at)",
                $"SELECT code, county_code, name, kind, urban, geom, created_at, updated_at FROM township WHERE code = {t}"),
            ("village (township_code, code, name, urban, geom, updated_at)", $"SELECT township_code, code, name, urban, geom, updated_at FROM village WHERE township_code = {t}"),
            ("building (township_code, id, floors, use, properties, geom, updated_at)",
                $"SELECT township_code, id, floors, use, properties, geom, updated_at FROM building WHERE township_code = {t}"),
            ("household (township_code, id, building_id, floor, unit, room, address, persons, properties, geom, row_version, updated_at)",
                $"SELECT township_code, id, building_id, floor, unit, room, address, persons, properties, geom, row_version, updated_at FROM household WHERE township_code = {t}"),
            ("barrier (township_code, id, kind, name, properties, geom, updated_at)", $"SELECT township_code, id, kind, name, properties, geom, updated_at FROM barrier WHERE township_code = {t}"),
            ("street (township_code, id, kind, name, properties, geom, updated_at)", $"SELECT township_code, id, kind, name, properties, geom, updated_at FROM street WHERE township_code = {t}"),
            ("township_state (township_code, current_version, data_version, dirty_since, last_change_at, updated_at)",
                $"SELECT township_code, current_version, data_version, dirty_since, last_change_at, updated_at FROM township_state WHERE township_code = {t}"),
            ("partition_version (township_code, version, data_version, created_at, author, reason, report, fingerprint)",
                $"SELECT township_code, version, data_version, created_at, author, reason, report, fingerprint FROM partition_version WHERE township_code = {t}"),
            ("code_registry (township_code, code, level, parent, valid_from, valid_to, predecessors, successors)",
                $"SELECT township_code, code, level, parent, valid_from, valid_to, predecessors, successors FROM code_registry WHERE township_code = {t}"),
            ("grid (township_code, version, code, village_code, household_count, pinned, geom)",
                $"SELECT g.township_code, v.version, g.code, g.village_code, g.household_count, g.pinned, g.geom FROM partition_version v, grid_at(v.township_code, v.version) g WHERE v.township_code = {t}"),
            ("micro_grid (township_code, version, code, grid_code, village_code, kind, household_count, building_id, floor_from, floor_to, unit, pinned, geom)",
                "SELECT m.township_code, v.version, m.code, m.grid_code, m.village_code, m.kind, m.household_count, m.building_id, m.floor_from, m.floor_to, m.unit, m.pinned, m.geom " +
                $"FROM partition_version v, micro_grid_at(v.township_code, v.version) m WHERE v.township_code = {t}"),
            ("assignment (township_code, version, household_id, micro_grid_code, grid_code)",
                $"SELECT a.township_code, v.version, a.household_id, a.micro_grid_code, a.grid_code FROM partition_version v, assignment_at(v.township_code, v.version) a WHERE v.township_code = {t}"),
        ];
        await using var source = new NpgsqlConnection(from);
        await using var target = new NpgsqlConnection(to);
        await source.OpenAsync();
        await target.OpenAsync();
        foreach (var (into, select) in copies)
        {
            await using var reader = await source.BeginRawBinaryCopyAsync($"COPY ({select}) TO STDOUT (FORMAT BINARY)");
            await using var writer = await target.BeginRawBinaryCopyAsync($"COPY {into} FROM STDIN (FORMAT BINARY)");
            await reader.CopyToAsync(writer);
        }
    }

    private async Task<List<T>> Scalars<T>(string sql)
    {
        await using var cmd = db.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Code);
        var list = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(r.GetFieldValue<T>(0));
        return list;
    }

    private static async Task Exec(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
