using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;

namespace GridSpatial.Partitioner.Territories;

/// <summary>The previous partition's micro-grid territories in the metric CRS, projected once: the
/// territory of a code, and which one holds a point.</summary>
internal sealed class PreviousTerritories
{
    private readonly STRtree<(string Code, IndexedPointInAreaLocator Locator)> _index = new();
    private readonly Dictionary<string, Geometry> _metric = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IndexedPointInAreaLocator> _locator = new(StringComparer.Ordinal);

    private PreviousTerritories() { }

    public static PreviousTerritories Of(PreviousPartition previous, LonLatRestorer restorer)
    {
        var result = new PreviousTerritories();
        foreach (var m in previous.MicroGrids.Where(m => m.Territory is { IsEmpty: false }).OrderBy(m => m.Code, StringComparer.Ordinal))
        {
            var metric = restorer.Forward(m.Territory!);
            result._metric[m.Code] = metric;
            var locator = new IndexedPointInAreaLocator(metric);
            result._locator[m.Code] = locator;
            result._index.Insert(metric.EnvelopeInternal, (m.Code, locator));
        }
        return result;
    }

    /// <summary>The micro-grid's territory (metric), or null when it had none.</summary>
    public Geometry? Of(string code) => _metric.GetValueOrDefault(code);

    /// <summary>Whether the micro-grid's territory holds <paramref name="at"/> (its edge included).</summary>
    public bool Holds(string code, Coordinate at) => _locator.TryGetValue(code, out var l) && l.Locate(at) != Location.Exterior;

    /// <summary>The smallest of <paramref name="among"/> whose territory holds <paramref name="at"/>, or null.</summary>
    public string? Holding(Coordinate at, IReadOnlySet<string> among) => _index.Query(new Envelope(at))
        .Where(x => among.Contains(x.Code) && x.Locator.Locate(at) != Location.Exterior)
        .Select(x => x.Code).Order(StringComparer.Ordinal).FirstOrDefault();
}
