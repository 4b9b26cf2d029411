using System.Runtime.CompilerServices;
using System.Text.Json;
using GridSpatial.Partitioner.Files.GeoJson;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>Opens an import file of any format (<see cref="SourceFormat"/>) as GeoJSON features
/// for the one validator (<see cref="FeatureValidator"/>): the command line's files and the API's
/// uploads alike. GeoJSON and CSV are read as they arrive; a zip, GeoPackage or workbook needs
/// random access, so an upload of one is first spooled to a temporary file (never held in memory).
/// A file the reader cannot parse is an <see cref="InputException"/> naming the layer.</summary>
public static class FeatureSource
{
    public static Task<OpenedSource> OpenFileAsync(string path, SourceFormat? format, SourceOptions options, string layer, bool allowSingle, CancellationToken ct) =>
        OpenFileAsync(path, format, options, layer, allowSingle, scratch: null, ct);

    /// <summary>An upload: <paramref name="format"/> from its media type, or null to tell it from
    /// its bytes and <paramref name="fileName"/>.</summary>
    public static async Task<OpenedSource> OpenStreamAsync(Stream body, SourceFormat? format, string? fileName, SourceOptions options, string layer, bool allowSingle, CancellationToken ct)
    {
        if (format == SourceFormat.GeoJson)
        {
            //-- The head is read once and replayed: the body streams on from where it stopped.
            var head = new byte[GeoJsonCrs.HeadBytes];
            int n = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            var crs = options.Crs ?? GeoJsonCrs.Find(head.AsSpan(0, n), layer) ?? InputCrs.Epsg4326;
            return Opened(SourceFormat.GeoJson, crs, Stream(new ReplayStream(head, n, body), SourceFormat.GeoJson, options, layer, allowSingle, ct), layer, null);
        }
        if (format == SourceFormat.Csv)
            return Opened(SourceFormat.Csv, options.Crs ?? InputCrs.Epsg4326, Stream(body, SourceFormat.Csv, options, layer, allowSingle, ct), layer, null);
        var scratch = Directory.CreateTempSubdirectory("gridspatial-import-").FullName;
        try
        {
            var ext = Path.GetExtension(fileName ?? "");
            var path = Path.Combine(scratch, "upload" + (ext.Length is > 0 and <= 8 ? ext : ""));
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await body.CopyToAsync(file, ct);
            return await OpenFileAsync(path, format, options, layer, allowSingle, scratch, ct);
        }
        catch
        {
            Directory.Delete(scratch, recursive: true);
            throw;
        }
    }

    private static async Task<OpenedSource> OpenFileAsync(string path, SourceFormat? format, SourceOptions options, string layer, bool allowSingle, string? scratch, CancellationToken ct)
    {
        var which = format;
        //-- A zip sent as application/zip may still be a workbook.
        if (which is null or SourceFormat.Shapefile) which = SourceFormats.Guess(path) ?? which;
        if (which is null) throw new UnsupportedFormatException(Path.GetFileName(path));
        switch (which.Value)
        {
            case SourceFormat.GeoJson or SourceFormat.Csv:
                return Opened(which.Value, options.Crs ?? (which == SourceFormat.GeoJson ? await DeclaredGeoJsonCrsAsync(path, layer, ct) : null) ?? InputCrs.Epsg4326,
                    FromFile(path, which.Value, options, layer, allowSingle, ct), layer, scratch);
            case SourceFormat.Xlsx:
                return Opened(which.Value, options.Crs ?? InputCrs.Epsg4326, Async(TableSource.Xlsx(path, options.SourceLayer, options.Columns, layer)), layer, scratch);
            case SourceFormat.GeoPackage:
                var table = Guarded(() => GeoPackageSource.Find(path, options.SourceLayer, layer), which.Value, layer);
                return Opened(which.Value, options.Crs ?? table.Crs ?? InputCrs.Epsg4326, Async(GeoPackageSource.Read(path, table, options.Columns)), layer, scratch);
            default:
                var shp = path;
                if (!path.EndsWith(".shp", StringComparison.OrdinalIgnoreCase))
                {
                    scratch ??= Directory.CreateTempSubdirectory("gridspatial-import-").FullName;
                    shp = Guarded(() => ShapefileSource.Unzip(path, options.SourceLayer, layer, scratch), which.Value, layer);
                }
                var crs = options.Crs ?? ShapefileSource.DeclaredCrs(shp, layer) ?? InputCrs.Epsg4326;
                var encoding = Guarded(() => ShapefileSource.AttributeEncoding(shp, options.Encoding), which.Value, layer);
                return Opened(which.Value, crs, Async(ShapefileSource.Read(shp, encoding, options.Columns)), layer, scratch);
        }
    }

