using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Quality;

/// <summary>The coverage figures of one township's territories measured again after a few of them
/// changed (a local recompute's report), from the changed ones alone. <see cref="ExactCoverage"/>
/// shows a coverage exact from its edges: the territories' rings, each counter-clockwise around its
/// polygon, leave over segments that form the rings of one valid polygonal geometry. Replacing some
/// territories by others whose leftover segments are the same (each valid) leaves every point's
/// winding number as it was, so the coverage stays exact with the same union and gap. Territories are
/// told apart by object (carried over, they are the same objects, <see cref="MetricTerritories"/>);
/// when the territories before were not shown exact, or the edges differ, the whole coverage is
/// measured again. One instance serves one township's territories at one level (micro-grid units, or grids).</summary>
internal sealed class CoverageChanges
{
    private readonly Lock _lock = new();
    private HashSet<Geometry>? _territories;
    private QualityReporter.CoverageFigures? _figures;
    private Geometry? _township;

    /// <summary>Measured incrementally since this instance was made.</summary>
    internal int Incremental { get; private set; }

    /// <summary>As <see cref="QualityReporter.Coverage"/> gives them for <paramref name="territories"/>.</summary>
    public QualityReporter.CoverageFigures Measure(IReadOnlyList<Geometry> territories, Geometry township, QualityReporter.CoverageFigures? known)
    {
        lock (_lock)
        {
            var now = new HashSet<Geometry>(territories.Count, ReferenceEqualityComparer.Instance);
            int nonEmpty = 0;
            foreach (var t in territories) if (!t.IsEmpty) { now.Add(t); nonEmpty++; }
            //-- A territory given twice overlaps itself: only the whole measure sees that.
            if (now.Count == nonEmpty && _figures is { Exact: true } before && ReferenceEquals(_township, township) && _territories is { } was
                && SameEdges(was.Where(t => !now.Contains(t)), now.Where(t => !was.Contains(t))))
            {
                _territories = now;
                Incremental++;
                return before;
            }
            var figures = QualityReporter.Coverage(territories, township, known);
            (_territories, _figures, _township) = (now, figures, township);
            return figures;
        }
    }

    /// <summary>Whether the added polygons are valid and leave over the same segments as the removed ones.</summary>
    private static bool SameEdges(IEnumerable<Geometry> removed, IEnumerable<Geometry> added)
    {
        var gone = ExactCoverage.OpenSegments(removed.ToList());
        var come = ExactCoverage.OpenSegments(added.ToList());
        return gone is not null && come is not null && gone.Count == come.Count && gone.All(s => come.TryGetValue(s.Key, out var n) && n == s.Value);
    }
}
