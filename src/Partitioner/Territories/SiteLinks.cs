using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using GridSpatial.Partitioner.Households;

namespace GridSpatial.Partitioner.Territories;

/// <summary>Keeps the land of a site with several locations (a tower's stairwells, houses within a
/// metre) in one piece. Its land is the union of its locations' Voronoi cells, and those need not
/// meet: another site's household standing between two locations takes the land between them, or
/// a street between them puts them in two blocks whose cells need not touch. So each edge of the
/// shortest tree joining the site's locations that is at risk becomes extra generators of the
/// site: points along the edge, spaced under twice the distance of any other site's location from
/// it, so every point of the edge is nearer the site than any other site and the site's cells reach
/// each other along it. An edge is safe, and gets none, when both ends and the whole edge lie in
/// one block and no other site's location is within half its length of it.</summary>
internal static class SiteLinks
{
    /// <summary>Metres between link points where no other location is near the edge.</summary>
    private const double MaxSpacing = 1.0;

    /// <summary>Metres: the closest spacing and the least distance to another site's location
    /// (locations are distinct at a centimetre).</summary>
    private const double MinSpacing = 0.02;

    /// <param name="blockOf">The block holding a point, or -1 outside the land being tessellated.</param>
    /// <param name="faceOfBlock">The barrier face of a block: links never cross into a third face.</param>
    public static List<(Coordinate At, int Site)> Of(IReadOnlyList<Site> sites, Func<Coordinate, int> blockOf, Func<int, int> faceOfBlock)
    {
        var result = new List<(Coordinate, int)>();
        if (sites.All(s => s.Locations.Count < 2)) return result;
        var index = new STRtree<(Coordinate At, int Site)>();
        for (int s = 0; s < sites.Count; s++)
            foreach (var at in sites[s].Locations) index.Insert(new Envelope(at), (at, s));
        index.Build();
        for (int s = 0; s < sites.Count; s++)
            foreach (var (a, b) in Tree(sites[s].Locations))
                result.AddRange(Points(a, b, s, index, blockOf, faceOfBlock).Select(at => (at, s)));
        return result;
    }

    private static IEnumerable<Coordinate> Points(Coordinate a, Coordinate b, int site, STRtree<(Coordinate At, int Site)> index,
        Func<Coordinate, int> blockOf, Func<int, int> faceOfBlock)
    {
        double length = a.Distance(b);
        var segment = new LineSegment(a, b);
        var near = new Envelope(a, b);
        near.ExpandBy(length / 2);
        var others = index.Query(near).Where(x => x.Site != site).Select(x => x.At).ToList();
        double clearance = others.Count == 0 ? double.MaxValue : others.Min(segment.Distance);
        double spacing = Math.Clamp(1.8 * clearance, MinSpacing, MaxSpacing);
        int n = (int)Math.Ceiling(length / spacing);
        int blockA = blockOf(a), blockB = blockOf(b);
        var points = Enumerable.Range(1, Math.Max(0, n - 1)).Select(k => segment.PointAlong((double)k / n)).ToList();
        var blocks = points.Select(blockOf).ToList();
        if (clearance >= length / 2 && blockA == blockB && blocks.All(x => x == blockA)) yield break;
        var faces = new[] { blockA, blockB }.Where(x => x >= 0).Select(faceOfBlock).ToHashSet();
        for (int k = 0; k < points.Count; k++)
        {
            if (blocks[k] < 0 || !faces.Contains(faceOfBlock(blocks[k]))) continue;
            if (others.Any(o => o.Distance(points[k]) < MinSpacing)) continue;
            yield return points[k];
        }
    }

    /// <summary>Edges of the shortest tree joining the locations (Prim; ties to the lower index).</summary>
    private static IEnumerable<(Coordinate, Coordinate)> Tree(IReadOnlyList<Coordinate> at)
    {
        if (at.Count < 2) yield break;
        var inTree = new bool[at.Count];
        var best = Enumerable.Repeat(double.MaxValue, at.Count).ToArray();
        var from = new int[at.Count];
        int current = 0;
        inTree[0] = true;
        for (int added = 1; added < at.Count; added++)
        {
            int next = -1;
            for (int i = 0; i < at.Count; i++)
            {
                if (inTree[i]) continue;
                double d = at[current].Distance(at[i]);
                if (d < best[i]) (best[i], from[i]) = (d, current);
                if (next < 0 || best[i] < best[next]) next = i;
            }
            inTree[next] = true;
            yield return (at[from[next]], at[next]);
            current = next;
        }
    }
}
