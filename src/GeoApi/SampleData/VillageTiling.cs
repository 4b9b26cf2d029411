using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Polygonize;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>Village (村委会) boundaries as a mountain township draws them: the main river splits
/// the two banks, and spur ridges (山梁) climbing from the valley floor to the township's ridge
/// split each bank into side-valley basins of about equal area, one per village. A spur never
/// crosses a stream, a county road, another spur or the town seat, so each village is a slope
/// between two ridges with its stream in the middle. The pieces are cut from one noded linework
/// (outline, river, spurs), so they tile the township exactly; the township is their union on the
/// 1e-7° grid. Stray pieces (where the river leaves and re-enters the outline) join the
/// neighbour they share most border with.</summary>
internal static class VillageTiling
{
    private static readonly PrecisionModel Grid = new(1e7);

    /// <summary>Village polygons in lon/lat (index 0 holds the town), the township, and the spur
    /// ridges in the local frame (from the river up to the outline) that the borders follow.</summary>
    public static (List<Polygon> Villages, Polygon Township, List<LineString> Ridges) Create(Polygon outline, Valley valley, Envelope town, int count,
        double radius, LocalFrame frame, Random rnd)
    {
        var f = LocalFrame.Metric;
        var env = outline.EnvelopeInternal;
        double north = BankArea(outline, valley, +1), south = BankArea(outline, valley, -1);
        int nNorth = Math.Clamp((int)Math.Round(count * north / (north + south)), 1, count - 1);
        var ridges = new List<LineString>();
        foreach (var (side, slices) in new[] { (+1, nNorth), (-1, count - nNorth) })
            foreach (var u in SpurPositions(outline, valley, side, slices, rnd))
            {
                var spur = Spur(outline, valley, town, u, side, ridges, radius, rnd);
                if (spur is not null) ridges.Add(spur);
            }
        var lines = ridges.Select(r => (Geometry)Extend(r, 20)).Append(outline.ExteriorRing).Append(valley.Lines[0].Line).ToList();
        var polygonizer = new Polygonizer();
        polygonizer.Add(OverlayNGRobust.Union(f.BuildGeometry(lines)));
        var pieces = polygonizer.GetPolygons().OfType<Polygon>().Where(p => outline.Contains(p.InteriorPoint)).ToList();
        while (pieces.Count > count) MergeSmallest(pieces);

        var townCentre = f.CreatePoint(town.Centre);
        int seat = pieces.FindIndex(p => p.Contains(townCentre));
        if (seat < 0) seat = pieces.Select((p, i) => (i, d: p.Distance(townCentre))).MinBy(x => x.d).i;
        //-- The community first, then the villages bank by bank (north first), west to east.
        var ordered = pieces.Where((_, i) => i != seat)
            .OrderBy(p => valley.RiverV(p.InteriorPoint.X) < p.InteriorPoint.Y ? 0 : 1).ThenBy(p => p.Centroid.X)
            .Prepend(pieces[seat]).ToList();
        var villages = ordered.Select(p => frame.Map(p)).Select(g => g as Polygon ?? Polygons(g).MaxBy(x => x.Area)!).ToList();
        var township = Polygons(UnaryUnionNG.Union(LocalFrame.LonLat.BuildGeometry(villages.ToList<Geometry>()), Grid));
        return (villages, township.MaxBy(p => p.Area)!, ridges);
    }

    /// <summary>The area of one bank (north: side +1), from the river to the outline.</summary>
    private static double BankArea(Polygon outline, Valley valley, int side) =>
        Columns(outline, valley, side).Sum(c => c.Width);

    /// <summary>The bank's width (along v) at every 40 m of u.</summary>
    private static List<(double U, double Width)> Columns(Polygon outline, Valley valley, int side)
    {
        var env = outline.EnvelopeInternal;
        var list = new List<(double, double)>();
        for (double u = env.MinX + 20; u < env.MaxX; u += 40)
        {
            double v = valley.RiverV(u), far = v + side * 2 * env.Height;
            var cut = outline.Intersection(LocalFrame.Metric.CreateLineString([new(u, v), new(u, far)]));
            list.Add((u, cut.Length));
        }
        return list;
    }

