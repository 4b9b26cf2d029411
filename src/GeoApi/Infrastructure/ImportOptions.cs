using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Files.Sources;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>The options of one import, as the API's query and the command line both give them:
/// <c>crs</c>, <c>encoding</c>, <c>map</c> (<c>列名=field</c>, repeated), <c>sourceLayer</c>.
/// Checked before anything is read; a bad one is refused through <c>refuse</c>(field, message).</summary>
public static class ImportOptions
{
    public static SourceOptions Parse(string? crs, string? encoding, IEnumerable<string>? map, string? sourceLayer, Func<string, string, Exception> refuse)
    {
        Crs? parsed = null;
        try { if (!string.IsNullOrWhiteSpace(crs)) parsed = InputCrs.Parse(crs); }
        catch (ArgumentException e) { throw refuse("crs", e.Message); }
        if (!string.IsNullOrWhiteSpace(encoding))
        {
            try { TextEncodings.Resolve(encoding); }
            catch (ArgumentException e) { throw refuse("encoding", e.Message); }
        }
        ColumnMap columns;
        try { columns = ColumnMap.Parse(map); }
        catch (ArgumentException e) { throw refuse("map", e.Message); }
        return new SourceOptions
        {
            Crs = parsed,
            Encoding = string.IsNullOrWhiteSpace(encoding) ? null : encoding,
            Columns = columns,
            SourceLayer = string.IsNullOrWhiteSpace(sourceLayer) ? null : sourceLayer,
        };
    }
}
