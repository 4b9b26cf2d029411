using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>A departmental layer of one township as listed: its name, display title, current version and its units' count.</summary>
public sealed record LayerSummary(string Township, string TownshipName, string Layer, string? Title, int Version, int Units, DateTime UpdatedAt);

/// <summary>One imported version of a layer.</summary>
public sealed record LayerVersion(int Version, int Units, string Actor, DateTime CreatedAt, bool Current);

/// <summary>Reads stored departmental layers: lists, versions, units as GeoJSON (built by PostGIS).</summary>
public sealed class DepartmentalLayers([FromKeyedServices(Database.Read)] NpgsqlDataSource db)
{
    /// <summary>The layers of <paramref name="township"/>, or of every township whose code starts with <paramref name="jurisdiction"/>.</summary>
    public async Task<List<LayerSummary>> ListAsync(string? township, string? jurisdiction, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT l.township_code, t.name, l.layer, l.title, l.current_version, v.units, l.updated_at
            FROM dept_layer l JOIN township t ON t.code = l.township_code
            JOIN dept_layer_version v ON v.township_code = l.township_code AND v.layer = l.layer AND v.version = l.current_version
            WHERE ($1::text IS NULL OR l.township_code = $1) AND l.township_code LIKE coalesce($2, '') || '%'
            ORDER BY l.township_code, l.layer
            """);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)township ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)jurisdiction ?? DBNull.Value);
        var list = new List<LayerSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new LayerSummary(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4), r.GetInt32(5), r.GetDateTime(6)));
        return list;
    }

    public async Task<List<LayerVersion>> VersionsAsync(string township, string layer, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT v.version, v.units, v.actor, v.created_at, v.version = l.current_version
            FROM dept_layer l JOIN dept_layer_version v ON v.township_code = l.township_code AND v.layer = l.layer
            WHERE l.township_code = $1 AND l.layer = $2 ORDER BY v.version
            """);
        cmd.Parameters.AddTownship(township);
        cmd.Parameters.AddWithValue(layer);
        var list = new List<LayerVersion>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new LayerVersion(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetDateTime(3), r.GetBoolean(4)));
        if (list.Count == 0) throw NoLayer(township, layer);
        return list;
    }

    /// <summary>The units of a version (the current one when null) as a GeoJSON FeatureCollection:
    /// each feature's id is its code, its properties as imported with <c>code</c> and <c>name</c>.</summary>
    public async Task<string> GeoJsonAsync(string township, string layer, int? version, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            WITH l AS (SELECT township_code, layer, title, coalesce($3, current_version) AS version FROM dept_layer WHERE township_code = $1 AND layer = $2)
            SELECT json_build_object('type', 'FeatureCollection', 'township', l.township_code, 'layer', l.layer, 'title', l.title, 'version', l.version,
                'features', coalesce((SELECT json_agg(json_build_object('type', 'Feature', 'id', u.code,
                    'properties', u.properties || jsonb_build_object('code', u.code, 'name', u.name), 'geometry', ST_AsGeoJSON(u.geom, 9)::json) ORDER BY u.code)
                    FROM dept_unit u WHERE u.township_code = l.township_code AND u.layer = l.layer AND u.version = l.version), '[]'::json))::text,
                EXISTS (SELECT 1 FROM dept_layer_version v WHERE v.township_code = l.township_code AND v.layer = l.layer AND v.version = l.version)
            FROM l
            """);
        cmd.Parameters.AddTownship(township);
        cmd.Parameters.AddWithValue(layer);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Integer, (object?)version ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw NoLayer(township, layer);
        if (!r.GetBoolean(1))
            throw new ApiException(404, "没有该图层版本 (No such layer version)", $"Layer '{layer}' of township {township} has no version {version}.", new() { ["field"] = "version" });
        return r.GetString(0);
    }

    /// <summary>The townships (within the jurisdiction) whose current version of <paramref name="layer"/> has unit <paramref name="unit"/>.</summary>
    public async Task<List<string>> TownshipsWithUnitAsync(string layer, string unit, string jurisdiction, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT township_code FROM current_dept_unit WHERE layer = $1 AND code = $2 AND township_code LIKE $3 || '%' ORDER BY township_code");
        cmd.Parameters.AddWithValue(layer);
        cmd.Parameters.AddWithValue(unit);
        cmd.Parameters.AddWithValue(jurisdiction);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetString(0));
        return list;
    }

    internal static ApiException NoLayer(string township, string layer) =>
        new(404, "没有该部门图层 (No such layer)", $"乡镇 {township} 没有部门图层 '{layer}'。Township {township} has no departmental layer '{layer}'.", new() { ["field"] = "layer" });
}
