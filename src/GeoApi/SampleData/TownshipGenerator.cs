using System.Globalization;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>Generates a mountain-valley 镇 of north-east Yunnan that a GIS clerk would take for a
/// real one: a ridge-line boundary, a river along the valley floor with tributaries up side
/// valleys, a provincial road beside the river and county roads up the side valleys (barriers),
/// the township seat (镇区) with its street grid, housing estates, market, shops and schools (one
/// urban community, 居委会), and villages (村委会) tiling the rest, each of 3–10 natural villages of
/// courtyards with lanes, farm tracks, paths and ditches (streets). Codes follow the real format
/// (county + 3-digit township + 3-digit village; 001–199 urban, 200–399 rural). The township's
/// extent is about a circle of radius max(800 m, √(households / (π·90)) km). The same seed gives
/// the same township, byte for byte.</summary>
public sealed class TownshipGenerator(int seed)
{
    /// <summary>One township around (lon, lat) with about <paramref name="households"/> households,
    /// <paramref name="urbanShare"/> of them in the township seat's community.</summary>
    /// <param name="realVillages">Real village codes and names (China division codes), used in order
    /// when given: the first community (001–199) for the township seat, the villages (200–399) for the
    /// rest; made-up codes after every real one when more villages are needed.</param>
    public GeneratedTownship Generate(string townshipCode, string name, double lon, double lat, int households, double urbanShare = 0.25,
        IReadOnlyList<(string Code, string Name)>? realVillages = null)
    {
        double radius = Math.Max(800, Math.Sqrt(households / (Math.PI * 90.0)) * 1000);
        var stem = name.TrimEnd('镇', '乡');
        var frame = new LocalFrame(lon, lat, (Stage(0).NextDouble() - 0.5) * 1.2);
        var outline = RidgeOutline.Create(radius, Stage(1));
        var town = new TownSeat((int)(households * Math.Clamp(urbanShare, 0, 1)), households, Stage(2));
        var names = new PlaceNames(Stage(3));
        var (codes, villageNames) = VillageRoll(townshipCode, stem, Math.Clamp((int)Math.Round(households / 1000.0) + 1, 2, 11), realVillages, names);
        double townU = (Stage(4).NextDouble() - 0.5) * 0.25 * outline.EnvelopeInternal.Width / 2;
        var valley = new Valley(outline, radius, townU, town.HalfWidth, stem + "河", names, Stage(5));
        town.Place(valley, townU);

        var (villagesLonLat, townshipLonLat, ridges) = VillageTiling.Create(outline, valley, town.Extent, codes.Length, radius, frame, Stage(6));
        (codes, villageNames) = (codes[..villagesLonLat.Count], villageNames[..villagesLonLat.Count]);
        var villages = villagesLonLat.Select(v => (Polygon)frame.ToLocal(v)).ToList();
        var drainage = new Drainage(villages, valley, town.Extent, names, Stage(9));
        var barriers = valley.Lines.SelectMany(l => Parts(OverlayNGRobust.Overlay(l.Line, outline, SpatialFunction.Intersection)).Select(p => (Line: p, l.Kind, l.Name))).ToList();
        var water = barriers.Where(b => b.Kind == "river").Select(b => b.Line).Concat(drainage.Streams.Select(s => s.Line)).ToList();
        var land = new LandUse(outline, villages, barriers.Select(b => b.Line).ToList(), water, drainage.Streams.Concat(drainage.Gullies).Select(s => s.Line).ToList());

        var layers = new Layers(frame, townshipCode, outline);
        int placed = town.Build(layers, land, valley, codes[0], name, names, Stage(7));
        var rural = new RuralSettlement(layers, land, valley, names, Stage(8), name, town.Centre, town.HalfDiagonal);
        //-- Villages differ in size as real ones do (about 0.55–1.45 times the mean, more where there is
        //-- more land); the community around the seat farms too, but less: half a share when it has a town.
        var size = Stage(10);
        double meanArea = villages.Average(v => v.Area);
        var weights = codes.Select((_, v) => (v == 0 && urbanShare > 0 ? 0.5 : 1.0) * (0.55 + 0.9 * size.NextDouble()) * Math.Sqrt(villages[v].Area / meanArea)).ToArray();
        for (int v = 0; v < codes.Length; v++)
            placed += rural.Build(v, codes[v], Short(villageNames[v]), (int)Math.Round((households - placed) * weights[v] / weights[v..].Sum()));
        foreach (var (line, ditchName) in valley.Ditches) layers.AddStreet(line.Coordinates, "ditch", ditchName);
        foreach (var (line, streamName) in drainage.Streams.Concat(drainage.Gullies)) layers.AddStreet(line.Coordinates, "stream", streamName);
        AddRidgePaths(layers, ridges, valley, names);

        var township = new TownshipInput(townshipCode, name, LocalFrame.LonLat.CreateMultiPolygon([townshipLonLat]));
        var villageInputs = villagesLonLat.Select((v, i) => new VillageInput(codes[i], villageNames[i], LocalFrame.LonLat.CreateMultiPolygon([v]))).ToList();
        //-- Barriers run on 50 m past the boundary, as a clipped road layer does, so they cut the township on the 1e-7° grid too.
        var reach = outline.Buffer(50);
        var barrierOut = valley.Lines.SelectMany(l => Parts(OverlayNGRobust.Overlay(l.Line, reach, SpatialFunction.Intersection)).Select(p => (Line: p, l.Kind, l.Name)))
            .Select((b, i) => new GeneratedBarrier($"R{townshipCode}{i + 1:D3}", frame.Line(b.Line), b.Kind, b.Name)).ToList();
        return new GeneratedTownship(township, villageInputs, layers.Buildings, layers.Households, barrierOut, layers.Streets);
    }

