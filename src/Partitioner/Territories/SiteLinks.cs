using NetTopologySuite.Algorithm;
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
/// one block and no other site's location is within half its length of it. Where the links of two
/// sites cross, one goes round the other's end (<see cref="Detours"/>).</summary>
internal static class SiteLinks
{
    /// <summary>Metres between link points where no other location is near the edge.</summary>
    private const double MaxSpacing = 1.0;

    /// <summary>Metres: the closest spacing and the least distance to another site's location
    /// (locations are distinct at a centimetre).</summary>
    private const double MinSpacing = 0.02;

    /// <summary>Metres a detour passes beyond the leaf it goes around, at least (<see cref="Detours"/>).</summary>
    private const double DetourReach = 2.0;

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
        var links = new List<Link>();
        for (int s = 0; s < sites.Count; s++)
            foreach (var (a, b) in Tree(sites[s].Locations)) links.Add(new Link(s, new LineSegment(a, b)));
        var (via, avoid) = Detours(links);
        for (int e = 0; e < links.Count; e++)
        {
            var (s, edge) = (links[e].Site, links[e].Edge);
            var faces = new[] { blockOf(edge.P0), blockOf(edge.P1) }.Where(x => x >= 0).Select(faceOfBlock).ToHashSet();
            if (via[e].Count == 0)
            {
                result.AddRange(Points(edge.P0, edge.P1, s, index, blockOf, faceOfBlock, faces, [], false).Select(at => (at, s)));
                continue;
            }
            var path = via[e].OrderBy(v => v.Along).Select(v => v.At).Prepend(edge.P0).Append(edge.P1).ToList();
            for (int k = 0; k + 1 < path.Count; k++)
            {
                result.AddRange(Points(path[k], path[k + 1], s, index, blockOf, faceOfBlock, faces, avoid[e], true).Select(at => (at, s)));
                if (k + 2 < path.Count && Fits(path[k + 1], s, index, blockOf, faceOfBlock, faces)) result.Add((path[k + 1], s));
            }
        }
        return result;
    }

    private readonly record struct Link(int Site, LineSegment Edge);

    /// <summary>Where the links of two sites cross, at most one of them can hold its site's land together
    /// there: the other site's land falls in two. So one link goes round an end of the other that is a leaf
    /// of its tree (the end nearest the crossing; a household far from its building, a tower's last
    /// entrance): through a point <see cref="DetourReach"/> metres or more beyond that end, on the line of
    /// the link it goes round, and clear of it by <see cref="MaxSpacing"/> where it can be. Links whose
    /// ends are no leaves cross as before.</summary>
    /// <returns>For each link, the points it goes through (by where it crossed) and the links it goes round.</returns>
    private static (List<(double Along, Coordinate At)>[] Via, List<LineSegment>[] Avoid) Detours(List<Link> links)
    {
        var via = links.Select(_ => new List<(double, Coordinate)>()).ToArray();
        var avoid = links.Select(_ => new List<LineSegment>()).ToArray();
        var degree = new Dictionary<(int, Coordinate), int>();
        foreach (var (s, edge) in links)
        {
            degree[(s, edge.P0)] = degree.GetValueOrDefault((s, edge.P0)) + 1;
            degree[(s, edge.P1)] = degree.GetValueOrDefault((s, edge.P1)) + 1;
        }
        var tree = new STRtree<int>();
        for (int e = 0; e < links.Count; e++) tree.Insert(new Envelope(links[e].Edge.P0, links[e].Edge.P1), e);
        tree.Build();
        for (int i = 0; i < links.Count; i++)
        {
            var ei = links[i].Edge;
            foreach (var j in tree.Query(new Envelope(ei.P0, ei.P1)).Where(j => j > i && links[j].Site != links[i].Site).Order())
            {
                //-- Proper crossings only: links that touch at an end or run along one line (two sites at one
                //-- place) have no side to go round.
                var crossing = new RobustLineIntersector();
                crossing.ComputeIntersection(ei.P0, ei.P1, links[j].Edge.P0, links[j].Edge.P1);
                if (!crossing.IsProper) continue;
                var x = crossing.GetIntersection(0);
                //-- (distance of the leaf from the crossing, link going round, link gone round, leaf, its other end)
                var rounds = new List<(double Distance, int Detour, int Round, Coordinate Leaf, Coordinate Other)>();
                foreach (var (detour, round) in new[] { (i, j), (j, i) })
                {
                    var (s, edge) = (links[round].Site, links[round].Edge);
                    if (degree[(s, edge.P0)] == 1) rounds.Add((edge.P0.Distance(x), detour, round, edge.P0, edge.P1));
                    if (degree[(s, edge.P1)] == 1) rounds.Add((edge.P1.Distance(x), detour, round, edge.P1, edge.P0));
                }
                if (rounds.Count == 0) continue;
                var r = rounds.OrderBy(c => c.Distance).ThenBy(c => c.Detour).First();
                var path = links[r.Detour].Edge;
                //-- No clear way round (the crossing near the detouring link's own end): the links cross as before,
                //-- rather than a leg hugging the other link with link points every few centimetres.
                if (Beyond(r.Leaf, r.Other, path, links[r.Round].Edge) is not { } beyond) continue;
                via[r.Detour].Add((path.ProjectionFactor(x), beyond));
                avoid[r.Detour].Add(links[r.Round].Edge);
            }
        }
        return (via, avoid);
    }

    /// <summary>The point <paramref name="path"/> goes through round <paramref name="leaf"/>: beyond it on
    /// the line from <paramref name="other"/>, where both legs of the path keep <see cref="MaxSpacing"/> from
    /// <paramref name="round"/> (the legs and the link gone round never cross: the leaf lies in their triangle);
    /// null when no reach up to 8 × <see cref="DetourReach"/> keeps them that clear.</summary>
    private static Coordinate? Beyond(Coordinate leaf, Coordinate other, LineSegment path, LineSegment round)
    {
        double length = leaf.Distance(other);
        var (ux, uy) = ((leaf.X - other.X) / length, (leaf.Y - other.Y) / length);
        for (double reach = DetourReach; reach <= 8 * DetourReach; reach *= 2)
        {
            var at = new Coordinate(leaf.X + reach * ux, leaf.Y + reach * uy);
            if (Math.Min(round.Distance(new LineSegment(path.P0, at)), round.Distance(new LineSegment(at, path.P1))) >= MaxSpacing) return at;
        }
        return null;
    }

    private static bool Fits(Coordinate at, int site, STRtree<(Coordinate At, int Site)> index, Func<Coordinate, int> blockOf,
        Func<int, int> faceOfBlock, HashSet<int> faces)
    {
        int block = blockOf(at);
        if (block < 0 || !faces.Contains(faceOfBlock(block))) return false;
        var near = new Envelope(at);
        near.ExpandBy(MinSpacing);
        return !index.Query(near).Any(x => x.Site != site && x.At.Distance(at) < MinSpacing);
    }

    /// <param name="avoid">Links of other sites this one goes round: as near as another site's location.</param>
    /// <param name="detour">A leg of a detour: it always gets points, as it runs close by another site's link.</param>
    private static IEnumerable<Coordinate> Points(Coordinate a, Coordinate b, int site, STRtree<(Coordinate At, int Site)> index,
        Func<Coordinate, int> blockOf, Func<int, int> faceOfBlock, HashSet<int> faces, IReadOnlyList<LineSegment> avoid, bool detour)
    {
        double length = a.Distance(b);
        var segment = new LineSegment(a, b);
        var near = new Envelope(a, b);
        near.ExpandBy(length / 2);
        var others = index.Query(near).Where(x => x.Site != site).Select(x => x.At).ToList();
        double clearance = others.Count == 0 ? double.MaxValue : others.Min(segment.Distance);
        foreach (var round in avoid) clearance = Math.Min(clearance, round.Distance(segment));
        double spacing = Math.Clamp(1.8 * clearance, MinSpacing, MaxSpacing);
        int n = (int)Math.Ceiling(length / spacing);
        int blockA = blockOf(a), blockB = blockOf(b);
        var points = Enumerable.Range(1, Math.Max(0, n - 1)).Select(k => segment.PointAlong((double)k / n)).ToList();
        var blocks = points.Select(blockOf).ToList();
        if (!detour && clearance >= length / 2 && blockA == blockB && blocks.All(x => x == blockA)) yield break;
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
