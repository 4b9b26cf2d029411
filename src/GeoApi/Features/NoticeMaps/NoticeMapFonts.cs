using GridSpatial.GeoApi.Infrastructure;
using SkiaSharp;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>The CJK typeface notice maps are set in, found once through Skia's font manager
/// (fontconfig) by family name: Debian's <c>fonts-noto-cjk</c> ("Noto Sans CJK SC"). Without it
/// Chinese would print as empty boxes, so the service logs an error at startup and every notice
/// map answers 503 naming the package, rather than printing a page nobody can read.</summary>
public sealed class NoticeMapFonts : IDisposable
{
    public const string Family = "Noto Sans CJK SC";
    public const string Package = "fonts-noto-cjk";

    private readonly SKTypeface? _regular, _bold;

    public NoticeMapFonts(ILogger<NoticeMapFonts> logger)
    {
        _regular = Match(SKFontStyle.Normal);
        _bold = Match(SKFontStyle.Bold) ?? _regular;
        if (_regular is null)
            logger.LogError("Notice maps: font family '{Family}' not found; install the Debian package {Package} (notice maps answer 503 until then).", Family, Package);
    }

    /// <summary>Whether the typeface was found.</summary>
    public bool Available => _regular is not null;

    /// <summary>A font of the family at <paramref name="size"/> points.</summary>
    public SKFont Font(float size, bool bold = false) =>
        new((bold ? _bold : _regular) ?? throw Missing(), size) { Subpixel = true, Edging = SKFontEdging.Antialias };

    /// <summary>503 when the typeface is missing: the operator's fix, not the caller's.</summary>
    public void Require()
    {
        if (!Available) throw Missing();
    }

    private static ApiException Missing() => new(503, "缺少中文字体 (CJK font missing)",
        $"服务器未安装字体 {Family}（Debian 软件包 {Package}），无法打印网格公示图。The server lacks the font '{Family}' (Debian package {Package}); notice maps cannot be printed.");

    //-- fontconfig answers its nearest family when the one asked for is absent: accept only the family itself.
    private static SKTypeface? Match(SKFontStyle style)
    {
        var typeface = SKFontManager.Default.MatchFamily(Family, style);
        if (typeface is null) return null;
        if (string.Equals(typeface.FamilyName, Family, StringComparison.OrdinalIgnoreCase)) return typeface;
        typeface.Dispose();
        return null;
    }

    public void Dispose()
    {
        if (!ReferenceEquals(_bold, _regular)) _bold?.Dispose();
        _regular?.Dispose();
    }
}
