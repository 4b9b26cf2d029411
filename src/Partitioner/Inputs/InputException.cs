namespace GridSpatial.Partitioner.Inputs;

/// <summary>An input the Partitioner refuses, naming the feature (layer, index, id) and the
/// field, so callers can answer with a precise problem.</summary>
public sealed class InputException : ArgumentException
{
    public InputException(string layer, int? index, string? featureId, string field, string message) : base(message)
    {
        Layer = layer;
        Index = index;
        FeatureId = featureId;
        Field = field;
    }

    public InputException() { Layer = ""; Field = ""; }
    public InputException(string message) : base(message) { Layer = ""; Field = ""; }
    public InputException(string message, Exception inner) : base(message, inner) { Layer = ""; Field = ""; }

    public string Layer { get; }
    public int? Index { get; }
    public string? FeatureId { get; }
    public string Field { get; }
}
