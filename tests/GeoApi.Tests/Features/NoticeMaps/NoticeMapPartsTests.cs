using GridSpatial.GeoApi.Features.NoticeMaps;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;

namespace GridSpatial.GeoApi.Tests.Features.NoticeMaps;

/// <summary>The parts of a notice map that need no database: the scale bar's round lengths, the
/// paper's sizes and orientation, and Chinese text that poppler extracts as written.</summary>
public sealed class NoticeMapPartsTests
{
    [Theory]
    [InlineData(0.1, 150, 1000, "1 千米")]
    [InlineData(0.1, 99, 500, "500 米")]
    [InlineData(1.0, 45, 20, "20 米")]
    [InlineData(0.01, 300, 20000, "20 千米")]
    [InlineData(2.0, 7, 2, "2 米")]
    public void ScaleBarFit_AnyScale_IsTheLargestRoundLengthThatFits(double pointsPerMetre, float maxPoints, double metres, string label)
    {
        var bar = ScaleBar.Fit(pointsPerMetre, maxPoints);
        Assert.Equal(metres, bar.Metres, 9);
        Assert.Equal(label, bar.Label);
        Assert.InRange(bar.Points, maxPoints * 0.2f, maxPoints);
    }

    [Theory]
    [InlineData(null, null, 1000.0, 500.0, 841.89, 595.28)]
    [InlineData(null, null, 500.0, 1000.0, 595.28, 841.89)]
    [InlineData("a3", "portrait", 1000.0, 500.0, 841.89, 1190.55)]
    [InlineData("A3", "landscape", 10.0, 500.0, 1190.55, 841.89)]
    public void Paper_ParsedAndChosenForAnExtent_HasTheIsoSizeInPoints(string? paper, string? orientation, double width, double height, double w, double h)
    {
        var (name, landscape) = NoticeMapPaper.Parse(paper, orientation, (f, m) => new ArgumentException(m, f));
        var sheet = NoticeMapPaper.For(name, landscape, width, height);
        Assert.Equal(w, sheet.Width, 1);
        Assert.Equal(h, sheet.Height, 1);
    }

    [Theory]
    [InlineData("B5", null, "paper")]
    [InlineData("A4", "sideways", "orientation")]
    public void Paper_Unknown_IsRefusedNamingTheField(string paper, string? orientation, string field)
    {
        var e = Assert.Throws<ArgumentException>(() => NoticeMapPaper.Parse(paper, orientation, (f, m) => new ArgumentException(m, f)));
        Assert.Equal(field, e.ParamName);
    }

    [Fact]
    public async Task PageText_CharactersThatShareARadicalsGlyph_ExtractAsWritten()
    {
        using var fonts = new NoticeMapFonts(NullLogger<NoticeMapFonts>.Instance);
        Assert.True(fonts.Available, $"{NoticeMapFonts.Family} is missing: apt-get install -y {NoticeMapFonts.Package}");
        const string text = "公示 网格 居民 見";
        using var pdf = new MemoryStream();
        using (var document = SKDocument.CreatePdf(pdf))
        {
            var canvas = document.BeginPage(300, 100);
            using var font = fonts.Font(20);
            using var ink = new SKPaint { Color = SKColors.Black };
            PageText.Draw(canvas, text, 150, 50, SKTextAlign.Center, font, ink);
            document.EndPage();
            document.Close();
        }
        var extracted = await Poppler.TextAsync(pdf.ToArray());
        Assert.Contains(text, extracted, StringComparison.Ordinal);
    }
}
