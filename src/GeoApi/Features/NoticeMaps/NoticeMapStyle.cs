using GridSpatial.GeoApi.Infrastructure;
using SkiaSharp;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>The colours of a notice map: the viewer's coverage colours (under, on, over the size
/// band), its line colours for streets, rivers and other barriers, grey for neighbours.</summary>
public static class NoticeMapStyle
{
    public static readonly SKColor Under = SKColor.Parse("#f5c76b"), On = SKColor.Parse("#7cc191"), Over = SKColor.Parse("#e57373");
    public static readonly SKColor Neighbour = SKColor.Parse("#dcdcdc"), NeighbourLine = SKColor.Parse("#a0a0a0");
    public static readonly SKColor Street = SKColor.Parse("#8d99ae"), River = SKColor.Parse("#4a90d9"), Road = SKColor.Parse("#b5651d");
    public static readonly SKColor Outline = SKColor.Parse("#1d3557"), Household = SKColor.Parse("#222222"), Paper = SKColors.White;
    public static readonly SKColor Text = SKColor.Parse("#1a1a1a"), Muted = SKColor.Parse("#5c6370"), MapBackground = SKColor.Parse("#f4f5f7");

    public static SKColor Fill(CoverageBand band) => band switch
    {
        CoverageBand.Under => Under,
        CoverageBand.Over => Over,
        _ => On,
    };

    /// <summary>Water is blue; every other barrier (road, railway, …) brown.</summary>
    public static SKColor Barrier(string kind) => kind is "river" or "water" or "canal" or "stream" ? River : Road;

    public static SKPaint FillPaint(SKColor colour) => new() { Color = colour, Style = SKPaintStyle.Fill, IsAntialias = true };

    public static SKPaint Stroke(SKColor colour, float width) =>
        new() { Color = colour, Style = SKPaintStyle.Stroke, StrokeWidth = width, IsAntialias = true, StrokeJoin = SKStrokeJoin.Round, StrokeCap = SKStrokeCap.Round };
}
