namespace GridSpatial.GeoApi.Tests;

/// <summary>GDAL's command-line tools as the real clients of exports, tiles and the OGC API, and
/// as the writer of the files imports read.</summary>
internal static class Gdal
{
    public static bool Installed => File.Exists("/usr/bin/ogrinfo");

    /// <summary>True when <c>ogr2ogr</c> is there to write the files the import tests read.</summary>
    public static bool CanWrite => File.Exists("/usr/bin/ogr2ogr");

    /// <summary>Runs <c>ogr2ogr</c> (the writer of the import tests' Shapefiles, GeoPackages, CSVs
    /// and workbooks); fails the test when it fails.</summary>
    public static async Task Ogr2ogrAsync(params string[] args) =>
        (await ExternalTool.RunAsync("ogr2ogr", args)).Succeeded($"ogr2ogr {string.Join(' ', args)}");

    /// <summary>What <c>ogrinfo</c> prints for <paramref name="args"/>; fails the test when it fails.</summary>
    public static async Task<string> OgrinfoAsync(params string[] args) =>
        (await ExternalTool.RunAsync("ogrinfo", args)).Succeeded($"ogrinfo {string.Join(' ', args)}");

    /// <summary><c>ogrinfo -ro -al</c> on <paramref name="bytes"/> written to a temporary file
    /// named with <paramref name="extension"/>: every feature, or the summary with <paramref name="summary"/>.</summary>
    public static async Task<string> OgrinfoAsync(byte[] bytes, string extension, bool summary = false)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gs-{Guid.NewGuid():N}{extension}");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            return await OgrinfoAsync(summary ? ["-ro", "-al", "-so", path] : ["-ro", "-al", path]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
