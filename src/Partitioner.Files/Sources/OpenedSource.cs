using System.Text.Json;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>An import file opened for reading: its format, the CRS its coordinates are in (the
/// import's, else the file's own, else WGS 84) and its features as GeoJSON, read one at a time.
/// Disposing it removes what was unpacked or spooled to disk for it.</summary>
public sealed class OpenedSource : IAsyncDisposable
{
    public required SourceFormat Format { get; init; }
    public required Crs Crs { get; init; }
    public required IAsyncEnumerable<JsonElement> Features { get; init; }

    /// <summary>A folder of temporary files that goes with the source.</summary>
    internal string? Scratch { get; init; }

    public ValueTask DisposeAsync()
    {
        if (Scratch is not null && Directory.Exists(Scratch))
        {
            try { Directory.Delete(Scratch, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return ValueTask.CompletedTask;
    }
}
