using System.IO.Compression;
using GridSpatial.Partitioner.Files;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Writers;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>A layer as a zipped Shapefile named after it: .shp, .shx, .dbf, .prj (the CRS as
/// WKT 1) and .cpg (the attribute encoding, UTF-8 or GBK, what ArcGIS and GDAL read). dBASE field
/// names are at most 10 bytes (<see cref="ExportColumn.ShortName"/>).</summary>
public static class ShapefileExport
{
    /// <summary>Writes the layer to <paramref name="folder"/> and zips it into <paramref name="zip"/>
    /// (the Shapefile library and <see cref="ZipArchive"/> write synchronously: both are files).</summary>
    public static async Task WriteAsync(ExportLayer layer, IAsyncEnumerable<ExportRow> rows, IReadOnlyList<ExportColumn> columns, Crs crs,
        System.Text.Encoding encoding, string folder, Stream zip, CancellationToken ct)
    {
        var options = new ShapefileWriterOptions(layer.Shape switch
        {
            ExportShape.Polygon => ShapeType.Polygon,
            ExportShape.Line => ShapeType.PolyLine,
            _ => ShapeType.Point,
        }) { Encoding = encoding, Projection = crs.Wkt };
        foreach (var c in columns)
            switch (c.Type)
            {
                case ExportType.WholeNumber: options.AddNumericInt32Field(c.ShortName); break;
                case ExportType.Real: options.AddNumericDoubleField(c.ShortName); break;
                case ExportType.Boolean: options.AddLogicalField(c.ShortName); break;
                default: options.AddCharacterField(c.ShortName, 254); break;
            }
        var shp = Path.Combine(folder, layer.Name + ".shp");
        using (var writer = Shapefile.OpenWrite(shp, options))
            await foreach (var row in rows.WithCancellation(ct))
            {
                var attributes = new AttributesTable();
                for (int i = 0; i < columns.Count; i++) attributes.Add(columns[i].ShortName, row.Values[i]);
                writer.Write(new Feature(row.Geometry, attributes));
            }
        await File.WriteAllTextAsync(Path.ChangeExtension(shp, ".cpg"), encoding.CodePage == 936 ? "GBK" : "UTF-8", ct);
        await File.WriteAllTextAsync(Path.ChangeExtension(shp, ".prj"), crs.Wkt, ct);
        using var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            archive.CreateEntryFromFile(file, Path.GetFileName(file));
    }
}
