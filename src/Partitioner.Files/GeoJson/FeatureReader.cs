using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.Partitioner.Files.GeoJson;

/// <summary>Reads the features of a GeoJSON FeatureCollection (or, when allowed, a single
/// Feature) one at a time from a stream, holding only one feature in memory: a million-household
/// file or request body imports in constant memory, whatever its size. Members of the collection
/// other than <c>type</c> and <c>features</c> are skipped unread.</summary>
public static class FeatureReader
{
    public static IAsyncEnumerable<JsonElement> ReadAsync(Stream stream, string layer, CancellationToken ct) =>
        ReadAsync(stream, layer, allowSingle: false, ct);

    public static async IAsyncEnumerable<JsonElement> ReadAsync(Stream stream, string layer, bool allowSingle, [EnumeratorCancellation] CancellationToken ct)
    {
        using var window = new Window(layer, allowSingle);
        while (!window.Done)
        {
            if (window.WantsBytes) window.Received(await stream.ReadAsync(window.Free, ct));
            foreach (var e in window.Next()) yield return e;
        }
    }

    /// <summary>The same, for a caller that is synchronous (the <c>partition</c> command's files).</summary>
    public static IEnumerable<JsonElement> Read(Stream stream, string layer, bool allowSingle = false)
    {
        using var window = new Window(layer, allowSingle);
        while (!window.Done)
        {
            if (window.WantsBytes) window.Received(stream.Read(window.Free.Span));
            foreach (var e in window.Next()) yield return e;
        }
    }

    /// <summary>The bytes read and not yet consumed, and the scan's cursor over them.</summary>
    private sealed class Window(string layer, bool allowSingle) : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        private int _length;
        private bool _final;
        private readonly Cursor _cursor = new(layer, allowSingle) { State = new JsonReaderState(new JsonReaderOptions { MaxDepth = 64 }) };

        public bool Done => _cursor.Phase == Phase.Done;
        public bool WantsBytes => !_final && _length < _buffer.Length;
        public Memory<byte> Free => _buffer.AsMemory(_length);

        public void Received(int n)
        {
            if (n == 0) _final = true;
            _length += n;
        }

