using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Files;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;
using GridSpatial.Partitioner.Files.GeoJson;

namespace GridSpatial.GeoApi.Features.Import;

/// <summary>Upserts a layer by id: every feature is validated, streamed into a staging table
/// with binary COPY, then merged in one statement, all in one transaction, so a rejected upload
/// changes nothing. Household changes bump the township's data version and mark it dirty in the
/// same transaction.</summary>
public sealed class LayerImporter(NpgsqlDataSource db, InputLimits limits)
{
    public sealed record Result(string Layer, int Received, int Inserted, int Updated);

    /// <summary>Overlap two townships may have (boundary noise of separately digitised
    /// neighbours), as a share of the smaller one's area.</summary>
    //-- 1 %: real neighbours' borders disagree by metres along kilometres, which stays far below;
    //-- a township drawn over another's fields and houses (a lookup takeover) is far above.
    public const double MaxOverlapShare = 0.01;

    /// <summary>Validates every township, then writes them in one transaction. A township whose
    /// geometry changes may not overlap another by more than <see cref="MaxOverlapShare"/> (409,
    /// nothing written).</summary>
    /// <param name="authorize">Called with each validated township's code before anything is
    /// written; throws to refuse it (the API's jurisdiction check). Null allows all (the command line).</param>
    /// <param name="crs">The CRS the features' coordinates are in (WGS 84 when null).</param>
    public async Task<Result> ImportTownshipsAsync(IAsyncEnumerable<JsonElement> features, string actor, Action<DivisionCode, int>? authorize, Crs? crs, CancellationToken ct)
    {
        var rows = new List<TownshipRow>();
        var codes = new HashSet<DivisionCode>();
        int index = 0;
        var validator = limits.Validator("townships", null, crs);
        await foreach (var f in features.WithCancellation(ct))
        {
            var row = validator.Township(f, index);
            authorize?.Invoke(row.Code, index);
            if (!codes.Add(row.Code))
                throw new Partitioner.Inputs.InputException("townships", index, row.Code.Value, "code", $"Township '{row.Code}' appears twice in this upload.");
            rows.Add(row);
            index++;
        }
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        //-- Township geometry writes take turns, so two overlapping uploads cannot both pass the overlap check.
        await using (var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('gridspatial:township-geometry'))", conn, tx))
            await turn.ExecuteNonQueryAsync(ct);
        int inserted = 0, updated = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            await using (var county = new NpgsqlCommand("INSERT INTO county (code, name) VALUES ($1, $1) ON CONFLICT DO NOTHING", conn, tx))
            {
                county.Parameters.AddWithValue(r.CountyCode);
                await county.ExecuteNonQueryAsync(ct);
            }
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO township AS t (code, county_code, name, kind, urban, geom) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, urban = EXCLUDED.urban,
                    geom = EXCLUDED.geom, updated_at = EXCLUDED.updated_at
                WHERE (t.name, t.kind, t.urban, t.geom) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.urban, EXCLUDED.geom)
                RETURNING (xmax = 0)
                """, conn, tx);
            cmd.Parameters.AddWithValue(r.Code.Value);
            cmd.Parameters.AddWithValue(r.CountyCode);
            cmd.Parameters.AddWithValue(r.Name);
            cmd.Parameters.AddWithValue(r.Kind);
            cmd.Parameters.AddWithValue(r.Urban);
            cmd.Parameters.AddWithValue((Geometry)r.Geom);
            var outcome = await cmd.ExecuteScalarAsync(ct);
            switch (outcome)
            {
                case true: inserted++; break;
                case false: updated++; break;
            }
            if (outcome is bool) await RefuseOverlap(conn, tx, r, i, ct);
            if (outcome is false) await RefuseStranded(conn, tx, r, i, ct);
            await using var state = new NpgsqlCommand("INSERT INTO township_state (township_code) VALUES ($1) ON CONFLICT DO NOTHING", conn, tx);
            state.Parameters.AddWithValue(r.Code.Value);
            await state.ExecuteNonQueryAsync(ct);
            await TownshipState.NotifyChangedAsync(conn, tx, r.Code.Value, ct);
            //-- One audit row per township, so the log says which township a key changed.
            await Audit(conn, tx, r.Code.Value, actor, "townships", 1, outcome is true ? 1 : 0, outcome is false ? 1 : 0, ct);
        }
        await tx.CommitAsync(ct);
        return new Result("townships", rows.Count, inserted, updated);
    }

    /// <summary>Refuses (409) a township just written that overlaps another by more than
    /// <see cref="MaxOverlapShare"/> of the smaller one's area (areas on the spheroid, m²).</summary>
    private static async Task RefuseOverlap(NpgsqlConnection conn, NpgsqlTransaction tx, TownshipRow row, int index, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT o.code, o.name, x.overlap, x.smaller FROM township t
            JOIN township o ON o.code <> t.code AND ST_Intersects(o.geom, t.geom)
            CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(o.geom, t.geom)::geography) AS overlap,
                least(ST_Area(o.geom::geography), ST_Area(t.geom::geography)) AS smaller) x
            WHERE t.code = $1 AND x.overlap > $2 * x.smaller
            ORDER BY x.overlap DESC, o.code LIMIT 1
            """, conn, tx);
        cmd.Parameters.AddWithValue(row.Code.Value);
        cmd.Parameters.AddWithValue(MaxOverlapShare);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return;
        var other = reader.GetString(0);
        throw new ApiException(409, "Townships overlap",
            FormattableString.Invariant($"Township {row.Code} (#{index}) would overlap township {other} ({reader.GetString(1)}) by {reader.GetDouble(2):F0} m², {100 * reader.GetDouble(2) / reader.GetDouble(3):F1} % of the smaller one (at most {100 * MaxOverlapShare:F0} % is allowed)."),
            new() { ["layer"] = "townships", ["featureIndex"] = index, ["featureId"] = row.Code.Value, ["field"] = "geometry", ["township"] = row.Code.Value, ["overlaps"] = other });
    }

    /// <summary>Refuses (409) a township's new boundary that leaves some of its households outside:
    /// stored, no partition of the township could hold them, and every recompute would fail.</summary>
    private static async Task RefuseStranded(NpgsqlConnection conn, NpgsqlTransaction tx, TownshipRow row, int index, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT count(*), min(h.id) FROM household h JOIN township t ON t.code = h.township_code
            WHERE t.code = $1 AND NOT ST_Covers(t.geom, h.geom)
            """, conn, tx);
        cmd.Parameters.AddWithValue(row.Code.Value);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct) || reader.GetInt64(0) == 0) return;
        long count = reader.GetInt64(0);
        var first = reader.GetString(1);
        throw new ApiException(409, "Households outside the boundary",
            FormattableString.Invariant($"乡镇 {row.Code}（#{index}）的新边界外还有 {count} 户（如 '{first}'）：请先移动或删除这些户，或提交包含它们的边界。") +
            FormattableString.Invariant($"Township {row.Code} (#{index})'s new boundary leaves {count} of its households outside it (e.g. '{first}'): move or delete them first, or send a boundary that holds them."),
            new() { ["layer"] = "townships", ["featureIndex"] = index, ["featureId"] = row.Code.Value, ["field"] = "geometry", ["township"] = row.Code.Value, ["households"] = count, ["household"] = first });
    }

    /// <summary>Validates every feature (<see cref="FeatureValidator"/>, coordinates converted from
    /// <paramref name="crs"/>, WGS 84 when null) while streaming it into the stage, then merges.</summary>
    public async Task<Result> ImportAsync(string townshipCode, Layer layer, IAsyncEnumerable<JsonElement> features, string actor, Crs? crs, CancellationToken ct)
    {
        if (!DivisionCode.TryParse(townshipCode, out var code, DivisionLevel.Township))
            throw ApiException.NotFound($"There is no township '{townshipCode}': a township code is 9 digits.");
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var township = await TownshipState.LockBoundaryAsync(conn, tx, townshipCode, ct);
        var name = layer.ToString().ToLowerInvariant();
        var validator = limits.Validator(name, township, crs);
        var table = TableOf(layer);
        await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE stage (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP", conn, tx))
            await create.ExecuteNonQueryAsync(ct);

        int received = 0;
        await using (var writer = await conn.BeginBinaryImportAsync($"COPY stage ({Columns(layer)}) FROM STDIN (FORMAT BINARY)", ct))
        {
            await foreach (var f in features.WithCancellation(ct))
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(townshipCode, NpgsqlDbType.Char, ct);
                switch (layer)
                {
                    case Layer.Villages:
                        var v = validator.Village(f, received, code);
                        await writer.WriteAsync(v.Code.Value, NpgsqlDbType.Char, ct);
                        await writer.WriteAsync(v.Name, NpgsqlDbType.Text, ct);
                        await writer.WriteAsync(v.Urban, NpgsqlDbType.Boolean, ct);
                        await writer.WriteAsync((Geometry)v.Geom, NpgsqlDbType.Geometry, ct);
                        break;
                    case Layer.Buildings:
                        var b = validator.Building(f, received);
                        await writer.WriteAsync(b.Id, NpgsqlDbType.Text, ct);
                        await WriteNullable(writer, b.Floors, NpgsqlDbType.Integer, ct);
                        await WriteNullable(writer, b.Use, NpgsqlDbType.Text, ct);
                        await writer.WriteAsync(b.Properties, NpgsqlDbType.Jsonb, ct);
                        await writer.WriteAsync((Geometry)b.Geom, NpgsqlDbType.Geometry, ct);
                        break;
                    case Layer.Households:
                        var h = validator.Household(f, received);
                        await writer.WriteAsync(h.Id, NpgsqlDbType.Text, ct);
                        await WriteNullable(writer, h.BuildingId, NpgsqlDbType.Text, ct);
                        await WriteNullable(writer, h.Floor, NpgsqlDbType.Integer, ct);
                        await WriteNullable(writer, h.Unit, NpgsqlDbType.Text, ct);
                        await WriteNullable(writer, h.Room, NpgsqlDbType.Text, ct);
                        await WriteNullable(writer, h.Address, NpgsqlDbType.Text, ct);
                        await WriteNullable(writer, h.Persons, NpgsqlDbType.Integer, ct);
                        await writer.WriteAsync(h.Properties, NpgsqlDbType.Jsonb, ct);
                        await writer.WriteAsync((Geometry)h.Geom, NpgsqlDbType.Geometry, ct);
                        break;
                    case Layer.Barriers or Layer.Streets:
                        var r = layer == Layer.Barriers ? validator.Barrier(f, received) : validator.Street(f, received);
                        await writer.WriteAsync(r.Id, NpgsqlDbType.Text, ct);
                        await writer.WriteAsync(r.Kind, NpgsqlDbType.Text, ct);
                        await WriteNullable(writer, r.Name, NpgsqlDbType.Text, ct);
                        await writer.WriteAsync(r.Properties, NpgsqlDbType.Jsonb, ct);
                        await writer.WriteAsync((Geometry)r.Geom, NpgsqlDbType.Geometry, ct);
                        break;
                }
                received++;
            }
            await writer.CompleteAsync(ct);
        }

        if (layer == Layer.Households)
        {
            //-- Ids are the service's, not the township's: claimed in the locator, and an id another township
            //-- holds refuses the upload.
            string? taken = null;
            await using (var claim = new NpgsqlCommand(HouseholdLocator.ClaimStageSql, conn, tx))
            await using (var reader = await claim.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                    if (reader.GetString(1) != townshipCode && (taken is null || string.CompareOrdinal(reader.GetString(0), taken) < 0)) taken = reader.GetString(0);
            //-- The other township may lie outside the caller's jurisdiction: the id is taken, not where.
            if (taken is not null)
                throw new ApiException(409, "Household id in use", $"Household id '{taken}' is already taken by another township's household; choose another id.",
                    new() { ["layer"] = "households", ["featureId"] = taken, ["field"] = "id" });
        }

        int inserted = 0, updated = 0;
        await using (var merge = new NpgsqlCommand(MergeSql(layer), conn, tx))
        await using (var reader = await merge.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                if (reader.GetBoolean(0)) inserted++; else updated++;

        if (layer == Layer.Households && inserted + updated > 0)
            await TownshipState.MarkDirtyAsync(conn, tx, townshipCode, ct);
        else if (inserted + updated > 0)
            await TownshipState.MarkLayersChangedAsync(conn, tx, townshipCode, ct);
        await Audit(conn, tx, townshipCode, actor, name, received, inserted, updated, ct);
        await tx.CommitAsync(ct);
        return new Result(name, received, inserted, updated);
    }

    private static async Task Audit(NpgsqlConnection conn, NpgsqlTransaction tx, string? township, string actor, string layer, int received, int inserted, int updated, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO audit_log (township_code, actor, action, entity, detail) VALUES ($1, $2, 'import', $3, $4)", conn, tx);
        cmd.Parameters.AddWithValue(township is null ? DBNull.Value : township);
        cmd.Parameters.AddWithValue(actor);
        cmd.Parameters.AddWithValue(layer);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(new { received, inserted, updated }));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task WriteNullable<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null) await writer.WriteNullAsync(ct);
        else await writer.WriteAsync(value, type, ct);
    }

    private static string TableOf(Layer layer) => layer switch
    {
        Layer.Villages => "village",
        Layer.Buildings => "building",
        Layer.Households => "household",
        Layer.Barriers => "barrier",
        Layer.Streets => "street",
        _ => throw new ArgumentOutOfRangeException(nameof(layer)),
    };

    private static string Columns(Layer layer) => layer switch
    {
        Layer.Villages => "township_code, code, name, urban, geom",
        Layer.Buildings => "township_code, id, floors, use, properties, geom",
        Layer.Households => "township_code, id, building_id, floor, unit, room, address, persons, properties, geom",
        Layer.Barriers or Layer.Streets => "township_code, id, kind, name, properties, geom",
        _ => throw new ArgumentOutOfRangeException(nameof(layer)),
    };

    private static string MergeSql(Layer layer)
    {
        var cols = Columns(layer);
        var key = layer == Layer.Villages ? "code" : "id";
        var table = TableOf(layer);
        var data = cols.Split(", ").Where(c => c != "township_code" && c != key).ToArray();
        var set = string.Join(", ", data.Select(c => $"{c} = EXCLUDED.{c}"));
        var changed = $"({string.Join(", ", data.Select(c => $"t.{c}"))}) IS DISTINCT FROM ({string.Join(", ", data.Select(c => $"EXCLUDED.{c}"))})";
        var bump = layer == Layer.Households ? ", row_version = t.row_version + 1" : "";
        return $"""
            INSERT INTO {table} AS t ({cols}) SELECT {cols} FROM stage
            ON CONFLICT (township_code, {key}) DO UPDATE SET {set}{bump}, updated_at = EXCLUDED.updated_at WHERE {changed}
            RETURNING (xmax = 0)
            """;
    }
}
