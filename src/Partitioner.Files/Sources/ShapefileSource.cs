using System.IO.Compression;
using System.Text;
using System.Text.Json;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>A Shapefile, zipped or as a .shp beside its .shx, .dbf and optional .prj and .cpg:
/// features read one at a time. Attribute text is decoded with the forced encoding, else the
/// .cpg's, else UTF-8 when the .dbf's text bytes are valid UTF-8, else GBK. The .prj names the CRS
/// unless the import names one.</summary>
internal static class ShapefileSource
{
    /// <summary>Bytes a zip may unpack to: a guard against zip bombs far above any township's layers.</summary>
    public const long MaxUnpackedBytes = 4L << 30;

    private static readonly string[] Parts = [".shp", ".shx", ".dbf", ".prj", ".cpg"];

    /// <summary>Unpacks the Shapefile of <paramref name="zipPath"/> named <paramref name="name"/>
    /// (or the only one, or the one named like <paramref name="layer"/>) into <paramref name="folder"/>; returns its .shp.</summary>
    public static string Unzip(string zipPath, string? name, string layer, string folder)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        var shps = zip.Entries.Where(e => e.FullName.EndsWith(".shp", StringComparison.OrdinalIgnoreCase) && !e.FullName.Contains("__MACOSX", StringComparison.Ordinal)).ToList();
        static string Stem(ZipArchiveEntry e) => Path.GetFileNameWithoutExtension(e.Name);
        var shp = shps.Count == 1 && name is null ? shps[0]
            : shps.FirstOrDefault(e => string.Equals(Stem(e), name ?? layer, StringComparison.OrdinalIgnoreCase))
            ?? throw new InputException(layer, null, null, "sourceLayer", shps.Count == 0
                ? "压缩包里没有 .shp 文件。The zip holds no .shp file."
                : $"压缩包里有多个 Shapefile（{string.Join("、", shps.Select(Stem))}），请用 sourceLayer 指明。The zip holds several Shapefiles ({string.Join(", ", shps.Select(Stem))}); name one with sourceLayer.");
        var stem = shp.FullName[..^4];
        long total = 0;
        string target = "";
        foreach (var part in Parts)
        {
            var entry = zip.Entries.FirstOrDefault(e => string.Equals(e.FullName, stem + part, StringComparison.OrdinalIgnoreCase));
            if (entry is null)
            {
                if (part is ".shx" or ".dbf")
                    throw new InputException(layer, null, null, "$", $"压缩包缺少 {Path.GetFileName(stem)}{part}。The zip lacks {Path.GetFileName(stem)}{part}.");
                continue;
            }
            total += entry.Length;
            if (total > MaxUnpackedBytes)
                throw new InputException(layer, null, null, "$", "压缩包解压后过大。The zip unpacks to more than 4 GiB.");
            var path = Path.Combine(folder, "layer" + part);
            entry.ExtractToFile(path, overwrite: true);
            if (part == ".shp") target = path;
        }
        return target;
    }

    /// <summary>The CRS the .prj beside <paramref name="shpPath"/> names, or null when there is none.</summary>
    public static Crs? DeclaredCrs(string shpPath, string layer)
    {
        var prj = Path.ChangeExtension(shpPath, ".prj");
        if (!File.Exists(prj)) return null;
        var wkt = File.ReadAllText(prj);
        return InputCrs.FromPrj(wkt) ?? throw new DeclaredCrsException(layer, ".prj",
            $".prj 描述的坐标系不在支持之列（{InputRules.Shorten(wkt)}）：请用 crs= 指明（{InputCrs.Accepted}）。" +
            $"The .prj describes a CRS this service does not know ({InputRules.Shorten(wkt)}); name it with crs= ({InputCrs.Accepted}).");
    }

    /// <summary>The attribute encoding: forced, else the .cpg's, else sniffed from the .dbf.</summary>
    public static Encoding AttributeEncoding(string shpPath, string? forced)
    {
        if (forced is not null) return TextEncodings.Resolve(forced);
        var cpg = Path.ChangeExtension(shpPath, ".cpg");
        if (File.Exists(cpg) && File.ReadAllText(cpg).Trim() is { Length: > 0 } name) return TextEncodings.Resolve(name);
        var dbf = Path.ChangeExtension(shpPath, ".dbf");
        using var f = File.OpenRead(dbf);
        //-- Field names (11 bytes in each 32-byte descriptor) and the records: the only text of a .dbf.
        var header = new byte[32];
        f.ReadExactly(header);
        int headerLength = header[8] | header[9] << 8;
        var descriptors = new byte[Math.Max(0, headerLength - 32)];
        f.ReadExactly(descriptors);
        for (int i = 0; i + 32 <= descriptors.Length && descriptors[i] != 0x0D; i += 32)
        {
            var fieldName = descriptors.AsSpan(i, 11);
            int end = fieldName.IndexOf((byte)0);
            if (!TextEncodings.IsUtf8(end < 0 ? fieldName : fieldName[..end])) return TextEncodings.Gbk;
        }
        return TextEncodings.Sniff(f);
    }

    public static IEnumerable<JsonElement> Read(string shpPath, Encoding encoding, ColumnMap map)
    {
        using var reader = Shapefile.OpenRead(shpPath, new ShapefileReaderOptions { Encoding = encoding });
        foreach (Feature feature in reader)
        {
            var attributes = feature.Attributes;
            yield return FeatureJson.Create(feature.Geometry,
                attributes.GetNames().Select(n => new KeyValuePair<string, object?>(n, attributes[n])), map);
        }
    }
}
