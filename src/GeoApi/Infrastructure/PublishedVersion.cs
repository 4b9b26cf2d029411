using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Which published partition version a read of territories (an export, a notice map)
/// reads, and whether the township is there.</summary>
public static class PublishedVersion
{
    /// <summary>The version every query of one read uses (so a publish in between cannot mix
    /// two): the one asked for (<c>?version=</c>), else the current one. 404 for an unknown
    /// township, one not partitioned yet or a version it never had; a version whose territories
    /// retention dropped (<c>compact</c>) is 410 Gone when <paramref name="territories"/> are read
    /// (its assignments are kept).</summary>
    public static async Task<int> ToReadAsync(NpgsqlDataSource db, string code, int? asked, bool territories, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT s.current_version, v.version, v.compacted_at IS NOT NULL AND v.version <> s.current_version
            FROM township t LEFT JOIN township_state s ON s.township_code = t.code
            LEFT JOIN partition_version v ON v.township_code = t.code AND v.version = coalesce($2, s.current_version)
            WHERE t.code = $1
            """);
        cmd.Parameters.AddTownship(code);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Integer, asked is null ? DBNull.Value : asked.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw ApiException.NotFound($"There is no township '{code}'.");
        if (r.IsDBNull(0)) throw new ApiException(404, "尚未划分 (No partition yet)", $"乡镇 {code} 还没有网格划分。Township {code} has not been partitioned.");
        if (r.IsDBNull(1))
            throw new ApiException(404, "版本不存在 (Version not found)", $"乡镇 {code} 没有版本 {asked}。Township {code} has no version {asked}.", new() { ["field"] = "version" });
        if (territories && r.GetBoolean(2))
            throw new ApiException(410, "范围已压缩 (Territories compacted)",
                $"版本 {asked} 早于保留期，范围已删除（代码、分配、历史和差异仍在）。Version {asked} of township {code} is older than the retention period: its territories were dropped (its codes, assignments, history and diffs remain).",
                new() { ["field"] = "version" });
        return r.GetInt32(1);
    }
}
