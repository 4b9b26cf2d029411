using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>The township's drainage and trunk roads in the local frame: a meandering river along
/// the valley floor (the u axis) across the whole township, a provincial road beside it on the
/// north bank (60–110 m off, never crossing it), tributaries up side valleys that end below the
/// ridge, and a county road up each side valley beside its tributary (a few run on over the
/// ridge to the next township). Tributaries and county roads never cross each other, so the only
/// closed faces they make are with the trunk lines.</summary>
internal sealed class Valley
{
    private const double Step = 40;
    private readonly double _u0;
    private readonly double[] _river, _road;
    private readonly List<(LineString Line, string Kind, string Name)> _lines = [];
    private readonly List<(LineString Line, string Name)> _ditches = [];

    public Valley(Polygon outline, double radius, double townU, double townHalfWidth, string riverName, PlaceNames names, Random rnd)
    {
        var env = outline.EnvelopeInternal;
        _u0 = env.MinX - 400;
        int n = (int)Math.Ceiling((env.MaxX + 400 - _u0) / Step) + 1;
        double p1 = rnd.NextDouble() * 6.28, p2 = rnd.NextDouble() * 6.28, p3 = rnd.NextDouble() * 6.28;
        _river = new double[n];
        _road = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u = _u0 + i * Step;
            _river[i] = 0.07 * radius * Math.Sin(2 * Math.PI * u / (1.8 * radius) + p1) + 0.02 * radius * Math.Sin(2 * Math.PI * u / (0.5 * radius) + p2);
            _road[i] = _river[i] + 60 + 50 * (0.5 + 0.5 * Math.Sin(2 * Math.PI * u / Math.Max(700, 0.9 * radius) + p3));
        }
        var river = Line(_river);
        _lines.Add((river, "river", riverName));
        _lines.Add((Line(_road), "road", $"S{rnd.Next(201, 330)}省道"));
        Waterways.Add(river);
        Roads.Add(_lines[1].Line);

