namespace GridSpatial.GeoApi.Tests;

/// <summary>poppler-utils as the real reader of the PDFs the service prints: <c>pdfinfo</c>
/// (pages, page size), <c>pdftotext</c> (the text a PDF really carries) and <c>pdftoppm</c>
/// (the page as a printer would raster it). scripts/test.sh installs them; the tests require them.</summary>
internal static class Poppler
{
    /// <summary>What <c>pdfinfo</c> prints for the PDF (<paramref name="args"/> before the file).</summary>
    public static Task<string> InfoAsync(byte[] pdf, params string[] args) => WithFileAsync(pdf, ".pdf", path => RunAsync("pdfinfo", [.. args, path]));

    /// <summary>The PDF's text (UTF-8), all pages or <paramref name="first"/> to <paramref name="last"/>.</summary>
    public static Task<string> TextAsync(byte[] pdf, int? first = null, int? last = null) => WithFileAsync(pdf, ".pdf", path =>
        RunAsync("pdftotext", [.. first is null ? Array.Empty<string>() : ["-f", $"{first}", "-l", $"{last ?? first}"], "-enc", "UTF-8", "-layout", path, "-"]));

    /// <summary>Every word of page 1 with its box in points (<c>pdftotext -bbox</c>), as a reader finds it on the page.</summary>
    public static async Task<IReadOnlyList<(string Text, double X0, double Y0, double X1, double Y1)>> WordsAsync(byte[] pdf)
    {
        var html = await WithFileAsync(pdf, ".pdf", path => RunAsync("pdftotext", ["-f", "1", "-l", "1", "-bbox", "-enc", "UTF-8", path, "-"]));
        static double D(System.Text.RegularExpressions.Match m, string g) => double.Parse(m.Groups[g].Value, System.Globalization.CultureInfo.InvariantCulture);
        return System.Text.RegularExpressions.Regex.Matches(html,
                "<word xMin=\"(?<x0>[0-9.]+)\" yMin=\"(?<y0>[0-9.]+)\" xMax=\"(?<x1>[0-9.]+)\" yMax=\"(?<y1>[0-9.]+)\">(?<t>[^<]*)</word>")
            .Select(m => (System.Net.WebUtility.HtmlDecode(m.Groups["t"].Value), D(m, "x0"), D(m, "y0"), D(m, "x1"), D(m, "y1"))).ToList();
    }

    /// <summary>The number of pages <c>pdfinfo</c> reports.</summary>
    public static async Task<int> PagesAsync(byte[] pdf)
    {
        var line = (await InfoAsync(pdf)).Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal));
        return int.Parse(line["Pages:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The first page rastered by <c>pdftoppm -png -r <paramref name="dpi"/></c>.</summary>
    public static async Task<byte[]> FirstPagePngAsync(byte[] pdf, int dpi)
    {
        var prefix = Path.Combine(Path.GetTempPath(), $"gs-ppm-{Guid.NewGuid():N}");
        try
        {
            await WithFileAsync(pdf, ".pdf", path => RunAsync("pdftoppm", ["-png", "-r", $"{dpi}", "-f", "1", "-l", "1", "-singlefile", path, prefix]));
            return await File.ReadAllBytesAsync(prefix + ".png");
        }
        finally
        {
            File.Delete(prefix + ".png");
        }
    }

    private static async Task<string> WithFileAsync(byte[] bytes, string extension, Func<string, Task<string>> run)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gs-{Guid.NewGuid():N}{extension}");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            return await run(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> RunAsync(string tool, string[] args)
    {
        Assert.True(File.Exists($"/usr/bin/{tool}"), $"{tool} is missing: apt-get install -y poppler-utils (scripts/test.sh does)");
        return (await ExternalTool.RunAsync(tool, args)).Succeeded($"{tool} {string.Join(' ', args)}");
    }
}
