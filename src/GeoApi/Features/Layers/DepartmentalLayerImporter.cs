using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Files;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>Imports a departmental layer (多网合一) of a township as a new version: every feature is
/// validated (<see cref="Partitioner.Files.GeoJson.FeatureValidator.DepartmentalUnit"/>: code,
/// name, a polygon reaching into the township), streamed into <c>dept_unit</c> with binary COPY,
/// and the layer's current version switched, all in one transaction, so a rejected upload changes
/// nothing. An upload identical to the current version (same codes, names and geometries) makes
/// no new version. Versions of one layer take turns (an advisory lock per township and layer).</summary>
public sealed class DepartmentalLayerImporter(NpgsqlDataSource db, InputLimits limits)
{
    public sealed record Result(string Township, string Layer, int Version, int Units, bool Created);

    public async Task<Result> ImportAsync(string townshipCode, string layer, string? title, IAsyncEnumerable<JsonElement> features,
        string actor, Crs? crs, CancellationToken ct)
    {
        LayerName.Require(layer);
        if (title is not null) title = Partitioner.Inputs.InputRules.Text(title, layer, null, null, "title");
        if (!DivisionCode.TryParse(townshipCode, out _, DivisionLevel.Township))
            throw ApiException.NotFound($"There is no township '{townshipCode}': a township code is 9 digits.");
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var township = await TownshipState.LockBoundaryAsync(conn, tx, townshipCode, ct);
        await using (var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('gridspatial:dept-layer:' || $1 || ':' || $2))", conn, tx))
        {
            turn.Parameters.AddWithValue(townshipCode);
            turn.Parameters.AddWithValue(layer);
            await turn.ExecuteNonQueryAsync(ct);
        }
        int previous = await Scalar<int>(conn, tx, "SELECT coalesce(max(version), 0) FROM dept_layer_version WHERE township_code = $1 AND layer = $2", ct, townshipCode, layer);
        int version = previous + 1;
        await Execute(conn, tx, """
            INSERT INTO dept_layer AS l (township_code, layer, title, current_version) VALUES ($1, $2, $3, $4)
            ON CONFLICT (township_code, layer) DO UPDATE SET title = coalesce(EXCLUDED.title, l.title), current_version = EXCLUDED.current_version, updated_at = EXCLUDED.updated_at
            """, ct, townshipCode, layer, (object?)title ?? DBNull.Value, version);
        await Execute(conn, tx, "INSERT INTO dept_layer_version (township_code, layer, version, units, actor) VALUES ($1, $2, $3, 0, $4)", ct,
            townshipCode, layer, version, actor);

        var validator = limits.Validator(layer, township, crs);
        int units = 0;
        await using (var writer = await conn.BeginBinaryImportAsync("COPY dept_unit (township_code, layer, version, code, name, properties, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            await foreach (var f in features.WithCancellation(ct))
            {
                var u = validator.DepartmentalUnit(f, units);
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(townshipCode, NpgsqlDbType.Char, ct);
                await writer.WriteAsync(layer, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(version, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(u.Code, NpgsqlDbType.Text, ct);
                if (u.Name is null) await writer.WriteNullAsync(ct); else await writer.WriteAsync(u.Name, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(u.Properties, NpgsqlDbType.Jsonb, ct);
                await writer.WriteAsync((Geometry)u.Geom, NpgsqlDbType.Geometry, ct);
                units++;
            }
            await writer.CompleteAsync(ct);
        }
        if (units == 0)
            throw new ApiException(400, "图层为空 (Empty layer)", $"部门图层 '{layer}' 没有任何单元。The upload holds no unit of layer '{layer}'.",
                new() { ["layer"] = layer, ["field"] = "features" });

        if (previous > 0 && await Scalar<bool>(conn, tx, """
            SELECT NOT EXISTS (
                (SELECT code, name, ST_AsBinary(geom) FROM dept_unit WHERE township_code = $1 AND layer = $2 AND version = $3
                 EXCEPT SELECT code, name, ST_AsBinary(geom) FROM dept_unit WHERE township_code = $1 AND layer = $2 AND version = $4)
                UNION ALL
                (SELECT code, name, ST_AsBinary(geom) FROM dept_unit WHERE township_code = $1 AND layer = $2 AND version = $4
                 EXCEPT SELECT code, name, ST_AsBinary(geom) FROM dept_unit WHERE township_code = $1 AND layer = $2 AND version = $3))
            """, ct, townshipCode, layer, version, previous))
        {
            //-- The department sent what it sent last time: nothing to version, tiles and crosswalks stay as they are.
            await tx.RollbackAsync(ct);
            return new Result(townshipCode, layer, previous, units, Created: false);
        }
        await Execute(conn, tx, "UPDATE dept_layer_version SET units = $4 WHERE township_code = $1 AND layer = $2 AND version = $3", ct,
            townshipCode, layer, version, units);
        await Execute(conn, tx, "INSERT INTO audit_log (township_code, actor, action, entity, detail) VALUES ($1, $2, 'import', 'dept-layer', $3::jsonb)", ct,
            townshipCode, actor, JsonSerializer.Serialize(new { layer, version, units }));
        if (previous > 0) await WebhookOutbox.LayerPublishedAsync(conn, tx, townshipCode, layer, version, previous, ct);
        await TownshipState.NotifyChangedAsync(conn, tx, townshipCode, ct);
        //-- A township that nests in this layer is to be recomputed in its new version (NestingSettings).
        if (await Scalar<bool>(conn, tx, "SELECT EXISTS (SELECT 1 FROM township_nesting WHERE township_code = $1 AND layer = $2)", ct, townshipCode, layer))
            await TownshipState.MarkDirtyAsync(conn, tx, townshipCode, ct);
        await tx.CommitAsync(ct);
        return new Result(townshipCode, layer, version, units, Created: true);
    }

    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
