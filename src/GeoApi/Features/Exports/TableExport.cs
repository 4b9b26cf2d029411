using GridSpatial.GeoApi.Infrastructure;
using System.Globalization;
using GridSpatial.Partitioner.Files;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>A layer as a table for spreadsheets: its columns (codes, names, kinds, household
/// counts, areas in m² or lengths in m on the ellipsoid), and for points <c>x</c>/<c>y</c> in the
/// export's CRS (longitude/latitude or easting/northing). CSV is UTF-8 with a BOM, so Excel opens
/// Chinese correctly.</summary>
public static class TableExport
{
    /// <summary>The header: the columns, then <c>x</c>, <c>y</c> for points.</summary>
    public static IReadOnlyList<string> Header(ExportLayer layer, IReadOnlyList<ExportColumn> columns) =>
        [.. columns.Select(c => c.Name), .. layer.Shape == ExportShape.Point ? new[] { "x", "y" } : []];

    public static async Task WriteCsvAsync(ExportLayer layer, IAsyncEnumerable<ExportRow> rows, IReadOnlyList<ExportColumn> columns, Crs crs, TextWriter w, CancellationToken ct)
    {
        await w.WriteAsync('\uFEFF');
        await w.WriteLineAsync(string.Join(',', Header(layer, columns).Select(Csv.Field)));
        await foreach (var row in rows.WithCancellation(ct))
            await w.WriteLineAsync(string.Join(',', Cells(layer, row, crs).Select(v => v switch
            {
                null => "",
                string s => Csv.Field(s),
                bool b => b ? "true" : "false",
                double d => CoordinateText.Number(d, true),
                var o => Convert.ToString(o, CultureInfo.InvariantCulture),
            })));
    }

    /// <summary>One sheet named after the layer, header in the first row, written as rows arrive.</summary>
    public static async Task WriteXlsxAsync(ExportLayer layer, IAsyncEnumerable<ExportRow> rows, IReadOnlyList<ExportColumn> columns, Crs crs, Stream file, CancellationToken ct)
    {
        await using var sheet = await XlsxSheet.CreateAsync(file, layer.Name, ct);
        await sheet.WriteRowAsync(Header(layer, columns));
        await foreach (var row in rows.WithCancellation(ct))
            await sheet.WriteRowAsync(Cells(layer, row, crs));
    }

    private static object?[] Cells(ExportLayer layer, ExportRow row, Crs crs)
    {
        if (layer.Shape != ExportShape.Point) return row.Values;
        var c = row.Geometry.Coordinate;
        int digits = crs.IsGeographic ? 9 : 4;
        return [.. row.Values, Math.Round(c.X, digits), Math.Round(c.Y, digits)];
    }
}
