using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>The township a notice map is drawn in, at the partition version every page of one
/// request reads (so a publish in between cannot mix two), with the township's metric projection
/// (DESIGN §3) that keeps the map true to scale.</summary>
public sealed record NoticeMapTownship(string Code, string Name, int Version, DateOnly PublishedOn, MetricProjection Projection)
{
    /// <summary>China Standard Time, the day printed on the page.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>The township at version <paramref name="asked"/>, else its current version: 404
    /// for an unknown township, one not partitioned yet or a version it never had; 410 for a
    /// version whose territories retention dropped.</summary>
    public static async Task<NoticeMapTownship> ReadAsync(NpgsqlDataSource db, string code, int? asked, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT t.name, t.geom, s.current_version, v.version, v.created_at,
                   v.compacted_at IS NOT NULL AND v.version <> s.current_version
            FROM township t LEFT JOIN township_state s ON s.township_code = t.code
            LEFT JOIN partition_version v ON v.township_code = t.code AND v.version = coalesce($2, s.current_version)
            WHERE t.code = $1
            """);
        cmd.Parameters.AddWithValue(code);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Integer, asked is null ? DBNull.Value : asked.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
            throw new ApiException(404, "代码不存在 (Unknown code)", $"没有乡镇 {code}。There is no township '{code}'.", new() { ["field"] = "code" });
        if (r.IsDBNull(2))
            throw new ApiException(404, "尚未划分 (No partition yet)", $"乡镇 {code} 还没有网格划分。Township {code} has not been partitioned.", new() { ["field"] = "code" });
        if (r.IsDBNull(3))
            throw new ApiException(404, "版本不存在 (Version not found)", $"乡镇 {code} 没有版本 {asked}。Township {code} has no version {asked}.", new() { ["field"] = "version" });
        if (r.GetBoolean(5))
            throw new ApiException(410, "版本已压缩 (Territories compacted)",
                $"版本 {asked} 早于保留期，其范围已删除，无法绘图。Version {asked} of township {code} is older than the retention period: its territories were dropped.",
                new() { ["field"] = "version" });
        var geometry = r.GetFieldValue<Geometry>(1);
        var published = DateOnly.FromDateTime(r.GetFieldValue<DateTimeOffset>(4).ToOffset(ChinaOffset).DateTime);
        return new NoticeMapTownship(code, r.GetString(0), r.GetInt32(3), published, MetricProjection.For(geometry));
    }
}
