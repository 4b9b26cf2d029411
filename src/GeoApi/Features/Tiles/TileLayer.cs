using System.Globalization;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner;

namespace GridSpatial.GeoApi.Features.Tiles;

/// <summary>One vector-tile layer: the rows it draws (current partition version only), the
/// attributes every feature carries, and the zoom it is drawn from (every layer is served up to
/// <see cref="TileEndpoints"/>' one maximum zoom).</summary>
/// <remarks>The current version's rows are the open ones (valid_to IS NULL, migration 0011),
/// selected explicitly here so the partial GiST index over the open rows cuts the tile (see the
/// lookup fallback).</remarks>
/// <remarks>Attributes are the same on every layer so one style can read them: <c>code</c>,
/// <c>name</c>, <c>kind</c>, <c>household_count</c>, <c>fill</c> (households against the
/// unit's target) and <c>fill_class</c> (<c>under</c>, <c>on</c>, <c>over</c> against the
/// unit's size band), plus a few of the layer's own.</remarks>
/// <remarks><c>village_labels</c>, <c>grid_labels</c> and <c>micro_grid_labels</c> are the villages', grids' and micro-grids' rows as
/// one point each inside the territory (<c>ST_PointOnSurface</c>), where a map places the unit's
/// label once: a polygon cut by tile edges would be labelled once per piece.</remarks>
/// <param name="Drawn">The alias of the row whose Web Mercator territory (<c>geom_3857</c>) is drawn and cuts the
/// tile: the row itself (<c>x</c>), or for micro-grids the row holding the territory a floor run shares (<c>d</c>).</param>
public sealed record TileLayer(string Id, string Description, string GeometryType, int MinZoom,
    string From, string Attributes, bool DependsOnVersion, bool DependsOnData, IReadOnlyDictionary<string, string> Fields,
    bool ThroughTownship = false, string? Geometry = null, string Drawn = "x")
{
    public const int Extent = 4096, Buffer = 64;

    /// <summary>A label point inside the territory of the rows aliased <paramref name="drawn"/>.</summary>
    private static string LabelPoint(string drawn) => $"ST_PointOnSurface({drawn}.geom_3857)";

    public static IReadOnlyList<TileLayer> Create(PartitionOptions o)
    {
        string Fill(string target) => $"round(x.household_count::numeric / {target}, 3)::float8";
        var i = CultureInfo.InvariantCulture;
        string n(int v) => v.ToString(i);
        var bands = new CoverageBands(o);

        //-- Micro-grid bands and targets: clusters against the cluster band; a building micro-grid
        //-- holds between the building threshold and the floor-split threshold; a floor run up to it.
        var microTarget = $"CASE x.kind WHEN 'cluster' THEN {n(o.ClusterTarget)} ELSE {n(o.FloorSplitAboveHouseholds)} END";
        var common = new Dictionary<string, string>
        {
            ["code"] = "String", ["name"] = "String", ["kind"] = "String", ["household_count"] = "Number",
            ["fill"] = "Number", ["fill_class"] = "String",
        };
        Dictionary<string, string> With(params string[] more)
        {
            var d = new Dictionary<string, string>(common);
            for (int k = 0; k < more.Length; k += 2) d[more[k]] = more[k + 1];
            return d;
        }

        TileLayer villages = new("villages", "Villages and communities (村/居委会).", "polygon", 6,
                "village x LEFT JOIN township_state s ON s.township_code = x.township_code",
                "x.code::text AS code, x.name, CASE WHEN x.urban THEN 'community' ELSE 'village' END AS kind, " +
                "(SELECT sum(g.household_count) FROM grid g WHERE g.township_code = x.township_code AND g.valid_to IS NULL AND g.village_code = x.code)::int AS household_count, " +
                "NULL::float8 AS fill, NULL::text AS fill_class",
                DependsOnVersion: true, DependsOnData: false, new Dictionary<string, string>(common));
        TileLayer grids = new("grids", "Grids (网格) of the published partition.", "polygon", 8,
                "township tw JOIN township_state s ON s.township_code = tw.code JOIN grid x ON x.township_code = s.township_code AND x.valid_to IS NULL",
                $"x.code::text AS code, NULL::text AS name, 'grid' AS kind, x.household_count, {Fill(n(o.GridTarget))} AS fill, " +
                $"{bands.GridSql("x.household_count")} AS fill_class, x.village_code::text AS parent, x.pinned, s.current_version AS version",
                DependsOnVersion: true, DependsOnData: false, With("parent", "String", "pinned", "Boolean", "version", "Number"), ThroughTownship: true);
        TileLayer micro = new("micro_grids", "Micro-grids (微网格) of the published partition.", "polygon", 10,
                //-- A floor run sharing its lead's territory is drawn with the lead's row (d), which holds the
                //-- Web Mercator copy (migration 0025); every other micro-grid with its own (d = x).
                "township tw JOIN township_state s ON s.township_code = tw.code JOIN micro_grid d ON d.township_code = s.township_code AND d.valid_to IS NULL " +
                "JOIN micro_grid x ON x.township_code = d.township_code AND x.valid_to IS NULL AND coalesce(x.shares, x.code) = d.code",
                $"x.code::text AS code, x.building_id AS name, x.kind, x.household_count, {Fill(microTarget)} AS fill, ({bands.MicroGridSql("x.kind", "x.household_count")}) AS fill_class, " +
                "x.grid_code::text AS parent, x.pinned, x.floor_from, x.floor_to, x.unit, s.current_version AS version",
                DependsOnVersion: true, DependsOnData: false,
                With("parent", "String", "pinned", "Boolean", "floor_from", "Number", "floor_to", "Number", "unit", "String", "version", "Number"), ThroughTownship: true,
                Drawn: "d");

        return
        [
            new("townships", "Townships (乡镇/街道) with the household count of their published partition.", "polygon", 0,
                "township x LEFT JOIN township_state s ON s.township_code = x.code LEFT JOIN partition_version p ON p.township_code = x.code AND p.version = s.current_version",
                "x.code::text AS code, x.name, x.kind, (p.report->>'households')::int AS household_count, NULL::float8 AS fill, NULL::text AS fill_class, s.current_version AS version",
                DependsOnVersion: true, DependsOnData: false, With("version", "Number")),
            villages,
            grids,
            micro,
            villages with { Id = "village_labels", Description = "A label point inside each village or community, with its attributes.", GeometryType = "point", Geometry = LabelPoint(villages.Drawn) },
            grids with { Id = "grid_labels", Description = "A label point inside each grid (网格), with the grid's attributes.", GeometryType = "point", MinZoom = 10, Geometry = LabelPoint(grids.Drawn) },
            micro with { Id = "micro_grid_labels", Description = "A label point inside each micro-grid (微网格), with the micro-grid's attributes.", GeometryType = "point", MinZoom = 12, Geometry = LabelPoint(micro.Drawn) },
            new("barriers", "Barriers: roads, rivers and railways that grids do not cross.", "line", 8,
                "barrier x", "x.id AS code, x.name, x.kind, NULL::int AS household_count, NULL::float8 AS fill, NULL::text AS fill_class",
                DependsOnVersion: false, DependsOnData: true, new Dictionary<string, string>(common)),
            new("streets", "Streets: lanes, streets, tracks, paths and ditches that borders prefer to follow.", "line", 12,
                "street x", "x.id AS code, x.name, x.kind, NULL::int AS household_count, NULL::float8 AS fill, NULL::text AS fill_class",
                DependsOnVersion: false, DependsOnData: true, new Dictionary<string, string>(common)),
            new("dept_units", "Units of the departmental layers (部门网格, 多网合一), current version of each; a style picks a layer by its layer attribute.", "polygon", 8,
                "current_dept_unit x", "x.code, x.name, x.layer AS kind, NULL::int AS household_count, NULL::float8 AS fill, NULL::text AS fill_class, " +
                "x.layer, x.title, x.township_code::text AS township, x.version",
                DependsOnVersion: false, DependsOnData: false, With("layer", "String", "title", "String", "township", "String", "version", "Number")),
            new("buildings", "Buildings (楼栋): footprints with their floors and use.", "polygon", 14,
                "building x", "x.id AS code, NULL::text AS name, x.use AS kind, NULL::int AS household_count, NULL::float8 AS fill, NULL::text AS fill_class, x.floors",
                DependsOnVersion: false, DependsOnData: true, With("floors", "Number")),
            new("households", "Households (户) with the micro-grid they are assigned to in the published partition.", "point", 13,
                "household x LEFT JOIN township_state s ON s.township_code = x.township_code " +
                "LEFT JOIN assignment a ON a.township_code = x.township_code AND a.valid_to IS NULL AND a.household_id = x.id",
                "a.micro_grid_code::text AS code, x.id AS name, 'household' AS kind, 1 AS household_count, NULL::float8 AS fill, NULL::text AS fill_class, " +
                "x.building_id, x.floor, x.unit",
                DependsOnVersion: true, DependsOnData: true, With("building_id", "String", "floor", "Number", "unit", "String")),
        ];
    }

    /// <summary>The query that cuts one tile: $1..$3 = z, x, y; $4 = simplification tolerance
    /// (metres of Web Mercator, half a tile pixel); $5 = the buffer in metres; $6 = the
    /// caller's jurisdiction (a code prefix, '' for everywhere); layers drawn through their
    /// townships also take $7 = the codes of the townships under the tile (<see cref="TileStamps.Under"/>),
    /// so on Citus a tile within one township is cut on that township's shard alone. Geometries are
    /// simplified (Douglas–Peucker below half a pixel, so no neighbour visibly moves) before
    /// <c>ST_AsMVTGeom</c> clips and quantises them. Features are in code order, so a tile's bytes
    /// depend on what it shows, not on where rows happen to lie in the table. Versioned layers find the townships under
    /// the tile first, then their current version's units through the partial GiST index of the
    /// open rows, however many versions are kept.</summary>
    public string Sql => _sql ??= BuildSql(gcj02: false, one: false);

    /// <summary>The same query drawing the tile in GCJ-02 (<see cref="TileCrs"/>): $7..$12 are the
    /// tile's affine map (a, b, d, e, xoff, yoff) applied after simplification, and $13..$16 the stored
    /// lon/lat extent (west, south, east, north) whose rows land in the tile; the townships under it,
    /// for layers drawn through them, are then $17.</summary>
    public string Gcj02Sql => _gcjSql ??= BuildSql(gcj02: true, one: false);

    /// <summary><see cref="Sql"/> or <see cref="Gcj02Sql"/> for a tile over <paramref name="townships"/>
    /// townships. Over one (most tiles from zoom 12 on), its code is bound as one value, not an
    /// array: on Citus the tile's features are then gathered from that township's shard alone (Citus
    /// prunes no bound array); over several, from each of theirs.</summary>
    public string SqlFor(bool gcj02, int townships) => townships != 1 ? (gcj02 ? Gcj02Sql : Sql)
        : gcj02 ? _gcjOneSql ??= BuildSql(gcj02: true, one: true) : _oneSql ??= BuildSql(gcj02: false, one: true);

    /// <summary>The row's township code, for the caller's jurisdiction.</summary>
    private string TownshipColumn => Id == "townships" ? "x.code" : "x.township_code";

    private string? _sql, _gcjSql, _oneSql, _gcjOneSql;

    private string BuildSql(bool gcj02, bool one)
    {
        var geom = Geometry ?? (GeometryType == "point" ? $"{Drawn}.geom_3857" : $"ST_Simplify({Drawn}.geom_3857, $4, true)");
        if (gcj02) geom = $"ST_Affine({geom}, $7, $8, $9, $10, $11, $12)";
        var stored = gcj02 ? "ST_Transform(ST_MakeEnvelope($13, $14, $15, $16, 4326), 3857)" : "ST_TileEnvelope($1, $2, $3)";
        //-- The townships under the tile come last: $7, or $17 after the GCJ-02 parameters.
        var under = gcj02 ? "$17" : "$7";
        var match = one ? $"= {under}" : $"= ANY({under})";
        var townships = ThroughTownship ? $"tw.code {match} AND x.township_code {match} AND tw.geom_3857 && ST_Expand(b.stored, $5) AND " : "";
        //-- The features are gathered first (a materialised CTE) and encoded after: on Citus the gathering runs on
        //-- the shards (one, for a tile within one township) and ST_AsMVT on the coordinator over their rows, since
        //-- Citus cannot pass a row of an anonymous type between nodes (and a worker aborted encoding one).
        return $"""
            WITH f AS MATERIALIZED (
                SELECT {Attributes}, ST_AsMVTGeom({geom}, b.env, {Extent}, {Buffer}, true) AS geom, {TownshipColumn} AS township_order
                FROM (SELECT ST_TileEnvelope($1, $2, $3) AS env, {stored} AS stored) b, {From}
                WHERE {townships}{Drawn}.geom_3857 && ST_Expand(b.stored, $5) AND {TownshipColumn} LIKE $6 || '%')
            SELECT ST_AsMVT(t.*, '{Id}', {Extent}, 'geom') FROM (
                SELECT {string.Join(", ", Fields.Keys.Select(k => "f." + k))}, f.geom FROM f WHERE f.geom IS NOT NULL
                ORDER BY f.code, f.name, f.township_order
            ) t
            """;
    }
}