        /// <summary>The features the bytes so far complete.</summary>
        public List<JsonElement> Next()
        {
            var emitted = new List<JsonElement>();
            int consumed = Scan(_buffer.AsSpan(0, _length), _final, _cursor, emitted);
            if (Done) return emitted;
            if (consumed == 0 && _length == _buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, _length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            else if (consumed > 0)
            {
                _buffer.AsSpan(consumed, _length - consumed).CopyTo(_buffer);
                _length -= consumed;
            }
            if (_final && consumed == 0)
                throw new InputException(_cursor.Layer, null, null, "$", "The body ends before the GeoJSON is complete.");
            return emitted;
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
    }

    private enum Phase { Start, InObject, Features, Done }

    /// <summary>Where the scan stands between reads; changed only together with the bytes consumed.</summary>
    private sealed class Cursor(string layer, bool allowSingle)
    {
        public string Layer { get; } = layer;
        public bool AllowSingle { get; } = allowSingle;
        public JsonReaderState State { get; set; }
        public Phase Phase { get; set; } = Phase.Start;
        public int Depth { get; set; }
        public string? Type { get; set; }
        /// <summary>The root's Feature members, kept when a single Feature is allowed.</summary>
        public Dictionary<string, byte[]> Members { get; } = new(StringComparer.Ordinal);
    }

    private static readonly string[] FeatureMembers = ["id", "properties", "geometry"];

    private static int Scan(ReadOnlySpan<byte> data, bool final, Cursor cursor, List<JsonElement> emitted)
    {
        var reader = new Utf8JsonReader(data, final, cursor.State);
        int consumed = 0;
        var layer = cursor.Layer;
        try
        {
            while (true)
            {
                var before = reader;
                if (cursor.Phase == Phase.Features)
                {
                    if (!reader.Read()) return Stop(before);
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        //-- The rest of the collection (bbox, crs…) is not needed.
                        cursor.Phase = Phase.Done;
                        return (int)reader.BytesConsumed;
                    }
                    //-- The reader stands on the feature's first token: parse that whole value.
                    if (!JsonDocument.TryParseValue(ref reader, out var doc)) return Stop(before);
                    using (doc) emitted.Add(doc.RootElement.Clone());
                    consumed = (int)reader.BytesConsumed;
                    continue;
                }
                if (!reader.Read()) return Stop(before);
                switch (cursor.Phase)
                {
                    case Phase.Start:
                        if (reader.TokenType != JsonTokenType.StartObject)
                            throw new InputException(layer, null, null, "type", "The body must be a GeoJSON object with a 'type'.");
                        cursor.Phase = Phase.InObject;
                        cursor.Depth = reader.CurrentDepth;
                        break;
                    case Phase.InObject when reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == cursor.Depth + 1:
                        if (reader.ValueTextEquals("features"))
                        {
                            if (!reader.Read()) return Stop(before);
                            if (reader.TokenType != JsonTokenType.StartArray)
                                throw new InputException(layer, null, null, "features", "'features' must be an array.");
                            if (cursor.Type is not (null or "FeatureCollection")) throw WrongType(cursor);
                            cursor.Phase = Phase.Features;
                        }
                        else if (reader.ValueTextEquals("type"))
                        {
                            if (!reader.Read()) return Stop(before);
                            cursor.Type = reader.TokenType == JsonTokenType.String ? Text(ref reader) : reader.TokenType.ToString().ToLowerInvariant();
                        }
                        else if (cursor.AllowSingle && Member(ref reader) is { } member)
                        {
                            if (!reader.Read()) return Stop(before);
                            int start = (int)reader.TokenStartIndex;
                            if (!reader.TrySkip()) return Stop(before);
                            //-- Kept as sent (bytes, not re-encoded): the validator judges its text.
                            cursor.Members[member] = data[start..(int)reader.BytesConsumed].ToArray();
                        }
                        else
                        {
                            if (!reader.Read() || !reader.TrySkip()) return Stop(before);
                        }
                        break;
                    case Phase.InObject when reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == cursor.Depth:
                        if (cursor.AllowSingle && cursor.Type == "Feature")
                        {
                            emitted.Add(SingleFeature(cursor.Members));
                            cursor.Phase = Phase.Done;
                            return (int)reader.BytesConsumed;
                        }
                        if (cursor.Type is not (null or "FeatureCollection")) throw WrongType(cursor);
                        throw new InputException(layer, null, null, "features", "The GeoJSON has no 'features' array: expected a FeatureCollection.");
                }
                consumed = (int)reader.BytesConsumed;
            }
        }
        catch (JsonException e)
        {
            throw new InputException(layer, null, null, "$", $"The body is not valid JSON: {e.Message}");
        }

        //-- Not enough bytes for the next token: keep the state of the last whole one.
        int Stop(Utf8JsonReader at)
        {
            cursor.State = at.CurrentState;
            return consumed;
        }
    }

    private static string? Member(ref Utf8JsonReader reader)
    {
        foreach (var m in FeatureMembers)
            if (reader.ValueTextEquals(m)) return m;
        return null;
    }

    private static string Text(ref Utf8JsonReader reader)
    {
        try { return reader.GetString() ?? ""; }
        catch (InvalidOperationException) { return "?"; }
    }

    private static InputException WrongType(Cursor cursor) =>
        new(cursor.Layer, null, null, "type", $"The body must be a FeatureCollection{(cursor.AllowSingle ? " or a Feature" : "")}, not '{cursor.Type}'.");

    private static JsonElement SingleFeature(Dictionary<string, byte[]> members)
    {
        var json = new List<byte>("{\"type\":\"Feature\""u8.ToArray());
        foreach (var (name, value) in members)
        {
            json.AddRange(System.Text.Encoding.UTF8.GetBytes($",\"{name}\":"));
            json.AddRange(value);
        }
        json.Add((byte)'}');
        using var doc = JsonDocument.Parse(json.ToArray());
        return doc.RootElement.Clone();
    }
}
