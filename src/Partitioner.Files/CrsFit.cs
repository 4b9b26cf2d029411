using System.Globalization;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Files;

/// <summary>Says what coordinates look like when they do not fit the CRS they were declared in:
/// Gauss–Krüger metres declared as degrees, degrees declared as metres, eastings of another zone,
/// northing and easting swapped (Chinese surveying writes the northing as X), so the caller can
/// name the CRS to send. Text is Chinese first, then English. Lon/lat swapped within degree range
/// is left to <see cref="Inputs.InputRules.Coordinates"/>, which also sees the township.</summary>
public static class CrsFit
{
    /// <summary>Why <paramref name="raw"/> (the extent of one feature, as sent) does not fit
    /// <paramref name="declared"/>, or null when it may. <paramref name="township"/> (WGS 84), when
    /// known, tells which zone a township's Gauss–Krüger metres are in.</summary>
    public static string? Explain(Crs declared, Envelope raw, Envelope? township)
    {
        if (raw.IsNull) return null;
        double x = raw.Centre.X, y = raw.Centre.Y;
        if (!double.IsFinite(x) || !double.IsFinite(y)) return null;
        string at = string.Create(CultureInfo.InvariantCulture, $"x {x:0.###}, y {y:0.###}");
        if (declared.Kind != CrsKind.GaussKruger)
        {
            if (Math.Abs(raw.MinX) <= 180 && Math.Abs(raw.MaxX) <= 180 && Math.Abs(raw.MinY) <= 90 && Math.Abs(raw.MaxY) <= 90) return null;
            if (LooksSwappedMetres(x, y))
                return $"坐标看起来是 X/Y 颠倒的高斯-克吕格米制坐标（{at}：X 为北坐标），不是 {declared.Code} 的经纬度：请把东坐标作 x、北坐标作 y，并用 crs={Suggest(y, township)} 发送。" +
                    $"These look like Gauss–Krüger metres with northing and easting swapped ({at}: X is the northing), not {declared.Code} degrees; send the easting as x and crs={Suggest(y, township)}.";
            if (LooksGaussKruger(x, y))
                return $"坐标看起来是高斯-克吕格投影的米制坐标（{at}），不是 {declared.Code} 的经纬度：请用 crs={Suggest(x, township)} 发送。" +
                    $"These look like Gauss–Krüger metres ({at}), not {declared.Code} degrees; send crs={Suggest(x, township)}.";
            return null;
        }
        if (Math.Abs(x) <= 180 && Math.Abs(y) <= 90)
            return $"坐标看起来是经纬度（{at}），不是 {declared.Code} 的米制坐标：请用 crs=EPSG:4490（CGCS2000）或 EPSG:4326 发送。" +
                $"These look like longitude/latitude degrees ({at}), not {declared.Code} metres; send crs=EPSG:4490 (CGCS2000) or EPSG:4326.";
        if (!Fits(declared, x, y))
        {
            if (Fits(declared, y, x) || LooksSwappedMetres(x, y))
                return $"坐标的 X/Y 看起来颠倒了（{at}：X 为北坐标）：{declared.Code} 的 x 是东坐标、y 是北坐标，请对调后发送。" +
                    $"X and Y look swapped ({at}: X is the northing); in {declared.Code} x is the easting and y the northing; swap them.";
            if (LooksGaussKruger(x, y))
                return $"坐标不在 {declared.Code}（{declared.Name}）的范围内（{at}），看起来属于另一个投影带：请用 crs={Suggest(x, township)} 发送。" +
                    $"These do not fit {declared.Code} ({declared.Name}) ({at}); they look like another Gauss–Krüger zone: send crs={Suggest(x, township)}.";
            return $"坐标不在 {declared.Code}（{declared.Name}）的范围内（{at}）。These coordinates ({at}) are outside {declared.Code} ({declared.Name}).";
        }
        //-- Metres of the right shape but of a zone away from the township: the zone was misnamed.
        if (township is not null && !declared.ZonePrefix)
        {
            var lonLat = declared.ToWgs84(new Coordinate(x, y));
            var near = township.Copy();
            near.ExpandBy(0.5);
            if (!near.Contains(lonLat) && InputCrs.ThreeDegreeZoneAt(township.Centre.X) is { } zone && zone.CentralMeridian != declared.CentralMeridian)
                return $"按 {declared.Code}（中央经线 {declared.CentralMeridian}°E）换算，坐标落在乡镇以外；该乡镇在中央经线 {zone.CentralMeridian}°E 的投影带：请用 crs={zone.Code} 发送。" +
                    $"Read as {declared.Code} (Gauss–Krüger central meridian {declared.CentralMeridian}°E) these fall far from the township, which lies in the zone of {zone.CentralMeridian}°E; send crs={zone.Code}.";
        }
        return null;
    }

    /// <summary>Easting and northing within the declared zone (eastings within 1000 km of the central meridian's 500 km).</summary>
    private static bool Fits(Crs gk, double x, double y)
    {
        double offset = gk.ZonePrefix ? gk.Zone * 1e6 : 0;
        return x > offset && x < offset + 1e6 && y > 0 && y < 1e7;
    }

    /// <summary>A Chinese Gauss–Krüger easting (with or without a zone number) and a northing of 9°–63° N.</summary>
    private static bool LooksGaussKruger(double x, double y) => Zone(x) is not null && y > 1e6 && y < 7e6;

    private static bool LooksSwappedMetres(double x, double y) => !LooksGaussKruger(x, y) && LooksGaussKruger(y, x);

    /// <summary>The zone number an easting carries (13–23 six-degree, 25–45 three-degree), 0 for none, null for no easting.</summary>
    private static int? Zone(double easting)
    {
        if (easting > 0 && easting < 1e6) return 0;
        int zone = (int)Math.Floor(easting / 1e6);
        return zone is (>= 13 and <= 23) or (>= 25 and <= 45) ? zone : null;
    }

    /// <summary>The CRS to send for an easting: its zone's when it carries one; else the township's 3-degree zone.</summary>
    private static string Suggest(double easting, Envelope? township) => Zone(easting) switch
    {
        int z and >= 25 => $"EPSG:{4488 + z}",
        int z and >= 13 => $"EPSG:{4478 + z}",
        _ when township is not null && InputCrs.ThreeDegreeZoneAt(township.Centre.X) is { } zone => zone.Code,
        _ => "EPSG:4534–4554（3 度带，按中央经线 by central meridian）/ EPSG:4502–4512（6 度带 6-degree）",
    };
}
