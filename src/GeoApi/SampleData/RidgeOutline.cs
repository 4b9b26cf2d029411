using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>A township outline that follows ridges: an ellipse elongated along the main valley
/// (u axis) whose radius is modulated by fractal noise, from broad spurs down to 20 m ledges.
/// Every ray from the centre crosses it once (a radius function), no point lies farther than
/// 1.2 · 1.22 ≈ 1.47 radii from the centre, its area is about π·radius²,
/// and its Polsby–Popper compactness lands around 0.4–0.6, like a real 乡镇 boundary.</summary>
internal static class RidgeOutline
{
    public static Polygon Create(double radius, Random rnd)
    {
        //-- Roughness 0.66 and ±22 % radius were tuned for Polsby–Popper 0.4–0.6 over many seeds.
        var noise = Fractal.Periodic(rnd, 8, 6, 0.66);
        double a = 1.2 * radius, b = 0.84 * radius;
        var ring = new Coordinate[noise.Length + 1];
        for (int i = 0; i < noise.Length; i++)
        {
            double t = 2 * Math.PI * i / noise.Length, k = 1 + 0.22 * noise[i];
            ring[i] = new Coordinate(a * Math.Cos(t) * k, b * Math.Sin(t) * k);
        }
        ring[^1] = ring[0].Copy();
        return LocalFrame.Metric.CreatePolygon(ring);
    }
}
