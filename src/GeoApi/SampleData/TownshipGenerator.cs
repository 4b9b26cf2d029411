using System.Globalization;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Triangulate;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>Generates a realistic Chinese 镇: villages (村委会) of hamlets strung along roads
/// and a river, courtyards of 1–3 households, a few isolated farms, and one urban community
/// (居委会) of mid- and high-rise buildings (6–30 floors, several households per floor) at the
/// township seat. Codes follow the real format (county + 3-digit township + 3-digit village;
/// village 001–199 urban, 200–399 rural). Fully deterministic for a given seed.</summary>
public sealed class TownshipGenerator(int seed)
{
    private static readonly string[] VillageNames = ["木卓", "茶卓", "六井", "银屏", "新桥", "环山", "墨黑", "红岩", "青松", "大坪", "小河", "龙潭"];
    private static readonly string[] HamletNames = ["上寨", "下寨", "中寨", "大院", "小院", "坪子", "湾子", "岩脚", "河边", "坡头", "沟头", "垭口"];

    private readonly GeometryFactory _factory = new(new PrecisionModel(1e7), 4326);

    /// <summary>One township around (lon, lat) with about <paramref name="households"/> households,
    /// <paramref name="urbanShare"/> of them in the urban community.</summary>
    /// <param name="realVillages">Real village codes and names (China division codes), used in order
    /// when given: the first for the urban community, the rest for the villages around it.</param>
    public GeneratedTownship Generate(string townshipCode, string name, double lon, double lat, int households, double urbanShare = 0.25,
        IReadOnlyList<(string Code, string Name)>? realVillages = null)
    {
        var rnd = new Random(seed);
        double radius = Math.Max(800, Math.Sqrt(households / (Math.PI * 90.0)) * 1000);
        double kx = 111320 * Math.Cos(lat * Math.PI / 180), ky = 110540;
        Coordinate ToLonLat(double x, double y) => new(Math.Round(lon + x / kx, 7), Math.Round(lat + y / ky, 7));
        var metric = new GeometryFactory();

        // Township outline: a perturbed ellipse.
        double p1 = rnd.NextDouble() * 6.28, p2 = rnd.NextDouble() * 6.28;
        var ring = new List<Coordinate>();
        for (int i = 0; i < 64; i++)
        {
            double t = i * 2 * Math.PI / 64;
            double r = radius * (1 + 0.14 * Math.Sin(3 * t + p1) + 0.07 * Math.Sin(5 * t + p2));
            ring.Add(new Coordinate(r * Math.Cos(t) * 1.15, r * Math.Sin(t) * 0.9));
        }
        ring.Add(ring[0].Copy());
        var outline = metric.CreatePolygon(ring.ToArray());

        // Villages: Voronoi cells of a ring of seats around the urban community at the centre.
        int villageCount = Math.Clamp(households / 800 + 3, 3, VillageNames.Length);
        var seats = new List<Coordinate> { new(0, 0) };
        for (int v = 0; v < villageCount; v++)
        {
            double t = (v + 0.3 * rnd.NextDouble()) * 2 * Math.PI / villageCount;
            seats.Add(new Coordinate(Math.Cos(t) * radius * 0.6, Math.Sin(t) * radius * 0.5));
        }
        var voronoi = new VoronoiDiagramBuilder();
        voronoi.SetSites(seats);
        voronoi.ClipEnvelope = new Envelope(-4 * radius, 4 * radius, -4 * radius, 4 * radius);
        var cells = voronoi.GetDiagram(metric);
        var villageShapes = new Geometry[seats.Count];
        for (int i = 0; i < cells.NumGeometries; i++)
        {
            var cell = cells.GetGeometryN(i);
            int k = seats.FindIndex(s => s.Equals2D((Coordinate)cell.UserData));
            var clipped = OverlayNGRobust.Overlay(cell, outline, SpatialFunction.Intersection);
            //-- The urban community is the inner part of the centre cell; the rest goes to its neighbours below.
            villageShapes[k] = clipped;
        }
        var urbanCore = metric.CreatePoint(new Coordinate(0, 0)).Buffer(radius * 0.18, 8);
        var urbanShape = OverlayNGRobust.Overlay(villageShapes[0], urbanCore, SpatialFunction.Intersection);
        var leftover = OverlayNGRobust.Overlay(villageShapes[0], urbanCore, SpatialFunction.Difference);
        villageShapes[0] = urbanShape;
        // Hand the rest of the centre cell to the villages around it, piece by piece.
        for (int i = 0; i < leftover.NumGeometries; i++)
        {
            var piece = leftover.GetGeometryN(i);
            int best = Enumerable.Range(1, villageCount)
                .MaxBy(v => OverlayNGRobust.Overlay(villageShapes[v].Boundary, piece.Boundary, SpatialFunction.Intersection).Length);
            villageShapes[best] = OverlayNGRobust.Union(metric.BuildGeometry([villageShapes[best], piece]));
        }

        var villageCodes = new string[seats.Count];
        var villageNames = new string[seats.Count];
        villageCodes[0] = townshipCode + "001";
        villageNames[0] = name.TrimEnd('镇', '乡') + "社区居民委员会";
        for (int v = 1; v <= villageCount; v++)
        {
            villageCodes[v] = townshipCode + (200 + v).ToString(CultureInfo.InvariantCulture);
            villageNames[v] = VillageNames[(v - 1 + seed) % VillageNames.Length] + "村民委员会";
        }
        if (realVillages is not null)
        {
            for (int v = 0; v < Math.Min(realVillages.Count, villageCodes.Length); v++)
                (villageCodes[v], villageNames[v]) = realVillages[v];
            //-- More villages than the real list: made-up codes after every real one, never a real one.
            var used = new HashSet<string>(realVillages.Select(r => r.Code), StringComparer.Ordinal);
            int serial = 200;
            for (int v = realVillages.Count; v < villageCodes.Length; v++)
            {
                do serial++; while (used.Contains(townshipCode + serial.ToString("D3", CultureInfo.InvariantCulture)));
                villageCodes[v] = townshipCode + serial.ToString("D3", CultureInfo.InvariantCulture);
            }
        }

        // Barriers: a main road west to east, a river north to south, roads to each village seat.
        var barriers = new List<(LineString Line, string Kind, string Name)>();
        barriers.Add((Wiggle(metric, new Coordinate(-2.2 * radius, -0.1 * radius), new Coordinate(2.2 * radius, 0.15 * radius), radius * 0.06, rnd), "road", "G356国道"));
        barriers.Add((Wiggle(metric, new Coordinate(0.25 * radius, 2 * radius), new Coordinate(-0.2 * radius, -2 * radius), radius * 0.1, rnd), "river", "白水江"));
        for (int v = 1; v <= villageCount; v++)
        {
            var roadName = $"{VillageNames[(v - 1 + seed) % VillageNames.Length]}村道";
            barriers.Add((Wiggle(metric, new Coordinate(0, 0), seats[v], radius * 0.03, rnd), "road", roadName));
            //-- A branch from the seat outwards, towards the township edge.
            double t = Math.Atan2(seats[v].Y, seats[v].X) + (rnd.NextDouble() - 0.5);
            barriers.Add((Wiggle(metric, seats[v], new Coordinate(Math.Cos(t) * radius * 1.05, Math.Sin(t) * radius * 0.95), radius * 0.05, rnd), "road", roadName));
        }

        var buildings = new List<GeneratedBuilding>();
        var homes = new List<GeneratedHousehold>();
        var villageLocators = villageShapes.Select(g => new NetTopologySuite.Algorithm.Locate.IndexedPointInAreaLocator(g)).ToArray();
        int VillageAt(Coordinate c)
        {
            for (int v = 0; v < villageLocators.Length; v++)
                if (villageLocators[v].Locate(c) == Location.Interior) return v;
            return -1;
        }
        var nearRoad = barriers.Select(b => b.Line).ToList();
        bool ClearOfBarriers(Coordinate c, double d) => nearRoad.All(l => l.Distance(metric.CreatePoint(c)) > d);
        int buildingSerial = 0;

        // Urban community: blocks of mid- and high-rise buildings.
        int urbanTarget = (int)(households * urbanShare);
        int urbanHouseholds = 0;
        for (int row = 0; urbanHouseholds < urbanTarget && row < 40; row++)
        for (int col = 0; col < 8 && urbanHouseholds < urbanTarget; col++)
        {
            var c = new Coordinate((col - 3.5) * 75 + rnd.NextDouble() * 8, (row % 2 == 0 ? 1 : -1) * (60 + (row / 2) * 55) + rnd.NextDouble() * 8);
            if (VillageAt(c) != 0 || !ClearOfBarriers(c, 40)) continue;
            int floors = rnd.Next(6, 31);
            int perFloor = rnd.Next(2, 7);
            var id = $"B{villageCodes[0]}{++buildingSerial:D5}";
            buildings.Add(new GeneratedBuilding(id, villageCodes[0], Rect(c, 50, 14, 0, ToLonLat), floors, "residential"));
            var at = _factory.CreatePoint(ToLonLat(c.X, c.Y));
            int units = perFloor > 3 ? 2 : 1;
            for (int f = 1; f <= floors; f++)
            for (int k = 1; k <= perFloor; k++)
            {
                int unit = (k - 1) * units / perFloor + 1;
                var room = $"{f}{k:D2}";
                homes.Add(new GeneratedHousehold($"{id}-{f:D2}{k:D2}", villageCodes[0], at, id, f, unit.ToString(CultureInfo.InvariantCulture), room,
                    $"{villageNames[0]}{row + 1}栋{unit}单元{room}室", rnd.Next(1, 6)));
                urbanHouseholds++;
            }
        }

        // Villages: hamlets of courtyards strung along a direction, a few isolated farms.
        int ruralTarget = households - urbanHouseholds;
        int perVillage = ruralTarget / villageCount;
        for (int v = 1; v <= villageCount; v++)
        {
            int target = v == villageCount ? ruralTarget - perVillage * (villageCount - 1) : perVillage;
            int placed = 0, hamlet = 0, guard = 0;
            var env = villageShapes[v].EnvelopeInternal;
            while (placed < target && guard++ < 10000)
            {
                var centre = new Coordinate(env.MinX + rnd.NextDouble() * env.Width, env.MinY + rnd.NextDouble() * env.Height);
                double dir = rnd.NextDouble() * Math.PI;
                bool farm = rnd.NextDouble() < 0.04;
                if (!farm && rnd.NextDouble() < 0.75)
                {
                    //-- Most hamlets string along a road or the river, a little off it.
                    var line = nearRoad[rnd.Next(nearRoad.Count)];
                    var seg = rnd.Next(line.NumPoints - 1);
                    var a = line.GetCoordinateN(seg);
                    var b = line.GetCoordinateN(seg + 1);
                    double u = rnd.NextDouble(), side = rnd.NextDouble() < 0.5 ? -1 : 1;
                    dir = Math.Atan2(b.Y - a.Y, b.X - a.X);
                    double off = side * (25 + rnd.NextDouble() * 40);
                    centre = new Coordinate(a.X + (b.X - a.X) * u - off * Math.Sin(dir), a.Y + (b.Y - a.Y) * u + off * Math.Cos(dir));
                }
                if (VillageAt(centre) != v) continue;
                int courtyards = farm ? 1 : rnd.Next(6, 40);
                hamlet++;
                var hamletName = HamletNames[(hamlet - 1) % HamletNames.Length] + (hamlet > HamletNames.Length ? (hamlet / HamletNames.Length + 1).ToString(CultureInfo.InvariantCulture) : "");
                for (int k = 0; k < courtyards && placed < target; k++)
                {
                    double along = (k - courtyards / 2.0) * (22 + rnd.NextDouble() * 10);
                    double across = (rnd.NextDouble() - 0.5) * 40;
                    var c = new Coordinate(centre.X + along * Math.Cos(dir) - across * Math.Sin(dir), centre.Y + along * Math.Sin(dir) + across * Math.Cos(dir));
                    if (VillageAt(c) != v || !ClearOfBarriers(c, 6)) continue;
                    double roll = rnd.NextDouble();
                    int n = Math.Min(target - placed, roll < 0.5 ? 1 : roll < 0.85 ? 2 : 3);
                    var id = $"B{villageCodes[v]}{++buildingSerial:D5}";
                    buildings.Add(new GeneratedBuilding(id, villageCodes[v], Rect(c, 14, 10, dir, ToLonLat), rnd.Next(1, 4), "residential"));
                    var at = _factory.CreatePoint(ToLonLat(c.X, c.Y));
                    for (int h = 1; h <= n; h++)
                        homes.Add(new GeneratedHousehold($"{id}-{h}", villageCodes[v], at, id, null, null, null,
                            $"{villageNames[v].Replace("村民委员会", "村", StringComparison.Ordinal)}{hamletName}组{k + 1}号", rnd.Next(1, 7)));
                    placed += n;
                }
            }
        }

        var township = new TownshipInput(townshipCode, name, ToLonLatGeometry(outline, ToLonLat));
        var villages = Enumerable.Range(0, seats.Count)
            .Select(v => new VillageInput(villageCodes[v], villageNames[v], ToLonLatGeometry(villageShapes[v], ToLonLat)))
            .ToList();
        var barrierOut = barriers
            .Select((b, i) => (b, clipped: OverlayNGRobust.Overlay(b.Line, outline, SpatialFunction.Intersection)))
            .Where(x => !x.clipped.IsEmpty)
            .Select((x, i) => new GeneratedBarrier($"R{townshipCode}{i + 1:D3}", ToLonLatGeometry(x.clipped, ToLonLat), x.b.Kind, x.b.Name))
            .ToList();
        return new GeneratedTownship(township, villages, buildings, homes, barrierOut);
    }