    /// <summary>People walk the spur ridges that part the villages: a farm track (机耕路) across the
    /// valley floor, then a path (小路) along the crest up to the pass on the township's ridge.</summary>
    private static void AddRidgePaths(Layers layers, List<LineString> ridges, Valley valley, PlaceNames names)
    {
        var river = valley.Lines[0].Line;
        foreach (var ridge in ridges)
        {
            var name = names.Ridge();
            var pts = ridge.Coordinates;
            int foot = Array.FindIndex(pts, c => river.Distance(LocalFrame.Metric.CreatePoint(c)) > 250);
            if (foot < 0) foot = pts.Length - 1;
            layers.AddStreet(pts[..(foot + 1)], "track", name + "机耕路");
            layers.AddStreet(pts[foot..], "path", name + "小路");
        }
    }

    //-- One random stream per stage, so a change in one stage leaves the others' draws alone.
    private Random Stage(int stage) => new(unchecked(seed * 7919 + stage * 104729));

    private static IEnumerable<LineString> Parts(Geometry g) =>
        Enumerable.Range(0, g.NumGeometries).Select(g.GetGeometryN).OfType<LineString>().Where(l => l.Length > 1);

    /// <summary>"新桥村民委员会" → "新桥村", "木卓社区居民委员会" → "木卓社区", as addresses write them.</summary>
    private static string Short(string villageName) => villageName
        .Replace("社区居民委员会", "社区", StringComparison.Ordinal).Replace("居民委员会", "社区", StringComparison.Ordinal)
        .Replace("村民委员会", "村", StringComparison.Ordinal).Replace("村委会", "村", StringComparison.Ordinal);

    /// <summary>The community (index 0) and <paramref name="villages"/> villages: real codes and names
    /// first, then made-up ones after every real code, never reusing one.</summary>
    private static (string[] Codes, string[] Names) VillageRoll(string townshipCode, string stem, int villages,
        IReadOnlyList<(string Code, string Name)>? real, PlaceNames names)
    {
        real ??= [];
        foreach (var r in real) names.Reserve(Short(r.Name).TrimEnd('村'));
        static bool Urban(string code) => string.CompareOrdinal(code[9..], "200") < 0;
        var codes = new string[villages + 1];
        var labels = new string[villages + 1];
        var community = real.FirstOrDefault(r => Urban(r.Code));
        (codes[0], labels[0]) = community.Code is null ? (townshipCode + "001", stem + "社区居民委员会") : community;
        var rural = real.Where(r => !Urban(r.Code)).ToList();
        var used = new HashSet<string>(real.Select(r => r.Code), StringComparer.Ordinal);
        int serial = 200;
        for (int v = 1; v <= villages; v++)
        {
            if (v - 1 < rural.Count)
            {
                (codes[v], labels[v]) = rural[v - 1];
                continue;
            }
            do serial++; while (used.Contains(townshipCode + serial.ToString("D3", CultureInfo.InvariantCulture)) || rural.Any(r => string.CompareOrdinal(r.Code[9..], serial.ToString("D3", CultureInfo.InvariantCulture)) >= 0));
            codes[v] = townshipCode + serial.ToString("D3", CultureInfo.InvariantCulture);
            labels[v] = names.VillageStem() + "村民委员会";
        }
        return (codes, labels);
    }
}
