using System.Buffers;
using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>Writes a record of a Shapefile, GeoPackage or table as the GeoJSON Feature the
/// validator reads (<see cref="GeoJson.FeatureValidator"/>), so every format passes the same
/// rules as GeoJSON. Columns are renamed by the <see cref="ColumnMap"/> (the first column of a
/// field wins; a later one keeps its own name); empty values are left out; whole numbers are
/// written as integers, so an id read as 1001.0 from a spreadsheet is "1001".</summary>
internal static class FeatureJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = PartitionJson.Options.Encoder };

    public static JsonElement Create(Geometry? geometry, IEnumerable<KeyValuePair<string, object?>> attributes, ColumnMap map)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("type", "Feature");
            w.WritePropertyName("geometry");
            if (geometry is null) w.WriteNullValue();
            else JsonSerializer.Serialize(w, geometry, PartitionJson.Options);
            w.WritePropertyName("properties");
            w.WriteStartObject();
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (column, value) in attributes)
            {
                var field = map.FieldOf(column);
                if (!written.Add(field))
                {
                    field = column;
                    if (!written.Add(field)) continue;
                }
                WriteValue(w, field, value);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private static void WriteValue(Utf8JsonWriter w, string field, object? value)
    {
        switch (value)
        {
            case null or DBNull or byte[]:
                return;
            case string s:
                s = s.Trim();
                if (s.Length > 0) w.WriteString(field, s);
                return;
            case bool b:
                w.WriteBoolean(field, b);
                return;
            case int or long or short or byte or sbyte or uint or ushort:
                w.WriteNumber(field, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                return;
            case DateTime d:
                w.WriteString(field, d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("s", CultureInfo.InvariantCulture));
                return;
            case double or float or decimal:
                double v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!double.IsFinite(v)) return;
                if (v == Math.Floor(v) && Math.Abs(v) < 1e15) w.WriteNumber(field, (long)v);
                else w.WriteNumber(field, v);
                return;
            default:
                var text = Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim();
                if (!string.IsNullOrEmpty(text)) w.WriteString(field, text);
                return;
        }
    }
}
