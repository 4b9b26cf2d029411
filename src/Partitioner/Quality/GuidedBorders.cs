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
    /// internal border (a single territory). With <paramref name="tally"/> (an instance that
    /// remembers, serving one level of one township's partitions), only the segments of the
    /// territories that changed since the tally's last coverage are counted again.</summary>
    public double? ShareOf(IEnumerable<Geometry> territories, Tally? tally = null)
    {
        if (_guides.IsEmpty) return null;
        if (_measured is null) return Share(territories, new Tally());
        lock (_measured) return Share(territories, tally ?? new Tally());
    }

    /// <summary>A coverage's boundary segments with how many of its territories have each, and the
    /// border and guided lengths they add up to, in nanometres (whole numbers: a sum that segments
    /// leave and join again is the same in any order, as measuring afresh gives it).</summary>
    internal sealed class Tally
    {
        internal HashSet<Geometry>? Territories;
        internal readonly Dictionary<Segment, int> Times = [];
        internal long Border, Guided;

        /// <summary>Territories counted again since the last whole count.</summary>
        internal int Recounted { get; set; }
    }

    private double? Share(IEnumerable<Geometry> territories, Tally tally)
    {
        var list = territories as IReadOnlyCollection<Geometry> ?? territories.ToList();
        var now = new HashSet<Geometry>(list, ReferenceEqualityComparer.Instance);
        //-- Counted from the changes only when the last count stands whole and no territory is given twice
        //-- (a whole count counts it twice); a count cut short by an exception is thrown away.
        var was = now.Count == list.Count ? tally.Territories : null;
        tally.Territories = null;
        if (was is not null)
        {
            foreach (var t in was) if (!now.Contains(t)) { Count(t, -1, tally); tally.Recounted++; }
            foreach (var t in now) if (!was.Contains(t)) { Count(t, +1, tally); tally.Recounted++; }
        }
        else
        {
            //-- A whole count: each segment's times first, then its lengths once (measuring is the cost).
            tally.Times.Clear();
            (tally.Border, tally.Guided) = (0, 0);
            foreach (var t in list) Count(t, +1, tally, measure: false);
            foreach (var (s, n) in tally.Times)
            {
                var (border, guided) = Lengths(s, n);
                tally.Border += border;
                tally.Guided += guided;
            }
        }
        tally.Territories = now.Count == list.Count ? now : null;
        return tally.Border > 0 ? Math.Round(tally.Guided / (double)tally.Border, 4) : null;
    }

    /// <summary>Adds (<paramref name="sign"/> +1) or takes away (-1) a territory's boundary segments.</summary>
    /// <remarks>With <paramref name="measure"/>, the tally's lengths follow; else only the times do.</remarks>
    private void Count(Geometry t, int sign, Tally tally, bool measure = true)
    {
        for (int i = 0; i < t.NumGeometries; i++)
            if (t.GetGeometryN(i) is Polygon p)
            {
                Count(p.ExteriorRing, sign, tally, measure);
                foreach (var hole in p.InteriorRings) Count(hole, sign, tally, measure);
            }
    }

    private void Count(LineString ring, int sign, Tally tally, bool measure)
    {
        var seq = ring.CoordinateSequence;
        for (int i = 1; i < seq.Count; i++)
        {
            if (Segment.Of(seq.GetCoordinate(i - 1), seq.GetCoordinate(i)) is not { } s) continue;
            int was = tally.Times.GetValueOrDefault(s), now = was + sign;
            if (!measure)
            {
                tally.Times[s] = now;
                continue;
            }
            var (border, guided) = Lengths(s, was);
            var (border2, guided2) = Lengths(s, now);
            tally.Border += border2 - border;
            tally.Guided += guided2 - guided;
            if (now == 0) tally.Times.Remove(s);
            else tally.Times[s] = now;
        }
    }

    /// <summary>The internal border and guided length a segment had by <paramref name="times"/> territories adds, in nanometres.</summary>
    private (long Border, long Guided) Lengths(Segment s, int times)
    {
        if (times <= 0) return (0, 0);
        var (inside, near) = Measure(s, times > 1);
        if (inside <= 0) return (0, 0);
        double length = s.A.Distance(s.B) * times;
        return ((long)Math.Round(length * inside * Nanometres), (long)Math.Round(length * near * Nanometres));
    }

    /// <summary>Per metre: a township's border (thousands of kilometres at most) stays far below <see cref="long.MaxValue"/> nanometres.</summary>
    private const double Nanometres = 1e9;

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

    /// <summary>A segment either way round: its endpoints in coordinate order.</summary>
    internal readonly record struct Segment(Coordinate A, Coordinate B)
    {
        public static Segment? Of(Coordinate a, Coordinate b)
        {
            int c = a.CompareTo(b);
            return c == 0 ? null : c < 0 ? new Segment(a, b) : new Segment(b, a);
        }
    }
}
