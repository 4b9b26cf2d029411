using QRCoder;
using SkiaSharp;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>A QR code drawn as vector squares (sharp at any print size, no bitmap in the PDF):
/// QRCoder encodes the text (error correction M, survives a scuffed notice board) and the
/// module matrix, quiet zone included, is painted with Skia.</summary>
public static class QrCodeMark
{
    public static void Draw(SKCanvas canvas, string text, SKRect square)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        int n = matrix.Count;
        float size = Math.Min(square.Width, square.Height), module = size / n;
        using var white = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Fill };
        using var black = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Fill, IsAntialias = false };
        canvas.DrawRect(SKRect.Create(square.Left, square.Top, size, size), white);
        using var builder = new SKPathBuilder();
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++)
                if (matrix[row][col])
                    builder.AddRect(SKRect.Create(square.Left + col * module, square.Top + row * module, module, module));
        using var path = builder.Detach();
        canvas.DrawPath(path, black);
    }
}
