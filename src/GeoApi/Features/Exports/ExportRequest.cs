using System.Text;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Files.Sources;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>The file formats a layer exports to, by the extension that names them.</summary>
public enum ExportFormat { GeoJson, ShapefileZip, Xlsx, Csv, Kml }

/// <summary>What one export asks for: a layer, a format, a CRS of the registry
/// (<see cref="InputCrs"/>) and the text encoding of a Shapefile's attributes. Parsing refuses
/// anything it does not know with a message for users (Chinese first) naming the field: nothing
/// is silently ignored.</summary>
public sealed record ExportRequest(ExportLayer Layer, ExportFormat Format, Crs Crs, Encoding Encoding)
{
    public const string Formats = "geojson, shp.zip, xlsx, csv, kml";

    private static readonly Dictionary<string, ExportFormat> Extensions = new()
    {
        ["geojson"] = ExportFormat.GeoJson, ["shp.zip"] = ExportFormat.ShapefileZip, ["xlsx"] = ExportFormat.Xlsx,
        ["csv"] = ExportFormat.Csv, ["kml"] = ExportFormat.Kml,
    };

    public static string Layers => string.Join(", ", ExportLayer.All.Select(l => l.Name));

    /// <summary>Parses <c>{layer}.{format}</c> and the options.</summary>
    /// <param name="refuse">Builds the exception for a bad field and its message.</param>
    public static ExportRequest Parse(string file, string? crs, string? encoding, Func<string, string, Exception> refuse)
    {
        int dot = file.IndexOf('.', StringComparison.Ordinal);
        var (layerName, extension) = dot < 0 ? (file, "") : (file[..dot], file[(dot + 1)..].ToLowerInvariant());
        var layer = ExportLayer.Named(layerName)
            ?? throw refuse("layer", $"没有图层 '{Short(layerName)}'；可用：{Layers}。There is no layer '{Short(layerName)}'; use one of {Layers}.");
        if (!Extensions.TryGetValue(extension, out var format))
            throw refuse("format", $"不支持的导出格式 '{Short(extension)}'；可用：{Formats}（另有 partition.gpkg）。Unknown export format '{Short(extension)}'; use one of {Formats} (or partition.gpkg).");
        var parsed = ParseCrs(crs, refuse);
        if (format == ExportFormat.Kml && !parsed.IsGeographic)
            throw refuse("crs", $"只能用经纬度导出 KML（{parsed.Code} 是投影坐标）；请用 EPSG:4326、EPSG:4490、gcj02 或 bd09。KML holds longitude/latitude only ({parsed.Code} is projected); use EPSG:4326, EPSG:4490, gcj02 or bd09.");
        if (encoding is not null && format != ExportFormat.ShapefileZip)
            throw refuse("encoding", "编码 encoding 只适用于 shp.zip（其他格式都是 UTF-8）。encoding applies to shp.zip only (every other format is UTF-8).");
        return new ExportRequest(layer, format, parsed, ParseEncoding(encoding, refuse));
    }

    /// <summary>A CRS of the registry; empty is WGS 84.</summary>
    public static Crs ParseCrs(string? crs, Func<string, string, Exception> refuse)
    {
        try { return InputCrs.Parse(crs); }
        catch (ArgumentException e) { throw refuse("crs", e.Message); }
    }

    /// <summary><c>utf-8</c> (the default) or <c>gbk</c>.</summary>
    public static Encoding ParseEncoding(string? encoding, Func<string, string, Exception> refuse) =>
        (encoding ?? "utf-8").Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal) switch
        {
            "utf8" => TextEncodings.Utf8,
            "gbk" or "cp936" or "gb2312" => TextEncodings.Gbk,
            _ => throw refuse("encoding", $"不支持的编码 '{Short(encoding!)}'；可用：utf-8、gbk。Unknown encoding '{Short(encoding!)}'; use utf-8 or gbk."),
        };

    /// <summary>The file name's extension.</summary>
    public string Extension => Extensions.First(e => e.Value == Format).Key;

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
