using NetTopologySuite.Geometries;
using NetTopologySuite.LinearReferencing;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>The small waters of each village (村), in the local frame: its stream — the county
/// river's tributary when one runs through it, else a stream (箐) down the middle of the basin from
/// the main river towards its head — and gullies (支沟) every 550–900 m that fall from the ridges
/// round the village to that stream, slanting downstream and ending where they first meet water.
/// They never cross a ridge, the town or each other, so with the ridges they cut every slope into
/// the small catchments a natural village (自然村) sits in. Streams and gullies are soft guides
/// (streets of kind stream): nobody fences a 箐, but people draw borders along it.</summary>
internal sealed class Drainage
{
    public Drainage(IReadOnlyList<Polygon> villages, Valley valley, Envelope town, PlaceNames names, Random rnd)
    {
        var f = LocalFrame.Metric;
        var river = valley.Lines[0].Line;
        var townZone = f.ToGeometry(town).Buffer(80);
        var tributaries = valley.Lines.Where(l => l.Kind == "river").Skip(1).ToList();
        foreach (var village in villages)
        {
            var water = new List<LineString>(valley.Waterways);
            var tributary = tributaries
                .Select(t => (t.Name, Line: Pieces(OverlayNGRobust.Overlay(t.Line, village, SpatialFunction.Intersection)).MaxBy(p => p.Length)))
                .Where(t => t.Line is not null && t.Line.Length > 600).OrderByDescending(t => t.Line!.Length).FirstOrDefault();
            var (stream, streamName) = tributary.Line is not null ? (tributary.Line, tributary.Name) : (NewStream(village, river, townZone, water, rnd), names.Stream());
            if (stream is null) continue;
            if (tributary.Line is null)
            {
                Streams.Add((stream, streamName));
                water.Add(stream);
            }
            AddGullies(village, stream, streamName, river, townZone, water, rnd);
        }
    }

    /// <summary>New streams down the middle of villages without a tributary, with their names.</summary>
    public List<(LineString Line, string Name)> Streams { get; } = [];

    /// <summary>Gullies (支沟) and their names (the stream's name with a number: 麻柳箐3号支沟).</summary>
    public List<(LineString Line, string Name)> Gullies { get; } = [];

    /// <summary>From the village's edge on the main river (nearest its middle) four fifths of the way
    /// to its highest point above that edge; above the town in the town's village.</summary>
    private static LineString? NewStream(Polygon village, LineString river, Geometry townZone, List<LineString> water, Random rnd)
    {
        var ring = village.ExteriorRing.Coordinates;
        var riverIndex = new NetTopologySuite.Operation.Distance.IndexedFacetDistance(river);
        double mid = village.Centroid.X;
        var onRiver = ring.Where(c => riverIndex.Distance(LocalFrame.Metric.CreatePoint(c)) < 1).ToList();
        var bottom = onRiver.Count > 0 ? onRiver.MinBy(c => Math.Abs(c.X - mid))! : ring.MinBy(c => riverIndex.Distance(LocalFrame.Metric.CreatePoint(c)))!;
        double half = 0.35 * village.EnvelopeInternal.Width;
        var top = ring.Where(c => Math.Abs(c.X - bottom.X) < half).MaxBy(c => riverIndex.Distance(LocalFrame.Metric.CreatePoint(c)))!;
        var head = new Coordinate(bottom.X + 0.8 * (top.X - bottom.X), bottom.Y + 0.8 * (top.Y - bottom.Y));
        if (bottom.Distance(head) < 400) return null;
        var line = LocalFrame.Metric.CreateLineString(Fractal.Path(bottom, head, rnd, 0.12, 6).ToArray());
        //-- Only the lines of the clip: where the path grazes the village's edge it also leaves points, and
        //-- an overlay of points and lines together is refused (mixed dimension).
        var inVillage = LocalFrame.Metric.CreateMultiLineString(Pieces(OverlayNGRobust.Overlay(line, village, SpatialFunction.Intersection)).ToArray());
        var kept = OverlayNGRobust.Overlay(inVillage, townZone, SpatialFunction.Difference);
        //-- The piece nearest the river (the town's stream starts above the town), cut where it meets other water.
        var piece = Pieces(kept).Where(p => p.Length > 300).Select(p => From(p, bottom)).MinBy(p => riverIndex.Distance(p.StartPoint));
        return piece is null ? null : UntilWater(piece, water.Where(w => w != river).ToList(), 5);
    }

