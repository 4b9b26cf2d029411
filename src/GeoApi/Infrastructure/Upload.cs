using System.Text;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Files.Sources;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>An import request's body as an opened source (<see cref="FeatureSource"/>): the raw
/// file with its media type (<see cref="SourceFormats.MediaTypes"/>; <c>application/octet-stream</c>
/// is told from its bytes), or the first file of a <c>multipart/form-data</c> body (told from its
/// media type, name and bytes). Options come from the query string (<c>crs</c>, <c>encoding</c>,
/// <c>map</c> repeated as <c>列名=field</c>, <c>sourceLayer</c>) or from form fields before the file.
/// Anything else is a 415 problem.</summary>
public static class Upload
{
    private const int MaxFormFieldBytes = 64 * 1024;

    public static async Task<OpenedSource> OpenAsync(HttpRequest request, string layer, bool allowSingle, CancellationToken ct)
    {
        var fields = request.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(request.ContentType))
            return await FeatureSource.OpenStreamAsync(request.Body, SourceFormat.GeoJson, null, Options(fields), layer, allowSingle, ct);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media) || media.MediaType.Value is not { } type)
            throw new UnsupportedFormatException(request.ContentType);
        if (type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return await MultipartAsync(request, media, fields, layer, allowSingle, ct);
        SourceFormat? format = type.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase) ? null
            : SourceFormats.MediaTypes.TryGetValue(type, out var known) ? known
            : throw new UnsupportedFormatException(type);
        return await FeatureSource.OpenStreamAsync(request.Body, format, null, Options(fields), layer, allowSingle, ct);
    }

    private static async Task<OpenedSource> MultipartAsync(HttpRequest request, MediaTypeHeaderValue media, Dictionary<string, StringValues> fields,
        string layer, bool allowSingle, CancellationToken ct)
    {
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
            throw new ApiException(400, "请求无效 (Bad request)", "multipart/form-data 缺少 boundary。The multipart/form-data body has no boundary.", new() { ["field"] = "$" });
        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
            var fileName = disposition.FileNameStar.Value ?? disposition.FileName.Value;
            if (string.IsNullOrEmpty(fileName))
            {
                //-- A form field: an option, unless the query string already gives it.
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                var value = await ReadFieldAsync(section.Body, ct);
                fields[name] = fields.TryGetValue(name, out var had) && name.Equals("map", StringComparison.OrdinalIgnoreCase)
                    ? StringValues.Concat(had, value) : fields.GetValueOrDefault(name, value);
                continue;
            }
            SourceFormat? format = null;
            if (section.ContentType is { } partType && MediaTypeHeaderValue.TryParse(partType, out var part) && part.MediaType.Value is { } t
                && SourceFormats.MediaTypes.TryGetValue(t, out var known)) format = known;
            var ext = Path.GetExtension(fileName).ToLowerInvariant();
            format ??= ext switch
            {
                ".geojson" or ".json" => SourceFormat.GeoJson,
                ".csv" => SourceFormat.Csv,
                _ => null,
            };
            return await FeatureSource.OpenStreamAsync(section.Body, format, Path.GetFileName(fileName), Options(fields), layer, allowSingle, ct);
        }
        throw new ApiException(400, "缺少文件 (No file)", "multipart/form-data 请求里没有文件。The multipart/form-data body holds no file part.", new() { ["field"] = "file" });
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxFormFieldBytes + 1];
        int n = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (n > MaxFormFieldBytes)
            throw new ApiException(400, "请求无效 (Bad request)", "表单字段过长。A form field is longer than 64 KiB.", new() { ["field"] = "$" });
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>The import options of a request; a bad one is a 400 naming it.</summary>
    private static SourceOptions Options(Dictionary<string, StringValues> fields)
    {
        string? One(string name) => fields.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString() : null;
        return ImportOptions.Parse(One("crs"), One("encoding"), fields.TryGetValue("map", out var map) ? map.OfType<string>() : null, One("sourceLayer"),
            (field, message) => new ApiException(400, "参数无效 (Invalid parameter)", message, new() { ["field"] = field }));
    }
}
