using System.Text.Json.Nodes;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>What changed between two crosswalks of a departmental layer with the partition (the
/// units whose comprehensive codes changed), as the JSON a change notification carries: made by
/// Features/Layers, told by Features/Subscriptions.</summary>
public interface ICrosswalkChanges
{
    Task<JsonObject> DiffAsync(string township, string layer, (int Layer, int Partition) from, (int Layer, int Partition) to, CancellationToken ct);
}
