using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>Computes crosswalks in PostGIS, for any version of either side (the current ones by
/// default), so a crosswalk is always that of the versions it names: a new version of the layer or
/// of the partition is a new crosswalk, and two of them diff (<see cref="CrosswalkDiff"/>).
/// Both sides are projected into the township's metric CRS (the quality report's: <c>township_metric_srid</c>,
/// migration 0015) and intersected and measured there, so a unit's pieces add up to the unit. Households are those assigned in the partition
/// version, each counted in every unit that covers its dwelling (<c>ST_Covers</c>) and in the one
/// grid and micro-grid it is assigned to.</summary>
public sealed class CrosswalkReader([FromKeyedServices(Database.Read)] NpgsqlDataSource db)
{
    /// <summary>The versions a crosswalk of <paramref name="layer"/> reads: the ones asked for, else
    /// the current ones. 404 when the layer or either version does not exist; 409 when the township
    /// has no partition yet.</summary>
    public async Task<(int Layer, int Partition)> VersionsAsync(string township, string layer, int? layerVersion, int? partitionVersion, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT l.current_version, s.current_version,
                   EXISTS (SELECT 1 FROM dept_layer_version v WHERE v.township_code = l.township_code AND v.layer = l.layer AND v.version = $3),
                   EXISTS (SELECT 1 FROM partition_version p WHERE p.township_code = l.township_code AND p.version = $4)
            FROM dept_layer l LEFT JOIN township_state s ON s.township_code = l.township_code
            WHERE l.township_code = $1 AND l.layer = $2
            """);
        cmd.Parameters.AddTownship(township);
        cmd.Parameters.AddWithValue(layer);
        cmd.Parameters.AddWithValue(layerVersion ?? 0);
        cmd.Parameters.AddWithValue(partitionVersion ?? 0);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
            throw DepartmentalLayers.NoLayer(township, layer);
        if (layerVersion is not null && !r.GetBoolean(2))
            throw new ApiException(404, "没有该图层版本 (No such layer version)", $"Layer '{layer}' of township {township} has no version {layerVersion}.", new() { ["field"] = "layerVersion" });
        if (partitionVersion is not null && !r.GetBoolean(3))
            throw new ApiException(404, "没有该划分版本 (No such partition version)", $"Township {township} has no partition version {partitionVersion}.", new() { ["field"] = "partitionVersion" });
        if (partitionVersion is null && r.IsDBNull(1))
            throw new ApiException(409, "尚未划分 (Not partitioned yet)", $"乡镇 {township} 还没有网格划分，无法对照。Township {township} has no partition to reconcile the layer with yet.",
                new() { ["field"] = "township" });
        return (layerVersion ?? r.GetInt32(0), partitionVersion ?? r.GetInt32(1));
    }

    /// <summary>The crosswalk of one township's layer at the given versions; only the pairs of
    /// departmental unit <paramref name="unit"/>, or of comprehensive code <paramref name="code"/>,
    /// when given (the units' totals stay those of the whole unit).</summary>
    public async Task<Crosswalk> ReadAsync(string township, string layer, int layerVersion, int partitionVersion, string? unit, string? code, CancellationToken ct)
    {
        var units = new List<CrosswalkUnit>();
        await using (var cmd = Command(UnitsSql, township, layer, layerVersion, partitionVersion, unit, code))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                units.Add(new CrosswalkUnit(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetDouble(2), r.GetDouble(3), (int)r.GetInt64(4)));
        var pairs = new List<CrosswalkPair>();
        foreach (var level in Levels)
        {
            await using var cmd = Command(PairsSql(level), township, layer, layerVersion, partitionVersion, unit, code);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                pairs.Add(new CrosswalkPair(level.Name, r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2).Trim(), r.GetDouble(3),
                    r.IsDBNull(4) ? 0 : r.GetDouble(4), (int)r.GetInt64(5), r.IsDBNull(6) ? null : r.GetDouble(6),
                    r.IsDBNull(7) ? 0 : r.GetDouble(7), r.IsDBNull(8) ? null : r.GetDouble(8)));
        }
        return new Crosswalk(township, layer, layerVersion, partitionVersion, units, pairs);
    }

    private NpgsqlCommand Command(string sql, string township, string layer, int layerVersion, int partitionVersion, string? unit, string? code)
    {
        var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddTownship(township);
        cmd.Parameters.AddWithValue(layer);
        cmd.Parameters.AddWithValue(layerVersion);
        cmd.Parameters.AddWithValue(partitionVersion);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)unit ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)code ?? DBNull.Value);
        return cmd;
    }

    /// <summary>A level of the comprehensive grid: its rows at a version and its assignment column.</summary>
    private sealed record Level(string Name, string At, string AssignmentColumn, string Stack);

    //-- A floor run's territory is its building's, shared by the stack: its members split the unit's area share.
    private static readonly Level[] Levels =
    [
        new("grid", PublishedLayer.Grids.AtVersion("$1", "$4"), "grid_code", "1"),
        new("micro_grid", PublishedLayer.MicroGrids.AtVersion("$1", "$4"), "micro_grid_code", "count(*) OVER (PARTITION BY md5(ST_AsBinary(x.geom)))"),
    ];

    //-- $1 township, $2 layer, $3 layer version, $4 partition version, $5 one unit or NULL, $6 one comprehensive code or NULL.
    //-- m: the geometry in the township's metric CRS (township_metric_srid, migration 0015), where pieces are cut and measured.
    private const string UnitCte = """
        tw AS (SELECT t.geom, p.srid, ST_Transform(t.geom, p.srid) AS m FROM township t CROSS JOIN LATERAL (SELECT township_metric_srid(t.geom) AS srid) p WHERE t.code = $1),
        u AS (
            SELECT d.code, d.name, d.geom, x.m, ST_Area(ST_Intersection(x.m, tw.m)) AS area, ST_Area(x.m) AS whole
            FROM dept_unit d CROSS JOIN tw CROSS JOIN LATERAL (SELECT ST_Transform(d.geom, tw.srid) AS m) x
            WHERE d.township_code = $1 AND d.layer = $2 AND d.version = $3 AND ($5::text IS NULL OR d.code = $5)),
        """;

    private static readonly string UnitsSql = $"""
        WITH {UnitCte}
        hh AS (
            SELECT u.code, count(*) AS n FROM {PublishedLayer.AssignmentsAt("$1", "$4")} a
            JOIN household h ON h.township_code = a.township_code AND h.id = a.household_id JOIN u ON ST_Covers(u.geom, h.geom) GROUP BY u.code)
        SELECT u.code, u.name, u.area, greatest(u.whole - u.area, 0), coalesce(hh.n, 0)
        FROM u LEFT JOIN hh ON hh.code = u.code
        WHERE $6::text IS NULL OR EXISTS (SELECT 1 FROM {PublishedLayer.MicroGrids.AtVersion("$1", "$4")} m
            WHERE (m.code = $6 OR m.grid_code = $6) AND ST_Intersects(m.geom, u.geom))
        ORDER BY u.code
        """;

    private static string PairsSql(Level level) => $"""
        WITH {UnitCte}
        c AS (SELECT x.code, x.geom, m.m, ST_Area(m.m) AS area, x.household_count, {level.Stack} AS stack
              FROM {level.At} x CROSS JOIN tw CROSS JOIN LATERAL (SELECT ST_Transform(x.geom, tw.srid) AS m) m),
        h AS (
            SELECT u.code AS unit, a.{level.AssignmentColumn} AS comp FROM {PublishedLayer.AssignmentsAt("$1", "$4")} a
            JOIN household hh ON hh.township_code = a.township_code AND hh.id = a.household_id JOIN u ON ST_Covers(u.geom, hh.geom)),
        uh AS (SELECT unit, count(*) AS n FROM h GROUP BY unit),
        ch AS (SELECT unit, comp, count(*) AS n FROM h GROUP BY unit, comp),
        p AS (
            SELECT u.code AS unit, u.name AS unit_name, u.area AS unit_area, c.code AS comp, c.area AS comp_area, c.household_count, c.stack,
                   ST_Area(ST_Intersection(u.m, c.m)) AS overlap
            FROM u JOIN c ON ST_Intersects(u.geom, c.geom) WHERE $6::text IS NULL OR c.code = $6)
        SELECT p.unit, p.unit_name, p.comp::text, p.overlap, p.overlap / nullif(p.unit_area, 0) / p.stack,
               coalesce(ch.n, 0), coalesce(ch.n, 0)::float8 / nullif(uh.n, 0),
               p.overlap / nullif(p.comp_area, 0), coalesce(ch.n, 0)::float8 / nullif(p.household_count, 0)
        FROM p LEFT JOIN ch ON ch.unit = p.unit AND ch.comp = p.comp LEFT JOIN uh ON uh.unit = p.unit
        WHERE p.overlap > 0 OR ch.n > 0
        ORDER BY p.unit, p.comp
        """;
}
