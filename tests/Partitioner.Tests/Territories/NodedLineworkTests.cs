using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.OverlayNG;
using Xunit;

namespace GridSpatial.Partitioner.Tests.Territories;

/// <summary>The noding every tessellation step relies on: lines cut where they cross, on the
/// precision grid, each segment once, meeting only at end points, so polygonizing gives the
/// same faces as the overlay union it replaced.</summary>
public class NodedLineworkTests
{
    private static readonly PrecisionModel Precision = new(1e6);
    private static readonly WKTReader Wkt = new();

    [Fact]
    public void Of_CrossingAndDoubledLines_CutAtCrossingsAndEachSegmentOnce()
    {
        var lines = Wkt.Read("MULTILINESTRING ((0 0, 10 0, 10 10, 0 10, 0 0), (5 -1, 5 11), (0 0, 10 0), (10 0, 0 0))");

        var noded = NodedLinework.Of(lines, Precision);

        var segments = Segments(noded);
        Assert.Equal(segments.Count, segments.Distinct().Count());
        Assert.Contains(Key(new Coordinate(5, 0), new Coordinate(5, 10)), segments);
        Assert.Contains(Key(new Coordinate(0, 0), new Coordinate(5, 0)), segments);
        Assert.Contains(Key(new Coordinate(5, 0), new Coordinate(10, 0)), segments);
        var faces = FaceBuilder.Polygonize(noded).Where(p => p.Area > 0).OrderBy(p => p.Centroid.X).ToList();
        Assert.Equal(2, faces.Count);
        Assert.All(faces, f => Assert.Equal(50, f.Area, 9));
    }

    [Fact]
    public void Of_OffGridCrossings_SameFacesAsTheOverlayUnion()
    {
        var lines = Wkt.Read("MULTILINESTRING ((0 0, 7.3 0, 7.3 5.1, 0 5.1, 0 0), (0.1 0.2, 7.2 4.9), (0.3 5, 6.9 0.05), (1 -1, 1.0000004 6))");

        var ours = FaceBuilder.Polygonize(NodedLinework.Of(lines, Precision)).Select(p => p.Normalized()).OrderBy(p => p.ToText(), StringComparer.Ordinal).ToList();
        var overlay = FaceBuilder.Polygonize(UnaryUnionNG.Union(lines, Precision)).Select(p => p.Normalized()).OrderBy(p => p.ToText(), StringComparer.Ordinal).ToList();

        Assert.Equal(overlay.Count, ours.Count);
        for (int i = 0; i < ours.Count; i++) Assert.True(overlay[i].EqualsExact(ours[i]), $"{overlay[i]} != {ours[i]}");
        Assert.All(ours.SelectMany(p => p.Coordinates), c => Assert.Equal(c.X, Precision.MakePrecise(c.X)));
    }

    private static List<(Coordinate, Coordinate)> Segments(Geometry g)
    {
        var result = new List<(Coordinate, Coordinate)>();
        for (int i = 0; i < g.NumGeometries; i++)
        {
            var cs = g.GetGeometryN(i).Coordinates;
            for (int k = 0; k + 1 < cs.Length; k++) result.Add(Key(cs[k], cs[k + 1]));
        }
        return result;
    }

    private static (Coordinate, Coordinate) Key(Coordinate a, Coordinate b) => a.CompareTo(b) < 0 ? (a, b) : (b, a);
}
