using System.Text.Json;
using System.Text.Json.Nodes;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>The diff of two crosswalks (<see cref="CrosswalkDiff"/>) for change notifications, read
/// from the primary (a notification follows the publish that raised it; a replica may lag), in the
/// shape <c>GET …/layers/{layer}/crosswalk/diff</c> answers.</summary>
public sealed class CrosswalkChanges(NpgsqlDataSource db) : ICrosswalkChanges
{
    private readonly CrosswalkReader _reader = new(db);

    public async Task<JsonObject> DiffAsync(string township, string layer, (int Layer, int Partition) from, (int Layer, int Partition) to, CancellationToken ct)
    {
        var before = await _reader.ReadAsync(township, layer, from.Layer, from.Partition, null, null, ct);
        var after = await _reader.ReadAsync(township, layer, to.Layer, to.Partition, null, null, ct);
        return JsonSerializer.SerializeToNode(CrosswalkDiff.Between(before, after), JsonSerializerOptions.Web)!.AsObject();
    }
}
