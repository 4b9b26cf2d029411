using System.Text.Json;
using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Inputs;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>Partition that nests (多网合一, issue #19 item 4) at <c>/api/townships/{code}/nesting</c>:
/// which departmental layer the township's grids (<c>grid</c>) or micro-grids (<c>micro_grid</c>)
/// nest in. The choice is stored per township (<c>township_nesting</c>, migration 0018) and read
/// with the partition's inputs (<c>Partitions/PartitionStore.LoadAsync</c>), so every recompute —
/// asked through the API, by the scheduler after a data change, or the nightly full one — nests in
/// the layer's current version. Setting, changing or removing it marks the township's data changed
/// (the next recompute partitions anew), and so does a new version of the layer it nests in
/// (<see cref="DepartmentalLayerImporter"/>).</summary>
public static class NestingEndpoints
{
    public sealed record NestingBody(string? Layer, string? Level);

    public sealed record Nesting(string Township, string? Layer, string? Level, int? LayerVersion);

    public static RouteGroupBuilder MapNesting(this RouteGroupBuilder township)
    {
        township.MapGet("/nesting", Get).Require(Roles.Read).WithSummary("The departmental layer the township's grids or micro-grids nest in (多网合一); layer null when none.");
        township.MapPut("/nesting", Put).Require(Roles.Edit).Accepts<NestingBody>("application/json")
            .WithSummary("Nest the township's grids (level grid) or micro-grids (level micro_grid) in a departmental layer's units: {\"layer\": \"urban-grid\", \"level\": \"grid\"}. Kept for every later recompute; the township is marked changed, POST /partition (or wait for the scheduler) to recompute.");
        township.MapDelete("/nesting", Delete).Require(Roles.Edit).WithSummary("Stop nesting: later recomputes partition without the layer's borders.");
        return township;
    }

    private static async Task<Nesting> Get(string code, TownshipState townships, NpgsqlDataSource db, CancellationToken ct)
    {
        await townships.RequireAsync(code, ct);
        return await ReadAsync(db, code, ct);
    }

    private static async Task<Nesting> Put(string code, HttpRequest request, TownshipState townships, NpgsqlDataSource db, CancellationToken ct)
    {
        await townships.RequireAsync(code, ct);
        string layer, level;
        using (var doc = await RequestBody.ReadJsonAsync(request, "nesting", ct))
        {
            var body = doc.RootElement;
            if (body.ValueKind != JsonValueKind.Object)
                throw Invalid("$", "请求体须为 JSON 对象 {\"layer\", \"level\"}。The body is a JSON object with layer and level.");
            layer = LayerName.Require(Text(body, "layer") ?? throw Invalid("layer", "缺少 layer：要嵌套的部门图层名。Give layer: the departmental layer to nest in."));
            level = Text(body, "level") is { } l && NestInput.ParseLevel(l) is not null ? l
                : throw Invalid("level", "level 须为 grid（网格嵌套在部门单元内）或 micro_grid（微网格嵌套）。level is grid or micro_grid.");
        }
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM dept_layer WHERE township_code = $1 AND layer = $2 FOR SHARE", conn, tx))
        {
            exists.Parameters.AddTownship(code);
            exists.Parameters.AddWithValue(layer);
            if (await exists.ExecuteScalarAsync(ct) is null)
                throw new ApiException(400, "未知图层 (Unknown layer)",
                    $"乡镇 {code} 没有部门图层 '{layer}'，请先导入 POST /api/townships/{code}/layers/{layer}。Township {code} has no departmental layer '{layer}'.",
                    new() { ["field"] = "layer" });
        }
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO township_nesting (township_code, layer, level, actor) VALUES ($1, $2, $3, $4)
            ON CONFLICT (township_code) DO UPDATE SET layer = EXCLUDED.layer, level = EXCLUDED.level, actor = EXCLUDED.actor, updated_at = EXCLUDED.updated_at
            """, conn, tx))
        {
            upsert.Parameters.AddTownship(code);
            upsert.Parameters.AddWithValue(layer);
            upsert.Parameters.AddWithValue(level);
            upsert.Parameters.AddWithValue(request.HttpContext.User.Actor());
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await ChangedAsync(conn, tx, code, request, new { layer, level }, ct);
        await tx.CommitAsync(ct);
        return await ReadAsync(db, code, ct);
    }

    private static async Task<Nesting> Delete(string code, HttpRequest request, TownshipState townships, NpgsqlDataSource db, CancellationToken ct)
    {
        await townships.RequireAsync(code, ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var delete = new NpgsqlCommand("DELETE FROM township_nesting WHERE township_code = $1", conn, tx);
        delete.Parameters.AddTownship(code);
        if (await delete.ExecuteNonQueryAsync(ct) > 0) await ChangedAsync(conn, tx, code, request, new { layer = (string?)null }, ct);
        await tx.CommitAsync(ct);
        return new Nesting(code, null, null, null);
    }

    /// <summary>Audited, and the township's data marked changed: the next recompute partitions with (or without) the layer.</summary>
    private static async Task ChangedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string code, HttpRequest request, object detail, CancellationToken ct)
    {
        await using (var audit = new NpgsqlCommand("INSERT INTO audit_log (township_code, actor, action, entity, detail) VALUES ($1, $2, 'nesting', 'partition', $3::jsonb)", conn, tx))
        {
            audit.Parameters.AddWithValue(code);
            audit.Parameters.AddWithValue(request.HttpContext.User.Actor());
            audit.Parameters.AddWithValue(JsonSerializer.Serialize(detail));
            await audit.ExecuteNonQueryAsync(ct);
        }
        await TownshipState.MarkDirtyAsync(conn, tx, code, ct);
    }

    private static async Task<Nesting> ReadAsync(NpgsqlDataSource db, string code, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT n.layer, n.level, l.current_version FROM township_nesting n
            JOIN dept_layer l ON l.township_code = n.township_code AND l.layer = n.layer WHERE n.township_code = $1
            """);
        cmd.Parameters.AddTownship(code);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Nesting(code, r.GetString(0), r.GetString(1), r.GetInt32(2)) : new Nesting(code, null, null, null);
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static ApiException Invalid(string field, string detail) =>
        new(400, "嵌套设置无效 (Invalid nesting)", detail, new() { ["field"] = field });
}
