using GridSpatial.Partitioner.Codes;
using GridSpatial.GeoApi.Infrastructure;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Reads what a notice-map page shows from the published partition (one version, see
/// <see cref="NoticeMapTownship"/>) and the stored layers, projected to the township's metric
/// CRS. Neighbours, streets and barriers are read around the unit only (its extent and a margin),
/// so a page costs the same in a small or a large township.</summary>
public sealed class NoticeMapReader(NpgsqlDataSource db, CoverageBands bands)
{
    //-- The map frames the unit with a margin; context is read a little beyond any frame's reach.
    private const double ContextMargin = 0.6;

    /// <summary>The township at the version every page of a request reads (see <see cref="NoticeMapTownship.ReadAsync"/>).</summary>
    public Task<NoticeMapTownship> TownshipAsync(string code, int? version, CancellationToken ct) => NoticeMapTownship.ReadAsync(db, code, version, ct);

    /// <summary>A grid's page: its micro-grids, its households, neighbouring grids.</summary>
    public async Task<NoticeMapPage> GridAsync(NoticeMapTownship township, string code, string viewerUrl, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT g.village_code, g.household_count, g.geom, v.name
            FROM {PublishedLayer.Grids.AtVersion("$1", "$2")} g LEFT JOIN village v ON v.township_code = g.township_code AND v.code = g.village_code
            WHERE g.code = $3
            """);
        Add(cmd, township.Code, township.Version, code);
        string villageCode, villageName;
        int households;
        Geometry outline;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) throw Unknown(township, code, "网格 grid");
            villageCode = r.GetString(0);
            households = r.GetInt32(1);
            outline = r.GetFieldValue<Geometry>(2);
            villageName = r.IsDBNull(3) ? township.Name : r.GetString(3);
        }
        var areas = new List<NoticeMapArea>();
        await using (var micro = db.CreateCommand($"SELECT code, kind, household_count, geom FROM {PublishedLayer.MicroGrids.AtVersion("$1", "$2")} m WHERE grid_code = $3 ORDER BY code"))
        {
            Add(micro, township.Code, township.Version, code);
            await using var r = await micro.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                areas.Add(new NoticeMapArea(township.Projection.Forward(r.GetFieldValue<Geometry>(3)), r.GetString(0)[^3..], r.GetInt32(2),
                    bands.MicroGrid(r.GetString(1), r.GetInt32(2))));
        }
        var points = new List<Coordinate>();
        await using (var h = db.CreateCommand($"""
            SELECT x.geom FROM {PublishedLayer.AssignmentsAt("$1", "$2")} a JOIN household x ON x.township_code = a.township_code AND x.id = a.household_id
            WHERE a.grid_code = $3
            """))
        {
            Add(h, township.Code, township.Version, code);
            await using var r = await h.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) points.Add(township.Projection.Forward(r.GetFieldValue<Point>(0).Coordinate));
        }
        var title = GridName(villageName, code);
        return await PageAsync(township, code, DivisionLevel.Grid, title, $"{township.Name} · {villageName}", households, outline, areas, points,
            "g.code <> $3", viewerUrl, ct);
    }

    /// <summary>A village's page: its grids, neighbouring villages' grids. A township without
    /// village boundaries is its own village (segment 000, DESIGN §1).</summary>
    public async Task<NoticeMapPage> VillageAsync(NoticeMapTownship township, string code, string viewerUrl, CancellationToken ct)
    {
        var areas = new List<NoticeMapArea>();
        var territories = new List<Geometry>();
        int households = 0;
        await using (var grids = db.CreateCommand($"SELECT code, household_count, geom FROM {PublishedLayer.Grids.AtVersion("$1", "$2")} g WHERE village_code = $3 ORDER BY code"))
        {
            Add(grids, township.Code, township.Version, code);
            await using var r = await grids.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var territory = r.GetFieldValue<Geometry>(2);
                territories.Add(territory);
                households += r.GetInt32(1);
                areas.Add(new NoticeMapArea(township.Projection.Forward(territory), r.GetString(0)[^3..], r.GetInt32(1), bands.Grid(r.GetInt32(1))));
            }
        }
        await using var cmd = db.CreateCommand("SELECT name, geom FROM village WHERE township_code = $1 AND code = $2");
        cmd.Parameters.AddTownship(township.Code);
        cmd.Parameters.AddWithValue(code);
        string name = township.Name;
        Geometry? outline = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) (name, outline) = (r.GetString(0), r.GetFieldValue<Geometry>(1));
        outline ??= territories.Count > 0 ? NetTopologySuite.Operation.Union.CascadedPolygonUnion.Union(territories) : throw Unknown(township, code, "村 village");
        return await PageAsync(township, code, DivisionLevel.Village, name, township.Name, households, outline, areas, [],
            "g.village_code <> $3", viewerUrl, ct);
    }

    /// <summary>The grids of the township (or of one village) in code order: the pages of a bulk print.</summary>
    public async Task<IReadOnlyList<string>> GridCodesAsync(NoticeMapTownship township, string? village, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT code FROM {PublishedLayer.Grids.AtVersion("$1", "$2")} g WHERE $3::text IS NULL OR village_code = $3 ORDER BY code");
        cmd.Parameters.AddTownship(township.Code);
        cmd.Parameters.AddWithValue(township.Version);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, village is null ? DBNull.Value : village);
        var codes = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) codes.Add(r.GetString(0));
        return codes;
    }

    /// <summary>The generated name of a grid until grids carry names: the village's name and the
    /// grid's serial, e.g. 木卓村第3网格.</summary>
    public static string GridName(string villageName, string gridCode) => $"{villageName}第{int.Parse(gridCode[^3..], System.Globalization.CultureInfo.InvariantCulture)}网格";

    private async Task<NoticeMapPage> PageAsync(NoticeMapTownship township, string code, DivisionLevel level, string title, string subtitle, int households,
        Geometry outline, List<NoticeMapArea> areas, List<Coordinate> points, string others, string viewerUrl, CancellationToken ct)
    {
        var around = outline.EnvelopeInternal.Copy();
        around.ExpandBy(Math.Max(around.Width, around.Height) * ContextMargin);
        var context = new List<Geometry>();
        await using (var cmd = db.CreateCommand($"SELECT g.geom FROM {PublishedLayer.Grids.AtVersion("$1", "$2")} g WHERE {others} AND g.geom && ST_MakeEnvelope($4, $5, $6, $7, 4326) ORDER BY g.code"))
        {
            Add(cmd, township.Code, township.Version, code);
            AddEnvelope(cmd, around);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) context.Add(township.Projection.Forward(r.GetFieldValue<Geometry>(0)));
        }
        var lines = new List<NoticeMapLine>();
        await using (var cmd = db.CreateCommand("""
            SELECT geom, kind, false FROM street WHERE township_code = $1 AND geom && ST_MakeEnvelope($2, $3, $4, $5, 4326)
            UNION ALL
            SELECT geom, kind, true FROM barrier WHERE township_code = $1 AND geom && ST_MakeEnvelope($2, $3, $4, $5, 4326)
            """))
        {
            cmd.Parameters.AddTownship(township.Code);
            AddEnvelope(cmd, around);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) lines.Add(new NoticeMapLine(township.Projection.Forward(r.GetFieldValue<Geometry>(0)), r.GetString(1), r.GetBoolean(2)));
        }
        return new NoticeMapPage(code, level, title, subtitle, township.Version, township.PublishedOn, households,
            township.Projection.Forward(outline), areas, context, lines, points, viewerUrl, []);
    }

    private static void Add(NpgsqlCommand cmd, string township, int version, string code)
    {
        cmd.Parameters.AddTownship(township);
        cmd.Parameters.AddWithValue(version);
        cmd.Parameters.AddWithValue(code);
    }

    private static void AddEnvelope(NpgsqlCommand cmd, Envelope e)
    {
        foreach (var v in new[] { e.MinX, e.MinY, e.MaxX, e.MaxY }) cmd.Parameters.AddWithValue(v);
    }

    private static ApiException Unknown(NoticeMapTownship township, string code, string what) =>
        new(404, "代码不存在 (Unknown code)", $"乡镇 {township.Code} 的版本 {township.Version} 中没有{what} {code}。Version {township.Version} of township {township.Code} has no {what.Split(' ')[1]} '{code}'.",
            new() { ["field"] = "code" });
}
