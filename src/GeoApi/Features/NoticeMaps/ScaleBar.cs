namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>A scale bar's length: the largest round number of metres (1, 2 or 5 × 10ⁿ) that
/// fits in <c>maxPoints</c> at the map's scale, and its label (米 below a kilometre, else 千米).</summary>
public sealed record ScaleBar(double Metres, float Points)
{
    private static readonly int[] Steps = [5, 2, 1];

    public static ScaleBar Fit(double pointsPerMetre, float maxPoints)
    {
        if (!(pointsPerMetre > 0) || !(maxPoints > 0)) throw new ArgumentOutOfRangeException(nameof(pointsPerMetre));
        double longest = maxPoints / pointsPerMetre;
        double power = Math.Pow(10, Math.Floor(Math.Log10(longest)));
        double metres = Steps.Select(m => m * power).First(m => m <= longest);
        return new ScaleBar(metres, (float)(metres * pointsPerMetre));
    }

    public string Label => Metres >= 1000
        ? $"{(Metres / 1000).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} 千米"
        : $"{Metres.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} 米";
}
