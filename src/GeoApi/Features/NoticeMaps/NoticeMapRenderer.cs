using GridSpatial.Partitioner.Codes;
using System.Globalization;
using SkiaSharp;
using static GridSpatial.GeoApi.Features.NoticeMaps.NoticeMapStyle;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Draws one notice-map page (网格公示图) on any Skia canvas — a PDF page or a PNG
/// surface — in page points: the header (name, full code, place, households), the map, the
/// panel (legend, the responsible people under 网格员, a QR code to the unit in the viewer) and
/// the footer (version, dates, GridSpatial).</summary>
public sealed class NoticeMapRenderer(NoticeMapFonts fonts, TimeProvider clock)
{
    private readonly MapPainter _map = new(fonts);

    public void Render(SKCanvas canvas, NoticeMapPage page, NoticeMapPaper paper)
    {
        var layout = NoticeMapLayout.For(paper);
        float u = layout.Unit;
        canvas.Clear(Paper);
        Header(canvas, page, layout.Header, u);
        _map.Paint(canvas, page, layout.Map, u);
        Panel(canvas, page, layout.Panel, paper.Landscape, u);
        Footer(canvas, page, layout.Footer, u);
    }

    private void Header(SKCanvas canvas, NoticeMapPage page, SKRect r, float u)
    {
        using var ink = FillPaint(Text);
        using var muted = FillPaint(Muted);
        using var title = fonts.Font(22 * u, bold: true);
        using var code = fonts.Font(13 * u, bold: true);
        using var small = fonts.Font(9.5f * u);
        PageText.Draw(canvas, page.Title, r.Left, r.Top + 22 * u, SKTextAlign.Left, title, ink);
        PageText.Draw(canvas, page.Level == DivisionLevel.Grid ? "网格公示图" : "村网格公示图", r.Right, r.Top + 14 * u, SKTextAlign.Right, small, muted);
        PageText.Draw(canvas, $"{(page.Level == DivisionLevel.Grid ? "网格编码" : "村代码")} {page.Code}", r.Left, r.Top + 42 * u, SKTextAlign.Left, code, ink);
        PageText.Draw(canvas, $"{page.Subtitle}　·　{page.Households} 户　·　{(page.Level == DivisionLevel.Grid ? "微网格" : "网格")} {page.Areas.Count} 个",
            r.Right, r.Top + 42 * u, SKTextAlign.Right, small, ink);
        using var rule = Stroke(Outline, 1.4f * u);
        canvas.DrawLine(r.Left, r.Bottom - 4 * u, r.Right, r.Bottom - 4 * u, rule);
    }

    private void Panel(SKCanvas canvas, NoticeMapPage page, SKRect r, bool landscape, float u)
    {
        //-- Portrait: three columns under the map; landscape: three rows beside it.
        float qr = Math.Min(landscape ? r.Width : r.Height, 120 * u);
        SKRect legend, people, code;
        if (landscape)
        {
            code = new SKRect(r.Left, r.Bottom - qr - 14 * u, r.Right, r.Bottom);
            legend = new SKRect(r.Left, r.Top, r.Right, r.Top + 150 * u);
            people = new SKRect(r.Left, legend.Bottom + 8 * u, r.Right, code.Top - 8 * u);
        }
        else
        {
            code = new SKRect(r.Right - qr, r.Top, r.Right, r.Bottom);
            legend = new SKRect(r.Left, r.Top, r.Left + (r.Width - qr) * 0.5f, r.Bottom);
            people = new SKRect(legend.Right + 10 * u, r.Top, code.Left - 10 * u, r.Bottom);
        }
        Legend(canvas, page, legend, u);
        People(canvas, page, people, u);
        Qr(canvas, page, code, u);
    }

