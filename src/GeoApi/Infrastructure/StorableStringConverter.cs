using System.Text.Json;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Reads request bodies' strings: one that is not storable is malformed JSON (400), not a database error.</summary>
public sealed class StorableStringConverter : System.Text.Json.Serialization.JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"Expected a string, not {reader.TokenType}.");
        string s;
        try { s = reader.GetString()!; }
        catch (InvalidOperationException e) { throw new JsonException("A string is not valid Unicode text.", e); }
        return StorableText.IsStorable(s) ? s : throw new JsonException("A string holds a NUL character or a lone surrogate, which cannot be stored.");
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
