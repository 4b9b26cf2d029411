using System.Text;
using SkiaSharp;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Draws a line of text that a PDF reader extracts as the characters written. Skia's PDF
/// maps each glyph back to one code point, and CJK fonts share one glyph between a character and
/// its Kangxi radical (示 U+793A and ⽰ U+2F70, 网 and ⽹): plain text would come back as
/// radicals, so a search for 网格 would miss. A text blob that carries the source text and each
/// glyph's cluster makes Skia write the real characters (/ActualText) where the map disagrees.</summary>
public static class PageText
{
    public static void Draw(SKCanvas canvas, string text, float x, float y, SKTextAlign align, SKFont font, SKPaint paint)
    {
        if (text.Length == 0) return;
        var runes = text.EnumerateRunes().ToArray();
        var codePoints = runes.Select(r => r.Value).ToArray();
        var glyphs = font.GetGlyphs(codePoints);
        var utf8 = Encoding.UTF8.GetBytes(text);
        var offsets = font.GetGlyphOffsets(glyphs, 0);
        float width = font.MeasureText(glyphs);
        float start = align switch { SKTextAlign.Center => x - width / 2, SKTextAlign.Right => x - width, _ => x };

        using var builder = new SKTextBlobBuilder();
        var run = builder.AllocateHorizontalTextRun(font, glyphs.Length, y, utf8.Length, null);
        run.SetGlyphs(glyphs);
        run.SetPositions(offsets.Select(o => start + o).ToArray());
        run.SetText(utf8);
        var clusters = new uint[glyphs.Length];
        uint at = 0;
        for (int i = 0; i < runes.Length; i++)
        {
            clusters[i] = at;
            at += (uint)runes[i].Utf8SequenceLength;
        }
        run.SetClusters(clusters);
        using var blob = builder.Build();
        if (blob is not null) canvas.DrawText(blob, 0, 0, paint);
    }
}
