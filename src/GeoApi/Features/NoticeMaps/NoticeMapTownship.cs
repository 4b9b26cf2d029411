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

    /// <summary>The township at version <paramref name="asked"/>, else its current version
    /// (<see cref="PublishedVersion.ToReadAsync"/>: 404 or 410 when there is nothing to draw).</summary>
    public static async Task<NoticeMapTownship> ReadAsync(NpgsqlDataSource db, string code, int? asked, CancellationToken ct)
    {
        int version = await PublishedVersion.ToReadAsync(db, code, asked, territories: true, ct);
        await using var cmd = db.CreateCommand("""
            SELECT t.name, t.geom, v.created_at FROM township t JOIN partition_version v ON v.township_code = t.code AND v.version = $2
            WHERE t.code = $1
            """);
        cmd.Parameters.AddTownship(code);
        cmd.Parameters.AddWithValue(version);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw ApiException.NotFound($"There is no township '{code}'.");
        var geometry = r.GetFieldValue<Geometry>(1);
        var published = DateOnly.FromDateTime(r.GetFieldValue<DateTimeOffset>(2).ToOffset(ChinaOffset).DateTime);
        return new NoticeMapTownship(code, r.GetString(0), version, published, MetricProjection.For(geometry));
    }
}
