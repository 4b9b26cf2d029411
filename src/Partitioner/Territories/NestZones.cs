using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Territories;

/// <summary>The departmental units a partition nests in (<see cref="NestInput"/>), in metres:
/// their borders, cut into the township as barriers, and the zone of a point — 1 + the index (in
/// code order) of the first unit holding it, so land of two units belongs to the smaller code,
/// and 0 for land outside every unit, which is a zone of its own. Faces, territories' orphan land
/// and the units of the nesting level never join across zones.</summary>
internal sealed class NestZones
{
    private readonly STRtree<(int Zone, IndexedPointInAreaLocator Locator)> _index = new();

    private NestZones(NestLevel level, List<Geometry> units)
    {
        Level = level;
        Units = units;
        for (int i = 0; i < units.Count; i++) _index.Insert(units[i].EnvelopeInternal, (i + 1, new IndexedPointInAreaLocator(units[i])));
        _index.Build();
    }

    public NestLevel Level { get; }

    /// <summary>The units' areas in metres, in code order (zone i + 1 is unit i).</summary>
    public IReadOnlyList<Geometry> Units { get; }

    /// <summary>Metres within which a unit's border is taken to run along the township's outline.</summary>
    private const double SnapM = 0.01;

    /// <summary>The units' borders, cut into the township with the barriers: snapped to its outline
    /// within <see cref="SnapM"/>, so a border drawn along it (or along the land of a local recompute,
    /// whose vertices came back from lon/lat micrometres off) runs on it rather than a hair beside it.</summary>
    public IEnumerable<Geometry> BordersIn(Geometry township) =>
        Units.Select(u => NetTopologySuite.Operation.Overlay.Snap.GeometrySnapper.Snap(u.Boundary, township.Boundary, SnapM)[0]);

    /// <summary>The zones of <paramref name="input"/>'s nesting layer, or null when it does not nest.</summary>
    public static NestZones? Of(PartitionInput input, MetricProjection projection) =>
        input.Nest is { } nest
            ? new NestZones(nest.Level, nest.Units.OrderBy(u => u.Code, StringComparer.Ordinal).Select(u => projection.Forward(u.Area)).ToList())
            : null;

    /// <summary>The zone of a point of a face's interior: its first unit by code, or 0 outside every unit.</summary>
    public int ZoneOf(Coordinate at)
    {
        int best = 0;
        foreach (var (zone, locator) in _index.Query(new Envelope(at)))
            if ((best == 0 || zone < best) && locator.Locate(at) == Location.Interior) best = zone;
        return best;
    }
}
