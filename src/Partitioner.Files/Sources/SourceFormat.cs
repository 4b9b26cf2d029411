namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>The file formats an import reads.</summary>
public enum SourceFormat
{
    GeoJson,
    /// <summary>A zip holding a Shapefile (.shp, .shx, .dbf, and optionally .prj, .cpg), or a bare .shp beside its siblings.</summary>
    Shapefile,
    GeoPackage,
    Csv,
    Xlsx,
}
