using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Distance;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>The countryside of one village (村委会): 3–10 natural villages (自然村) — compact
/// clusters of courtyards (院落, 1–3 households) on the valley floor, rows of courtyards on
/// terraces along the contour, or a row or two along a road — a few farmsteads 100–260 m out,
/// and empty mountain land in between. Each natural village stays inside one village and one
/// face, so no river, road, village border, stream or gully cuts it; it has its lanes (巷), a farm
/// track (机耕路) to the nearest road, a path to the nearest natural village, paths (小路) up the
/// slope and out to its fields, and terrace ditches (沟) along the contour above and below it,
/// from gully to gully.</summary>
internal sealed class RuralSettlement(Layers layers, LandUse land, Valley valley, PlaceNames names, Random rnd, string townshipName,
    Coordinate townCentre, double townRadius)
{
    private readonly List<(Coordinate Centre, double Radius, string Name)> _hamlets = [];
    private readonly Geometry _roads = LocalFrame.Metric.BuildGeometry(valley.Roads.ToList<Geometry>());

    /// <summary>Settles about <paramref name="households"/> households in village <paramref name="village"/>; returns how many it placed.</summary>
    public int Build(int village, string code, string villageShort, int households)
    {
        if (households <= 0) return 0;
        //-- Natural villages of 40–110 households on average, so villages differ in how many 组 they have.
        int count = households < 48 ? Math.Max(1, households / 16) : Math.Clamp((int)Math.Round(households / (40 + 70 * rnd.NextDouble())), 3, 10);
        var weights = Enumerable.Range(0, count).Select(_ => 0.5 + rnd.NextDouble()).ToArray();
        int placed = 0;
        for (int k = 0; k < count + 3 && placed < households; k++)
        {
            int size = k < count - 1 ? (int)Math.Round(households * weights[k] / weights.Sum()) : households - placed;
            size = Math.Min(size, households - placed);
            if (size < 5) size = households - placed;
            placed += Hamlet(village, code, villageShort, size, school: k == 0);
        }
        return placed;
    }

    private int Hamlet(int village, string code, string villageShort, int households, bool school)
    {
        int courtyards = (int)Math.Ceiling(households / 1.75);
        double radius = 14 * Math.Sqrt(courtyards) + 12;
        double roll = rnd.NextDouble();
        //-- Only small natural villages string along a road; big ones cluster on the valley floor or climb terraces.
        var kind = roll < 0.25 && courtyards <= 24 ? Kind.Road : roll < 0.6 ? Kind.Terrace : Kind.Floor;
        for (int attempt = 0; attempt < 450; attempt++)
        {
            int relax = attempt / 150;
            var (centre, axis) = kind == Kind.Road && relax == 0 ? BesideRoad(radius) : (RandomIn(land.Village(village).EnvelopeInternal), double.NaN);
            if (!Suitable(village, centre, radius, kind, relax)) continue;
            if (double.IsNaN(axis)) axis = Contour(centre) + (rnd.NextDouble() - 0.5) * 0.5;
            var spots = Spots(village, centre, axis, kind, courtyards);
            if (spots.Count * 1.75 < households * 0.6 && relax < 2) continue;
            return Commit(village, code, villageShort, households, centre, axis, radius, kind, spots, school);
        }
        return 0;
    }

    private bool Suitable(int village, Coordinate c, double radius, Kind kind, int relax)
    {
        double scale = relax == 0 ? 1 : 0.5;
        if (land.VillageAt(c) != village || valley.InStrip(c, radius + 20)) return false;
        if (land.BorderDistance(village, c) < radius * scale + 40) return false;
        if (kind != Kind.Road && land.BarrierDistance(c) < radius * scale + 25) return false;
        if (land.GuideDistance(c) < radius * scale + 15) return false;
        if (c.Distance(townCentre) < townRadius + radius + 80) return false;
        if (_hamlets.Any(h => h.Centre.Distance(c) < (h.Radius + radius + 150) * scale)) return false;
        if (relax > 0) return true;
        //-- People live low: valley floors near water first, terraces part-way up, few high up.
        double water = land.WaterDistance(c);
        double chance = kind == Kind.Terrace ? (water > 150 && water < 1800 ? 0.6 : 0.1) : 0.1 + 0.9 * Math.Exp(-water / 700);
        return rnd.NextDouble() < chance;
    }

    private (Coordinate Centre, double Axis) BesideRoad(double radius)
    {
        var road = valley.Roads[rnd.Next(valley.Roads.Count)];
        int seg = rnd.Next(road.NumPoints - 1);
        Coordinate a = road.GetCoordinateN(seg), b = road.GetCoordinateN(seg + 1);
        double t = rnd.NextDouble(), axis = Math.Atan2(b.Y - a.Y, b.X - a.X), side = rnd.Next(2) * 2 - 1, off = 40;
        var on = new Coordinate(a.X + (b.X - a.X) * t, a.Y + (b.Y - a.Y) * t);
        return (new Coordinate(on.X - side * off * Math.Sin(axis), on.Y + side * off * Math.Cos(axis)), axis + (side < 0 ? Math.PI : 0));
    }

    /// <summary>Courtyard spots with their row, nearest the centre first, that keep the natural
    /// village in one face and one village.</summary>
    private List<(Coordinate At, int Row)> Spots(int village, Coordinate centre, double axis, Kind kind, int courtyards)
    {
        int face = land.FaceAt(centre);
        var local = new List<(double Along, double Across, int Row)>();
        int wanted = (int)(courtyards * 1.6) + 4;
        if (kind == Kind.Floor)
            for (int k = 0; k < wanted; k++)
            {
                double rho = 17 * Math.Sqrt(k + 0.5), ang = k * 2.39996 + (rnd.NextDouble() - 0.5) * 0.4;
                local.Add((rho * Math.Cos(ang) * 1.25, rho * Math.Sin(ang) * 0.8, 0));
            }
        else
        {
            int rows = kind == Kind.Road ? (courtyards > 12 ? 2 : 1) : Math.Max(1, (int)Math.Round(Math.Sqrt(courtyards / 3.0)));
            int perRow = (int)Math.Ceiling(wanted / (double)rows);
            for (int j = 0; j < rows; j++)
            for (int k = 0; k < perRow; k++)
            {
                double along = (k % 2 == 0 ? 1 : -1) * ((k + 1) / 2) * 22;
                //-- Terraces follow the contour: rows 30 m apart, bending gently round the slope.
                double across = kind == Kind.Road ? j * 26 : (j - (rows - 1) / 2.0) * 30 + 0.0012 * along * along;
                local.Add((along, across, j));
            }
        }
        var spots = new List<(Coordinate At, int Row)>();
        double cos = Math.Cos(axis), sin = Math.Sin(axis);
        foreach (var (along, across, row) in local.OrderBy(p => p.Along * p.Along + p.Across * p.Across))
        {
            if (spots.Count >= courtyards) break;
            double jx = (rnd.NextDouble() - 0.5) * 8, jy = (rnd.NextDouble() - 0.5) * 8;
            var c = new Coordinate(centre.X + (along + jx) * cos - (across + jy) * sin, centre.Y + (along + jx) * sin + (across + jy) * cos);
            if (Buildable(village, face, c, 14) && spots.All(s => s.At.Distance(c) >= 16)) spots.Add((c, row));
        }
        return spots;
    }

    private bool Buildable(int village, int face, Coordinate c, double barrierClearance) =>
        land.VillageAt(c) == village && land.FaceAt(c) == face && land.BorderDistance(village, c) >= 10 && land.BarrierDistance(c) >= barrierClearance
        && land.GuideDistance(c) >= 8 && !valley.InStrip(c, 10) && land.IsFree(c, 16) && c.Distance(townCentre) > townRadius + 30;

    private int Commit(int village, string code, string villageShort, int households, Coordinate centre, double axis, double radius, Kind kind,
        List<(Coordinate At, int Row)> spots, bool school)
    {
        var name = names.NaturalVillage();
        _hamlets.Add((centre, radius, name));
        int farmsteadHouseholds = households >= 24 ? Math.Min(rnd.Next(0, 5), households / 8) : 0;
        int placed = 0, number = 0;
        foreach (var (c, _) in spots)
        {
            if (placed >= households - farmsteadHouseholds) break;
            placed += Courtyard(code, villageShort, name, ++number, c, axis, households - farmsteadHouseholds - placed);
        }
        int face = land.FaceAt(centre);
        for (int attempt = 0; attempt < 30 && placed < households; attempt++)
        {
            double ang = rnd.NextDouble() * 2 * Math.PI, d = radius + 100 + rnd.NextDouble() * 160;
            var c = new Coordinate(centre.X + d * Math.Cos(ang), centre.Y + d * Math.Sin(ang));
            if (!Buildable(village, face, c, 25) || !_hamlets.SkipLast(1).All(h => h.Centre.Distance(c) > h.Radius + 60)) continue;
            placed += Courtyard(code, villageShort, name, ++number, c, axis + ang, Math.Min(3, households - placed));
            layers.AddStreet(Fractal.Path(c, centre, rnd, 0.15, 3), "path", name + "便道");
        }
        if (school)
        {
            var c = new Coordinate(centre.X + (radius + 30) * Math.Cos(axis + Math.PI / 2), centre.Y + (radius + 30) * Math.Sin(axis + Math.PI / 2));
            if (Buildable(village, face, c, 20))
            {
                layers.AddBuilding(code, c, 36, 12, axis, 2, "school");
                land.Take(c);
            }
        }
        Streets(name, centre, axis, radius, kind, spots);
        FieldLines(name, centre, radius, face);
        return placed;
    }

    private int Courtyard(string code, string villageShort, string hamlet, int number, Coordinate c, double axis, int left)
    {
        double roll = rnd.NextDouble();
        int n = Math.Min(left, roll < 0.45 ? 1 : roll < 0.8 ? 2 : 3);
        if (n <= 0) return 0;
        var id = layers.AddBuilding(code, c, 12 + rnd.NextDouble() * 4, 8 + rnd.NextDouble() * 3, axis + (rnd.NextDouble() - 0.5) * 0.3, rnd.Next(1, 4), "residential");
        land.Take(c);
        for (int h = 1; h <= n; h++)
            layers.AddHousehold($"{id}-{h}", code, c, id, null, null, null, $"{townshipName}{villageShort}{hamlet}组{number}号", rnd.Next(1, 7));
        return n;
    }

    private void Streets(string name, Coordinate centre, double axis, double radius, Kind kind, List<(Coordinate At, int Row)> spots)
    {
        if (spots.Count == 0) return;
        double cos = Math.Cos(axis), sin = Math.Sin(axis);
        double Along(Coordinate c) => (c.X - centre.X) * cos + (c.Y - centre.Y) * sin;
        int lane = 0;
        //-- A lane threads each row 10 m below its courtyards; a clustered village gets one lane along and one across.
        if (kind == Kind.Floor)
        {
            double min = spots.Min(s => Along(s.At)) - 10, max = spots.Max(s => Along(s.At)) + 10;
            layers.AddStreet([Offset(centre, axis, min, 0), Offset(centre, axis, (min + max) / 2, 6), Offset(centre, axis, max, 0)], "lane", $"{name}{Ordinal(++lane)}巷");
            layers.AddStreet([Offset(centre, axis, 0, -radius * 0.7), Offset(centre, axis, 6, 0), Offset(centre, axis, 0, radius * 0.7)], "lane", $"{name}{Ordinal(++lane)}巷");
        }
        else
        {
            foreach (var row in spots.GroupBy(s => s.Row).OrderBy(g => g.Key))
            {
                var pts = row.OrderBy(s => Along(s.At)).Select(s => new Coordinate(s.At.X + 10 * sin, s.At.Y - 10 * cos)).ToList();
                if (pts.Count >= 2) layers.AddStreet(pts, "lane", $"{name}{Ordinal(++lane)}巷");
            }
            var ends = spots.GroupBy(s => s.Row).OrderBy(g => g.Key).Select(g => g.MinBy(s => Math.Abs(Along(s.At))).At).ToList();
            if (ends.Count >= 2) layers.AddStreet(ends, "lane", $"{name}{Ordinal(++lane)}巷");
        }
        var p = LocalFrame.Metric.CreatePoint(centre);
        var target = _roads.IsEmpty ? null : DistanceOp.NearestPoints(_roads, p)[0];
        if (target is not null && target.Distance(centre) > radius && target.Distance(centre) < 4000)
            layers.AddStreet(Fractal.Path(centre, target, rnd, 0.1, 4), "track", name + "机耕路");
        else if (_hamlets.Count > 1)
        {
            var other = _hamlets.SkipLast(1).MinBy(h => h.Centre.Distance(centre)).Centre;
            layers.AddStreet(Fractal.Path(centre, other, rnd, 0.1, 4), "track", name + "机耕路");
        }
        //-- Paths climb away from the water to the fields and woods above.
        double up = Uphill(centre);
        for (int k = 0, paths = rnd.Next(1, 3); k < paths; k++)
        {
            double ang = up + (rnd.NextDouble() - 0.5) * 1.2, len = radius + 300 + rnd.NextDouble() * 500;
            var from = new Coordinate(centre.X + radius * 0.5 * Math.Cos(ang), centre.Y + radius * 0.5 * Math.Sin(ang));
            layers.AddStreet(Fractal.Path(from, new Coordinate(centre.X + len * Math.Cos(ang), centre.Y + len * Math.Sin(ang)), rnd, 0.15, 4), "path", name + "小路");
        }
    }

    /// <summary>Terrace ditches along the contour 45 m above and below the natural village (up to 600 m
    /// each way) and three paths out to its fields (up to 500 m), each ending at the edge of its face
    /// (a gully, a stream, a ridge or a road); a path to the nearest other natural village within 1.5 km.</summary>
    private void FieldLines(string name, Coordinate centre, double radius, int face)
    {
        if (face < 0) return;
        var cell = land.Face(face);
        double up = Uphill(centre);
        foreach (var (sign, label) in new[] { (1, "上沟"), (-1, "下沟") })
        {
            var at = new Coordinate(centre.X + sign * (radius + 45) * Math.Cos(up), centre.Y + sign * (radius + 45) * Math.Sin(up));
            var ditch = ToEdge(cell, at, up + Math.PI / 2, 0.05, both: true, 600);
            if (ditch is not null && ditch.Length > 80) layers.AddStreet(ditch.Coordinates, "ditch", name + label);
        }
        double start = up + Math.PI / 2 + (rnd.NextDouble() - 0.5) * 0.4;
        for (int k = 0; k < 3; k++)
        {
            double ang = start + k * Math.PI / 2 + (rnd.NextDouble() - 0.5) * 0.3;
            var from = new Coordinate(centre.X + radius * 0.6 * Math.Cos(ang), centre.Y + radius * 0.6 * Math.Sin(ang));
            var path = ToEdge(cell, from, ang, 0.12, both: false, 500);
            if (path is not null && path.Length > 60) layers.AddStreet(path.Coordinates, "path", name + "田间小路");
        }
        var near = _hamlets.SkipLast(1).Where(h => h.Centre.Distance(centre) < 1500).OrderBy(h => h.Centre.Distance(centre)).FirstOrDefault();
        if (near.Name is not null) layers.AddStreet(Fractal.Path(centre, near.Centre, rnd, 0.12, 4), "path", $"{name}至{near.Name}小路");
    }

    /// <summary>A wandering line from <paramref name="at"/> along <paramref name="angle"/> (both ways
    /// when <paramref name="both"/>) to the edge of <paramref name="cell"/>, at most <paramref name="reach"/> metres each way.</summary>
    private LineString? ToEdge(Polygon cell, Coordinate at, double angle, double wander, bool both, double reach)
    {
        if (!cell.Contains(LocalFrame.Metric.CreatePoint(at))) return null;
        Coordinate Far(double sign) => new(at.X + sign * reach * Math.Cos(angle), at.Y + sign * reach * Math.Sin(angle));
        var pts = Fractal.Path(both ? Far(-1) : at, Far(1), rnd, wander, 4);
        var clipped = NetTopologySuite.Operation.OverlayNG.OverlayNGRobust.Overlay(LocalFrame.Metric.CreateLineString(pts.ToArray()), cell,
            NetTopologySuite.Operation.Overlay.SpatialFunction.Intersection);
        return Enumerable.Range(0, clipped.NumGeometries).Select(clipped.GetGeometryN).OfType<LineString>()
            .MinBy(l => l.Distance(LocalFrame.Metric.CreatePoint(at)));
    }

    private static Coordinate Offset(Coordinate c, double axis, double along, double across) =>
        new(c.X + along * Math.Cos(axis) - across * Math.Sin(axis), c.Y + along * Math.Sin(axis) + across * Math.Cos(axis));

    private static string Ordinal(int n) => n switch { 1 => "一", 2 => "二", 3 => "三", 4 => "四", 5 => "五", 6 => "六", 7 => "七", 8 => "八", 9 => "九", _ => Layers.Number(n) };

    /// <summary>The direction in which the distance to water grows fastest (up the slope).</summary>
    private double Uphill(Coordinate c)
    {
        double dx = land.WaterDistance(new Coordinate(c.X + 25, c.Y)) - land.WaterDistance(new Coordinate(c.X - 25, c.Y));
        double dy = land.WaterDistance(new Coordinate(c.X, c.Y + 25)) - land.WaterDistance(new Coordinate(c.X, c.Y - 25));
        return Math.Atan2(dy, dx);
    }

    /// <summary>The contour direction: across the slope.</summary>
    private double Contour(Coordinate c) => Uphill(c) + Math.PI / 2;

    private Coordinate RandomIn(Envelope e) => new(e.MinX + rnd.NextDouble() * e.Width, e.MinY + rnd.NextDouble() * e.Height);

    private enum Kind { Floor, Terrace, Road }
}