        int tributaries = Math.Clamp((int)Math.Round(radius / 1400) + 1, 2, 6);
        double a = env.Width / 2, slot = 1.5 * a / tributaries;
        int side = rnd.Next(2) * 2 - 1;
        for (int t = 0; t < tributaries; t++, side = -side)
        {
            double u = -0.75 * a + (t + 0.2 + 0.6 * rnd.NextDouble()) * slot;
            //-- No side valley opens into the town: near it, tributaries come from the south bank.
            int s = Math.Abs(u - townU) < townHalfWidth + 300 ? -1 : side;
            AddSideValley(outline, u, s, through: t < tributaries / 3, names, rnd);
        }
        AddValleyDitches(a, rnd, names);
    }

    public IReadOnlyList<(LineString Line, string Kind, string Name)> Lines => _lines;

    /// <summary>The main river and its tributaries.</summary>
    public List<LineString> Waterways { get; } = [];

    /// <summary>The provincial road and the county roads.</summary>
    public List<LineString> Roads { get; } = [];

    /// <summary>Irrigation ditches (沟渠) beside the rivers: streets, not barriers.</summary>
    public IReadOnlyList<(LineString Line, string Name)> Ditches => _ditches;

    public double RiverV(double u) => Interpolate(_river, u);

    public double RoadV(double u) => Interpolate(_road, u);

    /// <summary>Whether a point lies in the narrow strip between the river and the provincial road
    /// (with a margin), where nobody builds.</summary>
    public bool InStrip(Coordinate c, double margin) => c.Y > RiverV(c.X) - margin && c.Y < RoadV(c.X) + margin;

    private void AddSideValley(Polygon outline, double u, int side, bool through, PlaceNames names, Random rnd)
    {
        double phi = (55 + 25 * rnd.NextDouble()) * Math.PI / 180;
        var dir = new Coordinate((u >= 0 ? 1 : -1) * Math.Cos(phi), side * Math.Sin(phi));
        var mouth = new Coordinate(u, RiverV(u));
        double reach = 0;
        while (outline.Contains(LocalFrame.Metric.CreatePoint(Along(mouth, dir, reach + 25)))) reach += 25;
        double length = reach * (0.55 + 0.25 * rnd.NextDouble());
        if (length < 150) return;
        var stream = LocalFrame.Metric.CreateLineString(Fractal.Path(mouth, Along(mouth, dir, length), rnd, 0.1, 5).ToArray());

        //-- The county road is the stream moved 80 m sideways (towards the township's centre), so the two never meet.
        var normal = new Coordinate(-dir.Y, dir.X);
        if (normal.X * u > 0) normal = new Coordinate(-normal.X, -normal.Y);
        var shifted = stream.Coordinates.Select(p => Along(p, normal, 80)).ToList();
        int first = shifted.FindIndex(p => side > 0 ? p.Y > RoadV(p.X) + 20 : p.Y < RiverV(p.X) - 20);
        var streamName = names.Stream();
        _lines.Add((stream, "river", streamName));
        Waterways.Add(stream);
        if (first >= 0)
        {
            var road = new List<Coordinate> { new(shifted[first].X, RoadV(shifted[first].X)) };
            road.AddRange(shifted.Skip(first));
            if (through)
                for (double d = 100; d < 3 * reach; d += 100)
                {
                    road.Add(Along(shifted[^1], dir, d));
                    if (!outline.Contains(LocalFrame.Metric.CreatePoint(road[^1]))) break;
                }
            var line = Truncate(road, _lines.Skip(2).Select(l => l.Line).ToList());
            if (line is not null)
            {
                _lines.Add((line, "road", $"X{rnd.Next(1, 99):D3}县道"));
                Roads.Add(line);
            }
        }
        //-- A ditch follows the lower part of the stream on the side away from its road.
        var ditch = stream.Coordinates.Select(p => Along(p, normal, -45)).Where(p => side > 0 ? p.Y > RoadV(p.X) + 30 : p.Y < RiverV(p.X) - 30).ToList();
        if (ditch.Count > 8) _ditches.Add((LocalFrame.Metric.CreateLineString(ditch.Take(ditch.Count * 3 / 5).ToArray()), streamName + "灌渠"));
    }

    private void AddValleyDitches(double a, Random rnd, PlaceNames names)
    {
        for (double u = -a + rnd.NextDouble() * 300; u < a; u += 0.2 * a + rnd.NextDouble() * 0.35 * a)
        {
            double end = u + 0.12 * a + rnd.NextDouble() * 0.2 * a, off = 110 + 60 * rnd.NextDouble();
            var pts = new List<Coordinate>();
            for (double x = u; x <= end; x += Step) pts.Add(new Coordinate(x, RiverV(x) - off));
            if (pts.Count >= 2) _ditches.Add((LocalFrame.Metric.CreateLineString(pts.ToArray()), names.Stream().TrimEnd('沟', '河', '箐') + "大沟"));
        }
    }

    /// <summary>The road up to 40 m before it would meet one of <paramref name="others"/>, or null when too short.</summary>
    private static LineString? Truncate(List<Coordinate> road, List<LineString> others)
    {
        for (int i = 1; i < road.Count; i++)
        {
            var seg = LocalFrame.Metric.CreateLineString([road[i - 1], road[i]]);
            //-- The first segment may cross the trunk river (a bridge); other lines end the road.
            if (!others.Any(o => o.Intersects(seg))) continue;
            road = road.Take(Math.Max(0, i - 1)).ToList();
            break;
        }
        return road.Count >= 3 ? LocalFrame.Metric.CreateLineString(road.ToArray()) : null;
    }

    private LineString Line(double[] v) =>
        LocalFrame.Metric.CreateLineString(v.Select((y, i) => new Coordinate(_u0 + i * Step, y)).ToArray());

    private double Interpolate(double[] v, double u)
    {
        double t = Math.Clamp((u - _u0) / Step, 0, v.Length - 1.000001);
        int i = (int)t;
        return v[i] + (v[i + 1] - v[i]) * (t - i);
    }

    private static Coordinate Along(Coordinate p, Coordinate dir, double d) => new(p.X + dir.X * d, p.Y + dir.Y * d);
}
