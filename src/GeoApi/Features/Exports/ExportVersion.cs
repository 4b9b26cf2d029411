using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>Which partition version an export reads, and whether the township is there.</summary>
public static class ExportVersion
{
    /// <summary>The version every query of one export reads (so a publish in between cannot mix
    /// two): the one asked for (<c>?version=</c>), else the current one. A version whose
    /// territories retention dropped (<c>compact</c>) is 410 Gone for the territory layers; its
    /// assignments are kept.</summary>
    public static async Task<int> VersionToRead(NpgsqlDataSource db, string code, int? asked, bool territories, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT s.current_version, v.version, v.compacted_at IS NOT NULL AND v.version <> s.current_version
            FROM township t LEFT JOIN township_state s ON s.township_code = t.code
            LEFT JOIN partition_version v ON v.township_code = t.code AND v.version = coalesce($2, s.current_version)
            WHERE t.code = $1
            """);
        cmd.Parameters.AddWithValue(code);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Integer, asked is null ? DBNull.Value : asked.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw ApiException.NotFound($"There is no township '{code}'.");
        if (r.IsDBNull(0)) throw new ApiException(404, "No partition yet", $"Township {code} has not been partitioned.");
        if (r.IsDBNull(1))
            throw new ApiException(404, "Version not found", $"Township {code} has no version {asked}.", new() { ["field"] = "version" });
        if (territories && r.GetBoolean(2))
            throw new ApiException(410, "Territories compacted",
                $"Version {asked} of township {code} is older than the retention period: its territories were dropped (its codes, assignments, history and diffs remain).",
                new() { ["field"] = "version" });
        return r.GetInt32(1);
    }

    /// <summary>The version a layer of <paramref name="request"/> reads: grids and micro-grids
    /// <see cref="VersionToRead"/>; the other layers are current only, so a <c>version</c> for them
    /// is a 400 and the township must exist (404).</summary>
    public static async Task<int> ForLayerAsync(NpgsqlDataSource db, string code, int? asked, ExportLayer layer, CancellationToken ct)
    {
        if (layer.Versioned) return await VersionToRead(db, code, asked, territories: true, ct);
        if (asked is not null)
            throw new ApiException(400, "参数无效 (Invalid parameter)",
                $"图层 {layer.Name} 没有版本，只能导出当前数据；version 只适用于 grids、micro_grids、partition.gpkg。Layer {layer.Name} has no versions (only its current rows export); version applies to grids, micro_grids and partition.gpkg.",
                new() { ["field"] = "version" });
        await using var cmd = db.CreateCommand("SELECT 1 FROM township WHERE code = $1");
        cmd.Parameters.AddWithValue(code);
        if (await cmd.ExecuteScalarAsync(ct) is null) throw ApiException.NotFound($"There is no township '{code}'.");
        return 0;
    }
}
