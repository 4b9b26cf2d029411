using System.Text.Json;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>The CRS a GeoJSON file names in the <c>crs</c> member of its FeatureCollection (RFC 7946
/// dropped it, but GDAL and QGIS still write it for anything but WGS 84, before the features):
/// read from the file's first bytes, as a Shapefile's .prj is.</summary>
internal static class GeoJsonCrs
{
    /// <summary>Bytes looked at for the member.</summary>
    public const int HeadBytes = 64 * 1024;

    /// <summary>The CRS named before <c>features</c> in <paramref name="head"/>, or null when none is.</summary>
    public static Crs? Find(ReadOnlySpan<byte> head, string layer)
    {
        var reader = new Utf8JsonReader(head, isFinalBlock: false, default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                if (reader.ValueTextEquals("features")) return null;
                if (!reader.ValueTextEquals("crs"))
                {
                    if (!reader.Read() || !reader.TrySkip()) return null;
                    continue;
                }
                if (!reader.Read()) return null;
                var start = (int)reader.TokenStartIndex;
                if (!reader.TrySkip()) return null;
                using var doc = JsonDocument.Parse(head[start..(int)reader.BytesConsumed].ToArray());
                var name = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("properties", out var p)
                    && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                if (name is null) return null;
                return InputCrs.TryParse(name, out var crs) ? crs : throw new DeclaredCrsException(layer, "GeoJSON crs",
                    $"GeoJSON 的 crs 成员 '{InputRules.Shorten(name)}' 不在支持之列：请用 crs= 指明（{InputCrs.Accepted}）。" +
                    $"The GeoJSON names CRS '{InputRules.Shorten(name)}', which this service does not know; name it with crs= ({InputCrs.Accepted}).");
            }
        }
        catch (JsonException)
        {
            //-- Malformed JSON is the feature reader's to report, with its own message.
        }
        return null;
    }
}
