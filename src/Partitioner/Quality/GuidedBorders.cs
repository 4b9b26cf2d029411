using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Quality;

/// <summary>DESIGN §5 <c>border_on_guides_share</c>: of the internal border length of a coverage
/// of territories, the share within <see cref="Reach"/> of a guide (a street or barrier line),
/// all in the metric CRS. Internal border is territory boundary that is not township outline
/// (boundary within <see cref="OutlineTolerance"/> of it is outline), each piece counted once:
/// half the sum over territories, so a border shared by two territories counts once and a stack
/// of floor runs must be passed as one territory. Exact: each boundary segment is cut where it
/// enters and leaves the outline's and the guides' reach (<see cref="SegmentReach"/>); a segment
/// two territories share (vertex for vertex, as in a noded coverage) is measured once and is
/// never outline, having territory on both sides.</summary>
internal sealed class GuidedBorders
{
    /// <summary>Metres.</summary>
    public const double Reach = 10;

    /// <summary>Metres: territories are noded on a micrometre grid while the outline keeps the
    /// township's own vertices, so their outline edges lie a hair off it.</summary>
    public const double OutlineTolerance = 1e-3;

    private readonly SegmentReach _guides;
    private readonly SegmentReach _outline;

    /// <summary>Each segment's figures once measured, when the instance serves many partitions of
    /// one township (a local recompute's report: most segments are those of unchanged territories).</summary>
    private readonly Dictionary<(Segment, bool Shared), (double Inside, double Guided)>? _measured;

    /// <param name="remember">Keep each segment's figures for later calls (the same segment gives
    /// the same figures, so the shares are identical to measuring afresh); calls are then serialised.</param>
    public GuidedBorders(Geometry township, IEnumerable<Geometry> guides, bool remember = false)
    {
        _guides = new SegmentReach(guides, Reach);
        _outline = new SegmentReach([township.Boundary], OutlineTolerance);
        if (remember) _measured = [];
    }

    /// <summary>Rounded to 4 places; null without guides (no streets, no barriers) or without
    /// internal border (a single territory).</summary>
    public double? ShareOf(IEnumerable<Geometry> territories)
    {
        if (_guides.IsEmpty) return null;
        if (_measured is null) return Share(territories);
        lock (_measured) return Share(territories);
    }

    private double? Share(IEnumerable<Geometry> territories)
    {
        var times = new Dictionary<Segment, int>();
        foreach (var t in territories)
            for (int i = 0; i < t.NumGeometries; i++)
                if (t.GetGeometryN(i) is Polygon p)
                {
                    Count(p.ExteriorRing, times);
                    foreach (var hole in p.InteriorRings) Count(hole, times);
                }

        double border = 0, guided = 0;
        foreach (var (s, n) in times)
        {
            var (inside, near) = Measure(s, n > 1);
            if (inside <= 0) continue;
            double length = s.A.Distance(s.B) * n;
            border += length * inside;
            guided += length * near;
        }
        return border > 0 ? Math.Round(guided / border, 4) : null;
    }

    private readonly List<(double From, double To)> _none = [], _onOutline = [], _near = [];

    /// <summary>The share of a segment off the outline, and the share near a guide and off the outline.</summary>
    private (double Inside, double Guided) Measure(Segment s, bool shared)
    {
        if (_measured is not null && _measured.TryGetValue((s, shared), out var known)) return known;
        //-- A segment two territories share has territory on both sides: it is not outline.
        var onOutline = shared ? _none : _outline.Near(s.A, s.B, _onOutline);
        double inside = 1 - Intervals.Length(onOutline);
        var figures = (inside, 0.0);
        if (inside > 0)
        {
            _guides.Near(s.A, s.B, _near);
            figures = (inside, Intervals.Length(_near) - Intervals.Common(_near, onOutline));
        }
        _measured?.Add((s, shared), figures);
        return figures;
    }

    private static void Count(LineString ring, Dictionary<Segment, int> times)
    {
        var seq = ring.CoordinateSequence;
        for (int i = 1; i < seq.Count; i++)
        {
            var s = Segment.Of(seq.GetCoordinate(i - 1), seq.GetCoordinate(i));
            if (s is { } key) times[key] = times.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>A segment either way round: its endpoints in coordinate order.</summary>
    private readonly record struct Segment(Coordinate A, Coordinate B)
    {
        public static Segment? Of(Coordinate a, Coordinate b)
        {
            int c = a.CompareTo(b);
            return c == 0 ? null : c < 0 ? new Segment(a, b) : new Segment(b, a);
        }
    }
}
