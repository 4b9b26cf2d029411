using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>Computes a <see cref="FitReport"/>: nesting and splits from the crosswalk's pairs, gaps
/// and overlaps of the layer in PostGIS (<c>ST_Difference</c> of the township and the units' union;
/// pairwise <c>ST_Intersection</c> of the units, clipped to the township), cut in lon/lat and measured in
/// the township's metric CRS.</summary>
public sealed class FitReporter([FromKeyedServices(Database.Read)] NpgsqlDataSource db)
{
    /// <summary>Gap pieces and overlaps smaller than this (m²) are counted in the totals, not listed.</summary>
    public const double ListedArea = 1.0;

    public async Task<FitReport> ReportAsync(Crosswalk crosswalk, CancellationToken ct)
    {
        var (t, layer, lv, pv) = (crosswalk.Township, crosswalk.Layer, crosswalk.LayerVersion, crosswalk.PartitionVersion);
        int micro = await CountAsync($"SELECT count(*) FROM {PublishedLayer.MicroGrids.AtVersion("$1", "$2")} x", t, pv, ct);
        int grids = await CountAsync($"SELECT count(*) FROM {PublishedLayer.Grids.AtVersion("$1", "$2")} x", t, pv, ct);
        var splits = new List<FitSplit>();
        var nested = new Dictionary<string, int> { ["grid"] = 0, ["micro_grid"] = 0 };
        foreach (var group in crosswalk.Pairs.GroupBy(p => (p.Level, p.Code)).OrderBy(g => g.Key.Level, StringComparer.Ordinal).ThenBy(g => g.Key.Code, StringComparer.Ordinal))
        {
            if (group.Max(p => p.AreaShare) >= 1 - CrosswalkPair.SliverShare) nested[group.Key.Level]++;
            var sides = group.Where(p => p.Substantial)
                .Select(p => new FitSide(p.Unit, p.AreaShare, p.Households)).ToList();
            if (sides.Count >= 2) splits.Add(new FitSplit(group.Key.Level, group.Key.Code, sides.Sum(s => s.Households), sides));
        }

        await using var cmd = db.CreateCommand(GapsSql);
        cmd.Parameters.AddTownship(t);
        cmd.Parameters.AddWithValue(layer);
        cmd.Parameters.AddWithValue(lv);
        cmd.Parameters.AddWithValue(pv);
        double townshipArea = 0, gapArea = 0;
        int gapHouseholds = 0;
        var gaps = new List<FitGap>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                townshipArea = r.GetDouble(0);
                if (r.IsDBNull(1)) continue;
                var gap = new FitGap(r.GetDouble(1), (int)r.GetInt64(2), [r.GetDouble(3), r.GetDouble(4)]);
                gapArea += gap.Area;
                gapHouseholds += gap.Households;
                if (gap.Area >= ListedArea || gap.Households > 0) gaps.Add(gap);
            }

        await using var overlapCmd = db.CreateCommand(OverlapsSql);
        overlapCmd.Parameters.AddTownship(t);
        overlapCmd.Parameters.AddWithValue(layer);
        overlapCmd.Parameters.AddWithValue(lv);
        overlapCmd.Parameters.AddWithValue(pv);
        double overlapArea = 0;
        var overlaps = new List<FitOverlap>();
        await using (var r = await overlapCmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var o = new FitOverlap(r.GetString(0), r.GetString(1), r.GetDouble(2), (int)r.GetInt64(3));
                overlapArea += o.Area;
                if (o.Area >= ListedArea || o.Households > 0) overlaps.Add(o);
            }

        static double Share(int n, int of) => of == 0 ? 0 : (double)n / of;
        return new FitReport(t, layer, lv, pv, micro, nested["micro_grid"], Share(nested["micro_grid"], micro), grids, nested["grid"], Share(nested["grid"], grids),
            splits, townshipArea, gapArea, townshipArea > 0 ? gapArea / townshipArea : 0, gapHouseholds, gaps,
            overlapArea, townshipArea > 0 ? overlapArea / townshipArea : 0, overlaps, crosswalk.Units.Sum(u => u.OutsideArea));
    }

    private async Task<int> CountAsync(string sql, string township, int version, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddTownship(township);
        cmd.Parameters.AddWithValue(version);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    //-- $1 township, $2 layer, $3 layer version, $4 partition version. The layer's own gaps and overlaps are cut in lon/lat,
    //-- where the department and the township drew their straight edges (projected first, a unit's corner on a neighbour's
    //-- side would leave a centimetre-wide sliver along every such side), and measured in the township's metric CRS
    //-- (township_metric_srid, migration 0015), as the crosswalk is.
    private static readonly string LonLat = $"""
        tw AS (SELECT t.geom, township_metric_srid(t.geom) AS srid FROM township t WHERE t.code = $1),
        u AS (SELECT d.code, d.geom FROM dept_unit d WHERE d.township_code = $1 AND d.layer = $2 AND d.version = $3),
        h AS (SELECT h.geom FROM {PublishedLayer.AssignmentsAt("$1", "$4")} a JOIN household h ON h.township_code = a.township_code AND h.id = a.household_id),
        """;

    //-- One row per gap piece (none: one row of NULLs with the township's area).
    private static readonly string GapsSql = $"""
        WITH {LonLat}
        cover AS (SELECT ST_Union(geom) AS g FROM u),
        piece AS (SELECT d.geom AS g, ST_Area(ST_Transform(d.geom, tw.srid)) AS area
                  FROM tw, cover, ST_Dump(ST_Difference(tw.geom, coalesce(cover.g, 'SRID=4326;POLYGON EMPTY'::geometry))) d
                  WHERE ST_Dimension(d.geom) = 2)
        SELECT ST_Area(ST_Transform(tw.geom, tw.srid)), p.area, (SELECT count(*) FROM h WHERE ST_Covers(p.g, h.geom)),
               ST_X(ST_PointOnSurface(p.g)), ST_Y(ST_PointOnSurface(p.g))
        FROM tw LEFT JOIN piece p ON p.area > 0
        ORDER BY p.area DESC
        """;

    private static readonly string OverlapsSql = $"""
        WITH {LonLat}
        o AS (SELECT a.code AS a, b.code AS b, ST_CollectionExtract(ST_Intersection(ST_Intersection(a.geom, b.geom), tw.geom), 3) AS g, tw.srid
              FROM u a JOIN u b ON a.code < b.code AND ST_Intersects(a.geom, b.geom), tw)
        SELECT o.a, o.b, ST_Area(ST_Transform(o.g, o.srid)) AS area, (SELECT count(*) FROM h WHERE ST_Covers(o.g, h.geom))
        FROM o WHERE ST_Area(o.g) > 0
        ORDER BY area DESC, o.a, o.b
        """;
}
