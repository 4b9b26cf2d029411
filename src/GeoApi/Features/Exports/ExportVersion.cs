using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>Which partition version an export reads, and whether the township is there.</summary>
public static class ExportVersion
{
    /// <summary>The version every query of one export reads: <see cref="PublishedVersion.ToReadAsync"/>.</summary>
    public static Task<int> VersionToRead(NpgsqlDataSource db, string code, int? asked, bool territories, CancellationToken ct) =>
        PublishedVersion.ToReadAsync(db, code, asked, territories, ct);

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
        cmd.Parameters.AddTownship(code);
        if (await cmd.ExecuteScalarAsync(ct) is null) throw ApiException.NotFound($"There is no township '{code}'.");
        return 0;
    }
}
