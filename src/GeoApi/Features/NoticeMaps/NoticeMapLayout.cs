using SkiaSharp;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Where each block sits on a sheet: the header (title, code) across the top, the footer
/// across the bottom, the map in the middle, and the panel (legend, 网格员, QR code) below the map
/// in portrait or beside it in landscape. Every size scales with the sheet (A3 is A4 × √2), so an
/// A3 print reads like an enlarged A4.</summary>
public sealed record NoticeMapLayout(float Unit, SKRect Header, SKRect Map, SKRect Panel, SKRect Footer)
{
    public static NoticeMapLayout For(NoticeMapPaper paper)
    {
        //-- One unit is a point on A4: A3 prints everything √2 larger.
        float u = Math.Min(paper.Width, paper.Height) / 595.28f;
        float margin = 28 * u, gap = 10 * u;
        var content = new SKRect(margin, margin, paper.Width - margin, paper.Height - margin);
        var header = new SKRect(content.Left, content.Top, content.Right, content.Top + 58 * u);
        var footer = new SKRect(content.Left, content.Bottom - 16 * u, content.Right, content.Bottom);
        var middle = new SKRect(content.Left, header.Bottom + gap, content.Right, footer.Top - gap);
        if (paper.Landscape)
        {
            float panelWidth = 180 * u;
            return new NoticeMapLayout(u, header, new SKRect(middle.Left, middle.Top, middle.Right - panelWidth - gap, middle.Bottom),
                new SKRect(middle.Right - panelWidth, middle.Top, middle.Right, middle.Bottom), footer);
        }
        float panelHeight = 150 * u;
        return new NoticeMapLayout(u, header, new SKRect(middle.Left, middle.Top, middle.Right, middle.Bottom - panelHeight - gap),
            new SKRect(middle.Left, middle.Bottom - panelHeight, middle.Right, middle.Bottom), footer);
    }
}
