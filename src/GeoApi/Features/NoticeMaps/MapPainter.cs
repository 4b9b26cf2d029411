using GridSpatial.Partitioner.Codes;
using NetTopologySuite.Geometries;
using SkiaSharp;
using static GridSpatial.GeoApi.Features.NoticeMaps.NoticeMapStyle;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Paints the map block of a page, clipped to its rectangle, bottom to top: neighbours in
/// grey, the unit's parts in coverage colours, streets, barriers, households, the unit's outline,
/// the parts' labels (short code and household count, haloed, never overlapping: <see cref="LabelPlacer"/>),
/// then the scale bar and north arrow.</summary>
public sealed class MapPainter(NoticeMapFonts fonts)
{
    public void Paint(SKCanvas canvas, NoticeMapPage page, SKRect map, float u)
    {
        var framed = page.Outline.EnvelopeInternal;
        var view = new MapView(framed, map, 14 * u);
        canvas.Save();
        canvas.ClipRect(map);
        using (var background = FillPaint(MapBackground)) canvas.DrawRect(map, background);
        using (var fill = FillPaint(Neighbour))
        using (var line = Stroke(NeighbourLine, 0.6f * u))
            foreach (var g in page.Context)
            {
                using var path = view.ToPath(g);
                canvas.DrawPath(path, fill);
                canvas.DrawPath(path, line);
            }
        //-- A grid's micro-grids part in white; a village's grids in the outline's colour, so each grid reads as one.
        using (var border = page.Level == DivisionLevel.Grid ? Stroke(Paper, 1.1f * u) : Stroke(Outline, 1.2f * u))
            foreach (var area in page.Areas)
            {
                using var path = view.ToPath(area.Territory);
                using var fill = FillPaint(Fill(area.Band));
                canvas.DrawPath(path, fill);
                canvas.DrawPath(path, border);
            }
        using (var street = Stroke(Street, 0.6f * u))
            foreach (var l in page.Lines.Where(l => !l.Barrier))
            {
                using var path = view.ToPath(l.Line);
                canvas.DrawPath(path, street);
            }
        foreach (var l in page.Lines.Where(l => l.Barrier))
        {
            using var path = view.ToPath(l.Line);
            using var paint = Stroke(Barrier(l.Kind), 1.8f * u);
            canvas.DrawPath(path, paint);
        }
        using (var dot = FillPaint(Household))
            foreach (var p in page.HouseholdPoints) canvas.DrawCircle(view.ToPage(p), 0.9f * u, dot);
        using (var outline = Stroke(Outline, 2.4f * u))
        using (var path = view.ToPath(page.Outline))
            canvas.DrawPath(path, outline);
        Labels(canvas, page, view, u);
        canvas.Restore();
        Scale(canvas, view, u);
        NorthArrow(canvas, new SKPoint(map.Right - 22 * u, map.Top + 16 * u), u);
        using var frame = Stroke(Text, 0.8f * u);
        canvas.DrawRect(map, frame);
    }

    //-- Largest parts first, placed by LabelPlacer so none covers another (or the scale bar, or the
    //-- north arrow): the code and count at the part, else the code alone, else the code beside it
    //-- on a leader line, else dropped — and the page says how many parts went unlabelled.
    private void Labels(SKCanvas canvas, NoticeMapPage page, MapView view, float u)
    {
        using var code = fonts.Font(8.5f * u, bold: true);
        using var count = fonts.Font(6.5f * u);
        using var ink = FillPaint(Text);
        using var halo = Stroke(SKColors.White.WithAlpha(220), 2.2f * u);
        using var leader = Stroke(Text, 0.5f * u);
        var placer = new LabelPlacer(view.Map, 1.5f * u);
        placer.Reserve(ScaleBox(view, u));
        placer.Reserve(new SKRect(view.Map.Right - 32 * u, view.Map.Top + 10 * u, view.Map.Right - 12 * u, view.Map.Top + 48 * u));
        //-- Boxes are the lines' ascent-to-descent, as a PDF reader selects the text: the code's line, with the count's line under it.
        float codeLine = code.Metrics.Descent - code.Metrics.Ascent, countLine = count.Metrics.Descent - count.Metrics.Ascent;
        foreach (var area in page.Areas.OrderByDescending(a => a.Territory.Area).ThenBy(a => a.ShortCode, StringComparer.Ordinal))
        {
            var at = view.ToPage(Anchor(area.Territory));
            var households = $"{area.Households}户";
            float codeWidth = code.MeasureText(area.ShortCode);
            var placed = placer.Place(at, new SKSize(Math.Max(codeWidth, count.MeasureText(households)), codeLine + countLine), new SKSize(codeWidth, codeLine));
            if (placed is null) continue;
            var c = placed.Centre;
            float top = c.Y - (placed.WithCount ? codeLine + countLine : codeLine) / 2;
            if (placed.LeaderFrom is { } from)
            {
                var to = new SKPoint(Math.Clamp(from.X, c.X - codeWidth / 2, c.X + codeWidth / 2), Math.Clamp(from.Y, top, top + codeLine));
                canvas.DrawLine(from, to, leader);
                canvas.DrawCircle(from, 0.8f * u, ink);
            }
            Haloed(canvas, area.ShortCode, c.X, top - code.Metrics.Ascent, code, ink, halo);
            if (placed.WithCount) Haloed(canvas, households, c.X, top + codeLine - count.Metrics.Ascent, count, ink, halo);
        }
        if (placer.Dropped > 0)
        {
            using var note = fonts.Font(7 * u);
            var text = $"另有 {placer.Dropped} 处因过密未标注";
            float w = note.MeasureText(text);
            using var back = FillPaint(SKColors.White.WithAlpha(220));
            canvas.DrawRect(new SKRect(view.Map.Right - w - 10 * u, view.Map.Bottom - 14 * u, view.Map.Right - 2 * u, view.Map.Bottom - 2 * u), back);
            PageText.Draw(canvas, text, view.Map.Right - 6 * u, view.Map.Bottom - 5 * u, SKTextAlign.Right, note, ink);
        }
    }

