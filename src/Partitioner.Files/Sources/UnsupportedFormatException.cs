namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>A file (or media type) that is none of the import formats; the service answers 415.</summary>
public sealed class UnsupportedFormatException : Exception
{
    public UnsupportedFormatException(string what)
        : base($"不支持的文件格式：{what}。可导入 GeoJSON、压缩的 Shapefile（.zip：.shp/.shx/.dbf/.prj/.cpg）、GeoPackage、CSV、XLSX。" +
            $"Unsupported file format: {what}. Import GeoJSON, a zipped Shapefile (.shp/.shx/.dbf/.prj/.cpg), a GeoPackage, CSV or XLSX.") { }

    public UnsupportedFormatException() : this("?") { }
    public UnsupportedFormatException(string message, Exception inner) : base(message, inner) { }
}