    /// <summary>Where the spurs leave the river: at the quantiles of the bank's area, jittered.</summary>
    private static List<double> SpurPositions(Polygon outline, Valley valley, int side, int slices, Random rnd)
    {
        var columns = Columns(outline, valley, side);
        double total = columns.Sum(c => c.Width), sum = 0;
        var at = new List<double>();
        int k = 1;
        foreach (var (u, width) in columns)
        {
            sum += width;
            while (k < slices && sum >= total * k / slices)
            {
                at.Add(u);
                k++;
            }
        }
        double spacing = outline.EnvelopeInternal.Width / slices;
        return at.Select(u => u + (rnd.NextDouble() - 0.5) * 0.3 * spacing).ToList();
    }

    /// <summary>A spur ridge from the river at <paramref name="u"/> up to the outline, slanting away
    /// from the township's middle like the side valleys do; retried a little east and west until it
    /// meets no stream, county road, other spur or the town (then relaxed to the spurs and the town).</summary>
    private static LineString? Spur(Polygon outline, Valley valley, Envelope town, double u0, int side, List<LineString> spurs, double radius, Random rnd)
    {
        var f = LocalFrame.Metric;
        var townZone = f.ToGeometry(town).Buffer(120);
        var water = f.BuildGeometry(valley.Waterways.ToList<Geometry>());
        var roads = f.BuildGeometry(valley.Roads.Skip(1).ToList<Geometry>());
        for (int attempt = 0; attempt < 60; attempt++)
        {
            bool strict = attempt < 40;
            double u = u0 + (attempt % 2 == 0 ? 1 : -1) * ((attempt + 1) / 2) * 70;
            var start = new Coordinate(u, valley.RiverV(u));
            if (!outline.Contains(f.CreatePoint(start))) continue;
            double middle = side > 0 && Math.Abs(u - town.Centre.X) < 4 * town.Width ? town.Centre.X : 0;
            double phi = (68 + 18 * rnd.NextDouble()) * Math.PI / 180;
            var dir = new Coordinate((u >= middle ? 1 : -1) * Math.Cos(phi), side * Math.Sin(phi));
            var far = new Coordinate(start.X + dir.X * 3 * radius, start.Y + dir.Y * 3 * radius);
            var path = f.CreateLineString(Fractal.Path(start, far, rnd, 0.07, 7).ToArray());
            var clipped = OverlayNGRobust.Overlay(path, outline, SpatialFunction.Intersection);
            var inside = Enumerable.Range(0, clipped.NumGeometries).Select(clipped.GetGeometryN).OfType<LineString>()
                .FirstOrDefault(l => l.StartPoint.Coordinate.Distance(start) < 1e-6);
            if (inside is null || inside.Length < 300) continue;
            //-- Beyond its first 30 m (which meet the river it starts on) the spur touches no water.
            var upper = OverlayNGRobust.Overlay(inside, f.CreatePoint(start).Buffer(30), SpatialFunction.Difference);
            if (upper.Intersects(townZone) || spurs.Any(s => s.Distance(inside) < 150)) continue;
            if (strict && (upper.Intersects(water) || upper.Intersects(roads))) continue;
            return inside;
        }
        return null;
    }

    private static void MergeSmallest(List<Polygon> pieces)
    {
        var small = pieces.MinBy(p => p.Area)!;
        pieces.Remove(small);
        var best = pieces.Select((p, i) => (i, shared: p.Boundary.Intersection(small.Boundary).Length)).MaxBy(x => x.shared);
        var merged = Polygons(OverlayNGRobust.Overlay(pieces[best.i], small, SpatialFunction.Union));
        pieces[best.i] = merged.MaxBy(p => p.Area)!;
    }

    /// <summary>The line lengthened by <paramref name="d"/> metres at both ends, so it is noded where it meets the lines it ends on.</summary>
    internal static LineString Extend(LineString line, double d)
    {
        var c = line.Coordinates.Select(p => p.Copy()).ToArray();
        static Coordinate Past(Coordinate from, Coordinate to, double d)
        {
            double len = from.Distance(to);
            return len == 0 ? to.Copy() : new Coordinate(to.X + (to.X - from.X) / len * d, to.Y + (to.Y - from.Y) / len * d);
        }
        c[0] = Past(c[1], c[0], d);
        c[^1] = Past(c[^2], c[^1], d);
        return LocalFrame.Metric.CreateLineString(c);
    }

    private static List<Polygon> Polygons(Geometry g) =>
        Enumerable.Range(0, g.NumGeometries).Select(g.GetGeometryN).OfType<Polygon>().Where(p => !p.IsEmpty).ToList();
}