    /// <summary>Where the scale bar is drawn (see <see cref="Scale"/>), labels kept off it.</summary>
    private SKRect ScaleBox(MapView view, float u)
    {
        var bar = ScaleBar.Fit(view.PointsPerMetre, view.Map.Width / 4);
        float x = view.Map.Left + 12 * u, y = view.Map.Bottom - 12 * u;
        using var font = fonts.Font(7 * u);
        return new SKRect(x - 5 * u, y - 14 * u, x + bar.Points + font.MeasureText(bar.Label) / 2 + 5 * u, y + 9 * u);
    }

    //-- Inside the territory even when it is concave: the label names what it sits in.
    private static Coordinate Anchor(Geometry territory)
    {
        var largest = territory is GeometryCollection c && c.NumGeometries > 0
            ? c.Geometries.OrderByDescending(g => g.Area).First() : territory;
        return largest.InteriorPoint.Coordinate;
    }

    private static void Haloed(SKCanvas canvas, string text, float x, float y, SKFont font, SKPaint ink, SKPaint halo)
    {
        //-- The halo is the glyphs' outline as a path, so the PDF carries each label's text once.
        float width = font.MeasureText(text);
        using (var outline = font.GetTextPath(text, new SKPoint(x - width / 2, y))) canvas.DrawPath(outline, halo);
        PageText.Draw(canvas, text, x, y, SKTextAlign.Center, font, ink);
    }

    private void Scale(SKCanvas canvas, MapView view, float u)
    {
        var bar = ScaleBar.Fit(view.PointsPerMetre, view.Map.Width / 4);
        float x = view.Map.Left + 12 * u, y = view.Map.Bottom - 12 * u, h = 4 * u;
        using var font = fonts.Font(7 * u);
        using var back = FillPaint(SKColors.White.WithAlpha(200));
        canvas.DrawRect(ScaleBox(view, u), back);
        using var black = FillPaint(Text);
        using var white = FillPaint(SKColors.White);
        using var edge = Stroke(Text, 0.6f * u);
        //-- Two halves, black and white, as on survey maps.
        canvas.DrawRect(SKRect.Create(x, y, bar.Points / 2, h), black);
        canvas.DrawRect(SKRect.Create(x + bar.Points / 2, y, bar.Points / 2, h), white);
        canvas.DrawRect(SKRect.Create(x, y, bar.Points, h), edge);
        PageText.Draw(canvas, "0", x, y - 3 * u, SKTextAlign.Center, font, black);
        PageText.Draw(canvas, bar.Label, x + bar.Points, y - 3 * u, SKTextAlign.Center, font, black);
    }

    private void NorthArrow(SKCanvas canvas, SKPoint top, float u)
    {
        float w = 6 * u, h = 20 * u;
        using var left = Triangle(top, new SKPoint(top.X - w, top.Y + h), new SKPoint(top.X, top.Y + h * 0.72f));
        using var right = Triangle(top, new SKPoint(top.X + w, top.Y + h), new SKPoint(top.X, top.Y + h * 0.72f));
        using var black = FillPaint(Text);
        using var white = FillPaint(SKColors.White);
        using var edge = Stroke(Text, 0.7f * u);
        canvas.DrawPath(left, black);
        canvas.DrawPath(right, white);
        canvas.DrawPath(right, edge);
        using var font = fonts.Font(8 * u, bold: true);
        PageText.Draw(canvas, "北", top.X, top.Y + h + 10 * u, SKTextAlign.Center, font, black);
    }

    private static SKPath Triangle(SKPoint a, SKPoint b, SKPoint c)
    {
        using var builder = new SKPathBuilder();
        builder.AddPoly([a, b, c], true);
        return builder.Detach();
    }
}
