using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>Midpoint displacement, the classic recipe for terrain-like lines: each level halves
/// the segments and moves the new midpoints by a random share of the segment length.</summary>
internal static class Fractal
{
    /// <summary>A closed noise curve of <c>baseCount · 2^levels</c> values in [-1, 1]; each level's
    /// amplitude is <paramref name="roughness"/> times the previous one (higher: more jagged).</summary>
    public static double[] Periodic(Random rnd, int baseCount, int levels, double roughness)
    {
        var v = Enumerable.Range(0, baseCount).Select(_ => rnd.NextDouble() * 2 - 1).ToArray();
        double amplitude = 1;
        for (int level = 0; level < levels; level++)
        {
            amplitude *= roughness;
            var next = new double[v.Length * 2];
            for (int i = 0; i < v.Length; i++)
            {
                next[2 * i] = v[i];
                next[2 * i + 1] = (v[i] + v[(i + 1) % v.Length]) / 2 + amplitude * (rnd.NextDouble() * 2 - 1);
            }
            v = next;
        }
        double max = v.Max(Math.Abs);
        return v.Select(x => x / max).ToArray();
    }

    /// <summary>A wandering line from <paramref name="a"/> to <paramref name="b"/>: every midpoint moves
    /// sideways by up to <paramref name="ratio"/> of its segment's length.</summary>
    public static List<Coordinate> Path(Coordinate a, Coordinate b, Random rnd, double ratio, int levels)
    {
        var pts = new List<Coordinate> { a, b };
        for (int level = 0; level < levels; level++)
        {
            var next = new List<Coordinate>(pts.Count * 2) { pts[0] };
            for (int i = 1; i < pts.Count; i++)
            {
                Coordinate p = pts[i - 1], q = pts[i];
                double dx = q.X - p.X, dy = q.Y - p.Y, off = (rnd.NextDouble() * 2 - 1) * ratio;
                next.Add(new Coordinate((p.X + q.X) / 2 - dy * off, (p.Y + q.Y) / 2 + dx * off));
                next.Add(q);
            }
            pts = next;
        }
        return pts;
    }
}
