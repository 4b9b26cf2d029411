using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Features.Import;

/// <summary>Reads the features of a GeoJSON FeatureCollection (or a single Feature) one at a
/// time from a stream, holding only one feature in memory: a million-household file imports in
/// constant memory.</summary>
public static class FeatureReader
{
    public static async IAsyncEnumerable<JsonElement> ReadAsync(Stream stream, string layer, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        int length = 0;
        bool final = false;
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 64 });
        int depth = 0;
        Phase phase = Phase.Start;
        try
        {
            while (true)
            {
                if (!final && length < buffer.Length)
                {
                    int n = await stream.ReadAsync(buffer.AsMemory(length), ct);
                    if (n == 0) final = true;
                    length += n;
                }
                int consumed;
                var emitted = new List<JsonElement>();
                (consumed, state, phase, depth) = Scan(buffer.AsSpan(0, length), final, state, phase, depth, emitted, layer);
                foreach (var e in emitted) yield return e;
                if (phase == Phase.Done) yield break;
                if (consumed == 0 && length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                else if (consumed > 0)
                {
                    buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                    length -= consumed;
                }
                if (final && consumed == 0 && phase != Phase.Done)
                    throw new InputException(layer, null, null, "$", "The file ends before the GeoJSON is complete.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private enum Phase { Start, InObject, Features, Done }

    private static (int Consumed, JsonReaderState State, Phase Phase, int Depth) Scan(
        ReadOnlySpan<byte> data, bool final, JsonReaderState state, Phase phase, int depth, List<JsonElement> emitted, string layer)
    {
        var reader = new Utf8JsonReader(data, final, state);
        int consumed = 0;
        try
        {
            while (true)
            {
                if (phase == Phase.Features)
                {
                    var save = reader;
                    if (!reader.Read()) return (consumed, save.CurrentState, phase, depth);
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        //-- The rest of the collection (bbox, crs…) is not needed.
                        return ((int)reader.BytesConsumed, reader.CurrentState, Phase.Done, depth);
                    }
                    //-- The reader stands on the feature's first token: parse that whole value.
                    if (!JsonDocument.TryParseValue(ref reader, out var doc))
                        return (consumed, save.CurrentState, phase, depth);
                    using (doc) emitted.Add(doc.RootElement.Clone());
                    consumed = (int)reader.BytesConsumed;
                    continue;
                }
                var before = reader;
                if (!reader.Read()) return (consumed, before.CurrentState, phase, depth);
                switch (phase)
                {
                    case Phase.Start:
                        if (reader.TokenType != JsonTokenType.StartObject)
                            throw new InputException(layer, null, null, "$", "The file is not a GeoJSON object.");
                        phase = Phase.InObject;
                        depth = reader.CurrentDepth;
                        consumed = (int)reader.BytesConsumed;
                        break;
                    case Phase.InObject:
                        if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("features"))
                        {
                            if (!reader.Read()) return (consumed, before.CurrentState, phase, depth);
                            if (reader.TokenType != JsonTokenType.StartArray)
                                throw new InputException(layer, null, null, "features", "'features' must be an array.");
                            phase = Phase.Features;
                            consumed = (int)reader.BytesConsumed;
                        }
                        else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
                        {
                            throw new InputException(layer, null, null, "features", "The GeoJSON has no 'features' array: expected a FeatureCollection.");
                        }
                        else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        {
                            if (!reader.TrySkip()) return (consumed, before.CurrentState, phase, depth);
                            consumed = (int)reader.BytesConsumed;
                        }
                        else consumed = (int)reader.BytesConsumed;
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new InputException(layer, null, null, "$", $"The file is not valid JSON: {e.Message}");
        }
    }
}