    private void Legend(SKCanvas canvas, NoticeMapPage page, SKRect r, float u)
    {
        using var ink = FillPaint(Text);
        using var heading = fonts.Font(10 * u, bold: true);
        using var font = fonts.Font(8 * u);
        PageText.Draw(canvas, "图例", r.Left, r.Top + 10 * u, SKTextAlign.Left, heading, ink);
        string part = page.Level == DivisionLevel.Grid ? "微网格" : "网格";
        var rows = new (Action<SKRect> Swatch, string Text)[]
        {
            (s => Box(canvas, s, Under), $"{part}户数低于标准"),
            (s => Box(canvas, s, On), $"{part}户数在标准范围"),
            (s => Box(canvas, s, Over), $"{part}户数高于标准"),
            (s => Box(canvas, s, Neighbour), "相邻网格"),
            (s => Line(canvas, s, Outline, 2.4f * u), page.Level == DivisionLevel.Grid ? "本网格边界" : "本村边界"),
            (s => Line(canvas, s, River, 1.8f * u), "河流"),
            (s => Line(canvas, s, Road, 1.8f * u), "道路、铁路（障碍）"),
            (s => Line(canvas, s, Street, 0.8f * u), "街巷"),
            (s => Dot(canvas, s, u), "住户"),
        };
        float y = r.Top + 18 * u, step = Math.Min(13 * u, (r.Bottom - y) / rows.Length);
        foreach (var (swatch, text) in rows)
        {
            swatch(SKRect.Create(r.Left, y + 2 * u, 16 * u, step - 5 * u));
            PageText.Draw(canvas, text, r.Left + 22 * u, y + step - 4 * u, SKTextAlign.Left, font, ink);
            y += step;
        }
    }

    private static void Box(SKCanvas canvas, SKRect s, SKColor colour)
    {
        using var fill = FillPaint(colour);
        using var edge = Stroke(NeighbourLine, 0.5f);
        canvas.DrawRect(s, fill);
        canvas.DrawRect(s, edge);
    }

    private static void Line(SKCanvas canvas, SKRect s, SKColor colour, float width)
    {
        using var paint = Stroke(colour, width);
        canvas.DrawLine(s.Left, s.MidY, s.Right, s.MidY, paint);
    }

    private static void Dot(SKCanvas canvas, SKRect s, float u)
    {
        using var paint = FillPaint(Household);
        canvas.DrawCircle(s.MidX, s.MidY, 1.5f * u, paint);
    }

    //-- The section is always there, so a notice board shows at a glance that nobody is registered yet;
    //-- names and phones only when the caller may read them (roles otherwise).
    private void People(SKCanvas canvas, NoticeMapPage page, SKRect r, float u)
    {
        using var ink = FillPaint(Text);
        using var muted = FillPaint(Muted);
        using var heading = fonts.Font(10 * u, bold: true);
        using var font = fonts.Font(9 * u);
        using var frame = Stroke(NeighbourLine, 0.6f * u);
        canvas.DrawRoundRect(r, 3 * u, 3 * u, frame);
        PageText.Draw(canvas, "网格员", r.Left + 8 * u, r.Top + 16 * u, SKTextAlign.Left, heading, ink);
        float y = r.Top + 34 * u;
        if (page.People.Count == 0)
        {
            PageText.Draw(canvas, "未登记", r.Left + 8 * u, y, SKTextAlign.Left, font, muted);
            return;
        }
        foreach (var p in page.People)
        {
            if (y > r.Bottom - 6 * u) break;
            var line = string.Join("　", new[] { p.Unit, p.Role, p.Name, p.Phone }.Where(s => !string.IsNullOrEmpty(s)));
            PageText.Draw(canvas, line, r.Left + 8 * u, y, SKTextAlign.Left, font, ink);
            y += 14 * u;
        }
    }

    private void Qr(SKCanvas canvas, NoticeMapPage page, SKRect r, float u)
    {
        float size = Math.Min(r.Width, r.Height - 14 * u);
        var square = SKRect.Create(r.MidX - size / 2, r.Top, size, size);
        QrCodeMark.Draw(canvas, page.ViewerUrl, square);
        using var muted = FillPaint(Muted);
        using var font = fonts.Font(7.5f * u);
        PageText.Draw(canvas, "扫码在地图上查看", r.MidX, square.Bottom + 10 * u, SKTextAlign.Center, font, muted);
    }

    private void Footer(SKCanvas canvas, NoticeMapPage page, SKRect r, float u)
    {
        using var ink = FillPaint(Text);
        using var muted = FillPaint(Muted);
        using var brand = fonts.Font(9 * u, bold: true);
        using var font = fonts.Font(8 * u);
        var printed = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(NoticeMapTownship.ChinaOffset).DateTime);
        PageText.Draw(canvas, "GridSpatial", r.Left, r.Bottom - 3 * u, SKTextAlign.Left, brand, ink);
        PageText.Draw(canvas, $"版本 {page.Version}（{Day(page.PublishedOn)} 发布）　打印日期 {Day(printed)}", r.Right, r.Bottom - 3 * u, SKTextAlign.Right, font, muted);
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