    private static LineString Wiggle(GeometryFactory f, Coordinate a, Coordinate b, double amplitude, Random rnd)
    {
        var pts = new List<Coordinate>();
        int n = 24;
        double phase = rnd.NextDouble() * 6.28;
        double dx = b.X - a.X, dy = b.Y - a.Y, len = Math.Sqrt(dx * dx + dy * dy);
        for (int i = 0; i <= n; i++)
        {
            double t = i / (double)n;
            double off = amplitude * Math.Sin(t * 3 * Math.PI + phase) * (i == 0 || i == n ? 0 : 1);
            pts.Add(new Coordinate(a.X + dx * t - dy / len * off, a.Y + dy * t + dx / len * off));
        }
        return f.CreateLineString(pts.ToArray());
    }

    private Polygon Rect(Coordinate c, double w, double h, double angle, Func<double, double, Coordinate> toLonLat)
    {
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        var corners = new[] { (-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2), (-w / 2, -h / 2) }
            .Select(p => toLonLat(c.X + p.Item1 * cos - p.Item2 * sin, c.Y + p.Item1 * sin + p.Item2 * cos))
            .ToArray();
        return _factory.CreatePolygon(corners);
    }

    private Geometry ToLonLatGeometry(Geometry metric, Func<double, double, Coordinate> toLonLat)
    {
        var g = Partitioner.Projection.CoordinateMapper.Map(metric, c => toLonLat(c.X, c.Y), _factory);
        if (g is Polygon p) g = _factory.CreateMultiPolygon([p]);
        return g.IsValid ? g : NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(g);
    }
}