    private void AddGullies(Polygon village, LineString stream, string streamName, LineString river, Geometry townZone, List<LineString> water, Random rnd)
    {
        var ring = village.ExteriorRing;
        var along = new LengthIndexedLine(ring);
        var onStream = new LengthIndexedLine(stream);
        var riverIndex = new NetTopologySuite.Operation.Distance.IndexedFacetDistance(river);
        var drawn = new List<LineString>();
        int number = 0;
        for (double s = rnd.NextDouble() * 400; s < ring.Length; s += 550 + rnd.NextDouble() * 350)
        {
            var from = along.ExtractPoint(s);
            var p = LocalFrame.Metric.CreatePoint(from);
            if (riverIndex.Distance(p) < 300 || townZone.Distance(p) < 100 || stream.Distance(p) < 200) continue;
            //-- Gullies join their stream downstream of the point nearest them.
            double at = onStream.Project(from), to = Math.Max(Math.Min(at, onStream.EndIndex) - 180, 0.05 * stream.Length);
            var mouth = onStream.ExtractPoint(to);
            var path = LocalFrame.Metric.CreateLineString(Fractal.Path(from, mouth, rnd, 0.1, 4).ToArray());
            var inside = Pieces(OverlayNGRobust.Overlay(path, village, SpatialFunction.Intersection)).Select(l => From(l, from))
                .FirstOrDefault(l => l.StartPoint.Coordinate.Distance(from) < 0.01);
            if (inside is null) continue;
            var gully = UntilWater(inside, water.Append(stream).Concat(drawn).ToList(), 0.5);
            if (gully is null || gully.Length < 150 || gully.Intersects(townZone)) continue;
            drawn.Add(gully);
            Gullies.Add((gully, $"{streamName}{++number}号支沟"));
        }
    }

    /// <summary>The line up to where it first meets one of <paramref name="water"/> (ignoring its
    /// first <paramref name="skip"/> metres), or null when nothing is left.</summary>
    private static LineString? UntilWater(LineString line, List<LineString> water, double skip)
    {
        var pts = line.Coordinates;
        var result = new List<Coordinate> { pts[0] };
        double walked = 0;
        for (int i = 1; i < pts.Length; i++)
        {
            var seg = LocalFrame.Metric.CreateLineString([pts[i - 1], pts[i]]);
            walked += seg.Length;
            if (walked > skip)
            {
                var hit = water.Where(w => w.Intersects(seg)).SelectMany(w => w.Intersection(seg).Coordinates)
                    .Where(c => c.Distance(pts[0]) > skip).MinBy(c => c.Distance(pts[i - 1]));
                if (hit is not null)
                {
                    result.Add(hit);
                    break;
                }
            }
            result.Add(pts[i]);
        }
        return result.Count >= 2 ? LocalFrame.Metric.CreateLineString(result.ToArray()) : null;
    }

    /// <summary>The line, reversed when its end lies nearer <paramref name="start"/> than its start.</summary>
    private static LineString From(LineString line, Coordinate start) =>
        line.EndPoint.Coordinate.Distance(start) < line.StartPoint.Coordinate.Distance(start) ? (LineString)line.Reverse() : line;

    private static IEnumerable<LineString> Pieces(Geometry g)
    {
        var merged = new NetTopologySuite.Operation.Linemerge.LineMerger();
        merged.Add(g);
        return merged.GetMergedLineStrings().OfType<LineString>().Where(l => l.Length > 1);
    }
}
