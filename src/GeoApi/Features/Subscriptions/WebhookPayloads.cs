using System.Text.Json.Nodes;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Subscriptions;

/// <summary>What a notification says, built once per event (every subscription gets the same body):
/// the envelope <c>{id, event, township, at, data}</c> (<c>id</c> is the idempotency key, the same on
/// every retry). A publish's data: the versions, codes added (with what they came from), retired
/// (with where they went), split (a unit whose land went to new codes) and merged (retired into one
/// successor), and the households whose micro-grid changed. An assignment's data: the change, code,
/// person id and role, dates — never a name or phone. A crosswalk's change (either side published):
/// the crosswalk diff of the departmental layer.</summary>
public static class WebhookPayloads
{
    public static async Task<JsonObject> BuildAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Infrastructure.ICrosswalkChanges crosswalks, long id, string kind,
        string township, int? version, int? previous, string detail, DateTime at, CancellationToken ct)
    {
        var data = kind == "version.published" && version is { } v ? await PublishedAsync(conn, tx, township, v, previous, ct)
            : kind == "crosswalk.changed" ? await CrosswalkAsync(crosswalks, township, JsonNode.Parse(detail)!.AsObject(), ct)
            : JsonNode.Parse(detail)!.AsObject();
        return new JsonObject
        {
            ["id"] = Key(id),
            ["event"] = kind,
            ["township"] = township,
            ["at"] = DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["data"] = data,
        };
    }

    /// <summary>The idempotency key of an event: a receiver that saw it already ignores it.</summary>
    public static string Key(long eventId) => $"gs-evt-{eventId}";

    private static async Task<JsonObject> PublishedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township, int version, int? previous, CancellationToken ct)
    {
        var added = new JsonArray();
        var retired = new JsonArray();
        var split = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var merged = new JsonArray();
        //-- A code lives valid_from ..= valid_to: retired in this version means valid_to = version - 1.
        await using (var cmd = new NpgsqlCommand("""
            SELECT code::text, level, valid_from = $2, predecessors, successors FROM code_registry
            WHERE township_code = $1 AND (valid_from = $2 OR valid_to = $2 - 1) ORDER BY code
            """, conn, tx))
        {
            cmd.Parameters.AddTownship(township);
            cmd.Parameters.AddWithValue(version);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var (code, level, born) = (r.GetString(0).Trim(), r.GetString(1), r.GetBoolean(2));
                var predecessors = r.GetFieldValue<string[]>(3);
                var successors = r.GetFieldValue<string[]>(4);
                if (born)
                {
                    added.Add(new JsonObject { ["code"] = code, ["level"] = level, ["from"] = Array(predecessors) });
                    foreach (var p in predecessors) (split.TryGetValue(p, out var s) ? s : split[p] = new(StringComparer.Ordinal)).Add(code);
                }
                else
                {
                    retired.Add(new JsonObject { ["code"] = code, ["level"] = level, ["into"] = Array(successors) });
                    if (successors.Length == 1) merged.Add(new JsonObject { ["code"] = code, ["into"] = successors[0] });
                }
            }
        }
        var moved = new JsonArray();
        await using (var cmd = new NpgsqlCommand("""
            SELECT n.household_id, o.micro_grid_code::text, n.micro_grid_code::text FROM assignment n
            LEFT JOIN assignment o ON o.township_code = n.township_code AND o.household_id = n.household_id AND o.valid_to = n.valid_from
            WHERE n.township_code = $1 AND n.valid_from = $2 AND o.micro_grid_code IS DISTINCT FROM n.micro_grid_code
            ORDER BY n.household_id
            """, conn, tx))
        {
            cmd.Parameters.AddTownship(township);
            cmd.Parameters.AddWithValue(version);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                moved.Add(new JsonObject { ["id"] = r.GetString(0), ["from"] = r.IsDBNull(1) ? null : r.GetString(1).Trim(), ["to"] = r.GetString(2).Trim() });
        }
        return new JsonObject
        {
            ["version"] = version,
            ["previousVersion"] = previous,
            ["added"] = added,
            ["retired"] = retired,
            //-- Split: an old code (kept or retired) whose land now also holds new codes.
            ["split"] = new JsonArray([.. split.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (JsonNode)new JsonObject { ["code"] = s.Key, ["into"] = Array(s.Value) })]),
            ["merged"] = merged,
            ["householdsMoved"] = moved,
        };
    }

    /// <summary>A crosswalk's change: which side published (<c>partition</c> or <c>layer</c>) and the
    /// diff of the crosswalks before and after (units added, removed, and the grids and micro-grids
    /// each unit gained and lost), with the URL that answers the same.</summary>
    private static async Task<JsonObject> CrosswalkAsync(Infrastructure.ICrosswalkChanges crosswalks, string township, JsonObject detail, CancellationToken ct)
    {
        int Get(string name) => detail[name]!.GetValue<int>();
        var layer = detail["layer"]!.GetValue<string>();
        var data = await crosswalks.DiffAsync(township, layer, (Get("fromLayerVersion"), Get("fromPartitionVersion")), (Get("toLayerVersion"), Get("toPartitionVersion")), ct);
        data["side"] = detail["side"]!.GetValue<string>();
        data["url"] = $"/api/townships/{township}/layers/{layer}/crosswalk/diff?fromLayerVersion={Get("fromLayerVersion")}&fromPartitionVersion={Get("fromPartitionVersion")}" +
            $"&toLayerVersion={Get("toLayerVersion")}&toPartitionVersion={Get("toPartitionVersion")}";
        return data;
    }

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v.Trim()))]);
}
