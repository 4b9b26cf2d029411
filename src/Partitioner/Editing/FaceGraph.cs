using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Editing;

/// <summary>How faces touch: connected pieces, the neighbour sharing the longest border, and the
/// piece of a split that keeps the code. Every tie is broken by a stable key, never by chance.</summary>
internal static class FaceGraph
{
    private static readonly double GridSize = TownshipPartitioner.Precision.GridSize;

    /// <summary>Whether a face lies inside a drawn polygon (by its interior point).</summary>
    public static bool Inside(Geometry drawn, Face f) => drawn.Contains(f.Metric.InteriorPoint);

    /// <summary>Groups faces into connected pieces (sharing an edge), never across an edge that
    /// lies on <paramref name="notAlong"/> (a split's line); pieces in the order of their first face.</summary>
    public static List<List<Face>> Components(List<Face> faces, Geometry? notAlong = null)
    {
        var parent = Enumerable.Range(0, faces.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        var index = new STRtree<int>();
        for (int i = 0; i < faces.Count; i++) index.Insert(faces[i].Metric.EnvelopeInternal, i);
        if (faces.Count > 0) index.Build();
        var line = notAlong?.Buffer(GridSize * 2);
        for (int i = 0; i < faces.Count; i++)
            foreach (var j in index.Query(faces[i].Metric.EnvelopeInternal))
            {
                if (j <= i) continue;
                var shared = faces[i].Metric.Boundary.Intersection(faces[j].Metric.Boundary);
                if (shared.Length <= 0) continue;
                if (line is not null && shared.Difference(line).Length <= GridSize * 2) continue;
                parent[Find(i)] = Find(j);
            }
        return Enumerable.Range(0, faces.Count).GroupBy(Find).OrderBy(g => g.Min()).Select(g => g.Select(i => faces[i]).ToList()).ToList();
    }

    /// <summary>The owner (by <paramref name="owner"/>) that shares the longest border with a
    /// piece, the smallest owner on a tie; null when none touches it.</summary>
    public static TOwner? LongestBorder<TOwner>(List<Face> piece, IEnumerable<Face> others, Func<Face, TOwner> owner)
        where TOwner : class, IComparable<TOwner>
    {
        var boundary = piece[0].Metric.Factory.BuildGeometry(piece.Select(f => f.Metric.Boundary).ToList());
        var env = boundary.EnvelopeInternal;
        var lengths = new Dictionary<TOwner, double>();
        foreach (var f in others)
        {
            if (!f.Metric.EnvelopeInternal.Intersects(env)) continue;
            double l = f.Metric.Boundary.Intersection(boundary).Length;
            if (l > 0) lengths[owner(f)] = lengths.GetValueOrDefault(owner(f)) + l;
        }
        return lengths.Count == 0 ? null : lengths.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
    }

    /// <summary>The piece that keeps the code: most households, then most area, then the first.</summary>
    public static int Keeper(List<List<Face>> pieces, IReadOnlyList<Coordinate> households)
    {
        var counts = new int[pieces.Count];
        for (int i = 0; i < pieces.Count; i++)
        {
            var env = new Envelope();
            foreach (var f in pieces[i]) env.ExpandToInclude(f.Metric.EnvelopeInternal);
            var locators = pieces[i].Select(f => new IndexedPointInAreaLocator(f.Metric)).ToList();
            foreach (var h in households)
                if (env.Contains(h) && locators.Any(l => l.Locate(h) == Location.Interior)) counts[i]++;
        }
        return Enumerable.Range(0, pieces.Count)
            .OrderByDescending(i => counts[i])
            .ThenByDescending(i => pieces[i].Sum(f => f.Metric.Area))
            .First();
    }
}
