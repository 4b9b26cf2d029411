using SkiaSharp;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>One notice-map page as a PNG at <see cref="Dpi"/>: the sheet's proportions, for
/// chat groups and screens where a PDF is awkward.</summary>
public static class NoticeMapPng
{
    public const int Dpi = 150;

    public static byte[] Encode(NoticeMapRenderer renderer, NoticeMapPage page, NoticeMapPaper paper)
    {
        float scale = Dpi / 72f;
        var info = new SKImageInfo((int)Math.Round(paper.Width * scale), (int)Math.Round(paper.Height * scale), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"Skia could not allocate a {info.Width}×{info.Height} surface.");
        surface.Canvas.Scale(scale);
        renderer.Render(surface.Canvas, page, paper);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