    private static async Task<Crs?> DeclaredGeoJsonCrsAsync(string path, string layer, CancellationToken ct)
    {
        await using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12, useAsync: true);
        var head = new byte[GeoJsonCrs.HeadBytes];
        int n = await f.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        return GeoJsonCrs.Find(head.AsSpan(0, n), layer);
    }

    private static OpenedSource Opened(SourceFormat format, Crs crs, IAsyncEnumerable<JsonElement> features, string layer, string? scratch) =>
        new() { Format = format, Crs = crs, Features = Unreadable(features, format, layer), Scratch = scratch };

    private static async IAsyncEnumerable<JsonElement> FromFile(string path, SourceFormat format, SourceOptions options, string layer, bool allowSingle, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await foreach (var f in Stream(stream, format, options, layer, allowSingle, ct)) yield return f;
    }

    private static IAsyncEnumerable<JsonElement> Stream(Stream stream, SourceFormat format, SourceOptions options, string layer, bool allowSingle, CancellationToken ct) =>
        format == SourceFormat.GeoJson
            ? FeatureReader.ReadAsync(stream, layer, allowSingle, ct)
            : TableSource.CsvAsync(stream, options.Encoding, options.Columns, layer, ct);

#pragma warning disable CS1998 // an iterator over a synchronous reader
    private static async IAsyncEnumerable<JsonElement> Async(IEnumerable<JsonElement> features)
    {
        foreach (var f in features) yield return f;
    }
#pragma warning restore CS1998

    /// <summary>The features, with a reader's own failure (a corrupt file) told as bad input naming the layer.</summary>
    private static async IAsyncEnumerable<JsonElement> Unreadable(IAsyncEnumerable<JsonElement> features, SourceFormat format, string layer, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var e = features.GetAsyncEnumerator(ct);
        int index = 0;
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync()) yield break;
            }
            catch (System.Text.DecoderFallbackException)
            {
                throw new InputException(layer, index, null, "encoding", $"第 {index} 个要素附近的文字不是 UTF-8：请用 encoding=gbk（或文件的编码）发送。" +
                    $"The text near feature #{index} is not UTF-8 although the file's start is; send encoding=gbk (or the file's encoding).");
            }
            catch (Exception x) when (Corrupt(x))
            {
                throw new InputException(layer, index, null, "$", $"文件无法按 {format} 读取（第 {index} 个要素）：{x.Message} The file cannot be read as {format} (at feature #{index}): {x.Message}");
            }
            index++;
            yield return e.Current;
        }
    }

    private static T Guarded<T>(Func<T> open, SourceFormat format, string layer)
    {
        try
        {
            return open();
        }
        catch (Exception x) when (Corrupt(x))
        {
            throw new InputException(layer, null, null, "$", $"文件无法按 {format} 读取：{x.Message} The file cannot be read as {format}: {x.Message}");
        }
    }

    private static bool Corrupt(Exception x) =>
        x is not (InputException or OperationCanceledException or ArgumentException or UnsupportedFormatException)
        && x is IOException or InvalidDataException or FormatException or InvalidOperationException or NotSupportedException
            or IndexOutOfRangeException or ArgumentOutOfRangeException or EndOfStreamException or Microsoft.Data.Sqlite.SqliteException
            or System.Xml.XmlException or InvalidCastException or OverflowException;
}
