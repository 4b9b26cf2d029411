using GridSpatial.GeoApi.Infrastructure;
using System.Text.Json;
using GridSpatial.Partitioner.Files;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>A layer as a GeoJSON FeatureCollection, streamed feature by feature. WGS 84 is RFC
/// 7946 GeoJSON; any other CRS is named in the (2008) <c>crs</c> member GDAL and QGIS read
/// (<c>urn:ogc:def:crs:EPSG::4544</c>); GCJ-02 and BD-09 have no EPSG code and no member: readers
/// take them as the lon/lat they are.</summary>
public static class GeoJsonExport
{
    //-- Chinese names stay readable in the file (JSON allows any Unicode in strings).
    private static readonly JsonSerializerOptions Text = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(IAsyncEnumerable<ExportRow> rows, IReadOnlyList<ExportColumn> columns, Crs crs, TextWriter w, CancellationToken ct)
    {
        await w.WriteAsync("{\"type\":\"FeatureCollection\",");
        if (crs.Epsg is not (0 or 4326))
            await w.WriteAsync($"\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::{crs.Epsg}\"}}}},");
        await w.WriteAsync("\"features\":[");
        bool first = true;
        await foreach (var row in rows.WithCancellation(ct))
        {
            if (!first) await w.WriteAsync(',');
            first = false;
            await w.WriteAsync("{\"type\":\"Feature\",\"geometry\":");
            await w.WriteAsync(CoordinateText.GeoJson(row.Geometry, crs.IsGeographic));
            await w.WriteAsync(",\"properties\":{");
            for (int i = 0; i < columns.Count; i++)
            {
                if (i > 0) await w.WriteAsync(',');
                await w.WriteAsync(JsonSerializer.Serialize(columns[i].Name, Text));
                await w.WriteAsync(':');
                await w.WriteAsync(row.Values[i] switch
                {
                    null => "null",
                    bool b => b ? "true" : "false",
                    string s => JsonSerializer.Serialize(s, Text),
                    var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
                });
            }
            await w.WriteAsync("}}");
        }
        await w.WriteAsync("]}");
    }
}
