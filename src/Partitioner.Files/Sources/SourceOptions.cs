namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>How to read one import file.</summary>
public sealed record SourceOptions
{
    /// <summary>The CRS of the coordinates; null: what the file declares (a Shapefile's .prj, a
    /// GeoPackage table's SRS), else WGS 84. Given, it overrides the file's.</summary>
    public Crs? Crs { get; init; }

    /// <summary>The text encoding of a Shapefile's .dbf or a CSV (<c>gbk</c>, <c>utf-8</c>, …);
    /// null: the .cpg, else UTF-8 when the bytes are valid UTF-8, else GBK.</summary>
    public string? Encoding { get; init; }

    /// <summary>Which attribute or column is which field.</summary>
    public ColumnMap Columns { get; init; } = ColumnMap.Default;

    /// <summary>A GeoPackage table, an XLSX sheet or a Shapefile in a zip holding several; null: the only one, or the one named like the layer.</summary>
    public string? SourceLayer { get; init; }
}
