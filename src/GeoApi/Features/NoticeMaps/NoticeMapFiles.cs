using SkiaSharp;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Notice-map pages as files. A PDF is written page by page (each page's drawing is
/// serialised when the page ends, so a township's hundred pages never sit in memory together)
/// into a temporary file that is deleted on close, then copied to the response asynchronously
/// (Skia writes synchronously; ASP.NET's response body must not be). Text stays text: the CJK
/// font is embedded as a subset, so the PDF is searchable and prints sharp.</summary>
public sealed class NoticeMapPdf : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly SKDocument _document;
    private readonly NoticeMapRenderer _renderer;

    public NoticeMapPdf(NoticeMapRenderer renderer, string title, DateTimeOffset now)
    {
        _renderer = renderer;
        _file = new FileStream(Path.Combine(Path.GetTempPath(), $"gs-notice-{Guid.NewGuid():N}.pdf"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _document = SKDocument.CreatePdf(_file, new SKDocumentPdfMetadata
        {
            Title = title, Creator = "GridSpatial", Producer = "GridSpatial", Creation = now.UtcDateTime, Modified = now.UtcDateTime,
        });
    }

    /// <summary>Pages written so far.</summary>
    public int Pages { get; private set; }

    public void Add(NoticeMapPage page, NoticeMapPaper paper)
    {
        var canvas = _document.BeginPage(paper.Width, paper.Height);
        _renderer.Render(canvas, page, paper);
        _document.EndPage();
        Pages++;
    }

    /// <summary>Finishes the document and copies it to <paramref name="output"/>.</summary>
    public async Task CopyToAsync(Stream output, CancellationToken ct)
    {
        _document.Close();
        _file.Position = 0;
        await _file.CopyToAsync(output, ct);
    }

    public async ValueTask DisposeAsync()
    {
        _document.Dispose();
        await _file.DisposeAsync();
    }
}
