using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The units a staff edit would make cross a border of the departmental layer the township
/// nests in (多网合一): of the units at the nesting level (grids for <c>grid</c>, micro-grids for
/// <c>micro_grid</c>) that the edit added or reshaped, those no longer inside one unit of the layer
/// (<see cref="LayerUnits"/>: but for a sliver) where what they came from was. A unit that crossed
/// before the edit (a partition made before the township nested, land in the layer's gaps), or a
/// piece split from one, is not the edit's doing and is not named.</summary>
public static class LayerCrossings
{
    /// <param name="Units">The layer's units holding more than a sliver of the unit, in code order.</param>
    public sealed record Crossing(string Code, string Level, IReadOnlyList<string> Units);

    /// <summary>The crossings <paramref name="after"/> has that <paramref name="before"/> had not, among <paramref name="changed"/> (codes added or reshaped).</summary>
    public static IReadOnlyList<Crossing> Of(Partition before, Partition after, IReadOnlySet<string> changed, NestInput nest, Geometry townshipBoundary)
    {
        var units = new LayerUnits(nest, townshipBoundary);
        var (old, now) = nest.Level == NestLevel.Grid
            ? (before.Grids.Select(g => (g.Code, g.Territory)).ToList(), after.Grids.Select(g => (g.Code, g.Territory)).ToList())
            : (before.MicroGrids.Select(m => (m.Code, m.Territory)).ToList(), after.MicroGrids.Select(m => (m.Code, m.Territory)).ToList());
        var oldByCode = old.ToDictionary(u => u.Code, u => u.Territory, StringComparer.Ordinal);
        var crossings = new List<Crossing>();
        foreach (var (code, territory) in now.Where(u => changed.Contains(u.Code)).OrderBy(u => u.Code, StringComparer.Ordinal))
        {
            if (units.Nests(territory)) continue;
            //-- What it came from: itself before, or (a new code) the units whose land it took.
            List<Geometry> sources = oldByCode.TryGetValue(code, out var was) ? [was]
                : old.Where(u => u.Territory.EnvelopeInternal.Intersects(territory.EnvelopeInternal) && u.Territory.Relate(territory, "2********"))
                    .Select(u => u.Territory).ToList();
            if (sources.All(units.Nests))
                crossings.Add(new Crossing(code, nest.LevelName, units.Holding(territory)));
        }
        return crossings;
    }
}
