using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;

namespace GridSpatial.Partitioner.Territories;

/// <summary>The previous partition's micro-grid territories in the metric CRS, to find which one
/// holds a point (floor runs of one building share a territory: the smallest code answers).</summary>
internal sealed class PreviousTerritories
{
    private readonly STRtree<(string Code, IndexedPointInAreaLocator Locator)> _index = new();

    private PreviousTerritories() { }

    public static PreviousTerritories Of(PreviousPartition previous, LonLatRestorer restorer)
    {
        var result = new PreviousTerritories();
        foreach (var m in previous.MicroGrids.Where(m => m.Territory is { IsEmpty: false }).OrderBy(m => m.Code, StringComparer.Ordinal))
        {
            var metric = restorer.Forward(m.Territory!);
            result._index.Insert(metric.EnvelopeInternal, (m.Code, new IndexedPointInAreaLocator(metric)));
        }
        return result;
    }

    public string? Holding(Coordinate at) => _index.Query(new Envelope(at))
        .Where(x => x.Locator.Locate(at) != Location.Exterior)
        .Select(x => x.Code).Order(StringComparer.Ordinal).FirstOrDefault();
}
