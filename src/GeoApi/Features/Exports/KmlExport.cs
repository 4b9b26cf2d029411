using GridSpatial.GeoApi.Infrastructure;
using System.Globalization;
using System.Security;
using System.Text;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>A layer as KML 2.2: one Placemark per row named by its name (else its code or id),
/// its columns as ExtendedData, coordinates lon/lat (KML has no other CRS: WGS 84, or the GCJ-02
/// or BD-09 lon/lat a Chinese map expects).</summary>
public static class KmlExport
{
    public static async Task WriteAsync(ExportLayer layer, IAsyncEnumerable<ExportRow> rows, IReadOnlyList<ExportColumn> columns, TextWriter w, CancellationToken ct)
    {
        await w.WriteAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>{layer.Name}</name>\n");
        int label = Math.Max(columns.ToList().FindIndex(c => c.Name == "name"), 0);
        await foreach (var row in rows.WithCancellation(ct))
        {
            var sb = new StringBuilder("<Placemark><name>");
            sb.Append(Escape(Text(row.Values[label] ?? row.Values[0]))).Append("</name><ExtendedData>");
            for (int i = 0; i < columns.Count; i++)
                sb.Append("<Data name=\"").Append(columns[i].Name).Append("\"><value>").Append(Escape(Text(row.Values[i]))).Append("</value></Data>");
            sb.Append("</ExtendedData>");
            Geometry(sb, row.Geometry);
            await w.WriteAsync(sb.Append("</Placemark>\n").ToString());
        }
        await w.WriteAsync("</Document></kml>\n");
    }

    private static string Text(object? v) => v switch
    {
        null => "",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Escape(string s) => SecurityElement.Escape(s);

    private static void Geometry(StringBuilder sb, Geometry g)
    {
        switch (g)
        {
            case Point p: sb.Append("<Point>"); Coordinates(sb, [p.Coordinate]); sb.Append("</Point>"); break;
            case LineString l: sb.Append("<LineString>"); Coordinates(sb, l.Coordinates); sb.Append("</LineString>"); break;
            case Polygon p:
                sb.Append("<Polygon><outerBoundaryIs><LinearRing>");
                Coordinates(sb, p.ExteriorRing.Coordinates);
                sb.Append("</LinearRing></outerBoundaryIs>");
                foreach (var hole in p.InteriorRings)
                {
                    sb.Append("<innerBoundaryIs><LinearRing>");
                    Coordinates(sb, hole.Coordinates);
                    sb.Append("</LinearRing></innerBoundaryIs>");
                }
                sb.Append("</Polygon>");
                break;
            default:
                sb.Append("<MultiGeometry>");
                for (int i = 0; i < g.NumGeometries; i++) Geometry(sb, g.GetGeometryN(i));
                sb.Append("</MultiGeometry>");
                break;
        }
    }

    private static void Coordinates(StringBuilder sb, Coordinate[] cs)
    {
        sb.Append("<coordinates>");
        for (int i = 0; i < cs.Length; i++)
            sb.Append(i > 0 ? " " : "").Append(CoordinateText.Number(cs[i].X, true)).Append(',').Append(CoordinateText.Number(cs[i].Y, true));
        sb.Append("</coordinates>");
    }
}
