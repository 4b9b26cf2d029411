using System.IO.Compression;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>Tells a file's format from its first bytes (zip, SQLite, JSON), then its name, then
/// the content type it was sent with: the one place that guesses, for the command line and the API.</summary>
public static class SourceFormats
{
    /// <summary>The media types an upload may declare, and the format each names
    /// (<c>application/octet-stream</c> and <c>multipart/form-data</c> are resolved by sniffing).</summary>
    public static IReadOnlyDictionary<string, SourceFormat> MediaTypes { get; } = new Dictionary<string, SourceFormat>(StringComparer.OrdinalIgnoreCase)
    {
        ["application/geo+json"] = SourceFormat.GeoJson,
        ["application/json"] = SourceFormat.GeoJson,
        ["application/zip"] = SourceFormat.Shapefile,
        ["application/x-zip-compressed"] = SourceFormat.Shapefile,
        ["application/x-shapefile"] = SourceFormat.Shapefile,
        ["application/geopackage+sqlite3"] = SourceFormat.GeoPackage,
        ["application/x-sqlite3"] = SourceFormat.GeoPackage,
        ["application/vnd.sqlite3"] = SourceFormat.GeoPackage,
        ["text/csv"] = SourceFormat.Csv,
        ["application/csv"] = SourceFormat.Csv,
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = SourceFormat.Xlsx,
    };

    /// <summary>The format of the file at <paramref name="path"/>, or null when it is none of them.</summary>
    public static SourceFormat? Guess(string path)
    {
        var buffer = new byte[4096];
        int n;
        using (var f = File.OpenRead(path)) n = f.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var head = buffer.AsSpan(0, n);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (head.StartsWith("SQLite format 3\0"u8)) return SourceFormat.GeoPackage;
        if (head.StartsWith("PK\u0003\u0004"u8)) return ZipContent(path);
        if (ext == ".shp") return SourceFormat.Shapefile;
        var text = head.TrimStart("\uFEFF"u8).TrimStart(" \t\r\n"u8);
        if (text.Length > 0 && (text[0] == (byte)'{' || text[0] == (byte)'[')) return SourceFormat.GeoJson;
        if (ext is ".geojson" or ".json") return SourceFormat.GeoJson;
        if (ext == ".csv") return SourceFormat.Csv;
        //-- Otherwise a CSV only when it looks like one: text whose first line has a delimiter.
        int end = text.IndexOfAny("\r\n"u8);
        var first = end < 0 ? text : text[..end];
        return !head.Contains((byte)0) && first.IndexOfAny(",;\t"u8) >= 0 ? SourceFormat.Csv : null;
    }

    /// <summary>An XLSX (an Office Open XML workbook) or a zipped Shapefile.</summary>
    private static SourceFormat? ZipContent(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (zip.Entries.Any(e => e.FullName.StartsWith("xl/", StringComparison.OrdinalIgnoreCase))) return SourceFormat.Xlsx;
            if (zip.Entries.Any(e => e.FullName.EndsWith(".shp", StringComparison.OrdinalIgnoreCase))) return SourceFormat.Shapefile;
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
