using GridSpatial.Partitioner.Editing.Rules;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing;

/// <summary>Applies one staff edit to a published partition and returns the next version, with
/// the coverage kept valid: the territories of the units under the edited unit's parent (the
/// grid of a micro-grid, the village of a grid) and the edit's own linework are noded together
/// on the partitioner's 1 µm grid and polygonized into faces; every face is given an owner by
/// the edit's rule, and each unit becomes the union of its faces. Units nothing moved into or
/// out of keep their geometry bit for bit, and vertices that were there before come back
/// exactly (<see cref="LonLatRestorer"/>), so the result tiles the parent with no gap and no
/// overlap. Households follow containment; codes follow DESIGN §2 (a unit that keeps its place
/// keeps its code, new units take the next free serial, vanished codes are retired with their
/// successors).</summary>
/// <remarks>The steps, each a class that states its guarantee: <see cref="EditScope"/> (cells and
/// faces), the kind's <see cref="IEditRule"/>, <see cref="WholeBuildings"/>,
/// <see cref="FragmentAbsorber"/>, <see cref="MovedCells"/>, then <see cref="EditedPartition"/>
/// (territories, households, codes, history, report).
/// Building and floor micro-grids are never cut (a building's households are never
/// split): a grid edit gives such a micro-grid whole to the grid holding most of its area, and
/// they cannot be split by a line.</remarks>
public sealed class PartitionEditor(PartitionOptions options)
{
    /// <summary>The partition after <paramref name="edit"/>, written as <paramref name="context"/>'s version.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A version before the edited partition's.</exception>
    /// <exception cref="EditException">An unknown code (404), or an edit the coverage rules refuse (400, 422).</exception>
    public Partition Apply(Partition current, EditContext context, Edit edit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context.Version, current.Version, nameof(context));
        if (edit.Codes.Count == 0) throw new EditException(400, "codes", "Name the unit to edit.");
        var projection = MetricProjection.For(context.Township.Boundary);
        var restorer = new LonLatRestorer(projection, TownshipPartitioner.Precision);
        var townshipMetric = restorer.Forward(context.Township.Boundary);

        var microCodes = current.MicroGrids.ToDictionary(m => m.Code, m => m, StringComparer.Ordinal);
        var gridCodes = current.Grids.ToDictionary(g => g.Code, g => g, StringComparer.Ordinal);
        foreach (var c in edit.Codes)
            if (!microCodes.ContainsKey(c) && !gridCodes.ContainsKey(c))
                throw new EditException(404, "code", $"{c} is not a grid or micro-grid of the current version {current.Version}.", c);
        bool gridLevel = edit.Codes[0].Length == 15;
        if (edit.Codes.Any(c => (c.Length == 15) != gridLevel))
            throw new EditException(422, "codes", "Grids and micro-grids cannot be edited together.");
        if (edit.Kind == EditKind.Pin) return Pin(current, edit, gridLevel, context.Version);

        var scope = EditScope.Of(current, edit, gridLevel, restorer, projection);
        //-- Households in metres, once: splits, containment and the report all use them.
        var metricHouseholds = context.Households.Select(h => projection.Forward(h.Location)).ToArray();
        var lineage = new EditLineage();
        EditRules.For(edit.Kind, gridLevel).Apply(scope, metricHouseholds, lineage);
        if (gridLevel) WholeBuildings.Apply(scope);
        FragmentAbsorber.Apply(scope);
        MovedCells.Mark(scope);
        var edited = EditedPartition.Build(scope, context, townshipMetric, restorer, projection, metricHouseholds, lineage, options);
        return edit.PinDrawn && edit.Kind is EditKind.Redraw or EditKind.Split ? PinDrawn(current, edited, edit, gridLevel) : edited;
    }

    //-- What staff drew: the named unit and, after a split, the pieces with codes new at its level.
    private static Partition PinDrawn(Partition current, Partition edited, Edit edit, bool gridLevel)
    {
        var before = gridLevel ? current.Grids.Select(g => g.Code) : current.MicroGrids.Select(m => m.Code);
        var drawn = new HashSet<string>(edit.Codes, StringComparer.Ordinal);
        if (edit.Kind == EditKind.Split)
            drawn.UnionWith((gridLevel ? edited.Grids.Select(g => g.Code) : edited.MicroGrids.Select(m => m.Code)).Except(before, StringComparer.Ordinal));
        return edited with
        {
            Grids = gridLevel ? edited.Grids.Select(g => drawn.Contains(g.Code) ? g with { Pinned = true } : g).ToList() : edited.Grids,
            MicroGrids = gridLevel ? edited.MicroGrids : edited.MicroGrids.Select(m => drawn.Contains(m.Code) ? m with { Pinned = true } : m).ToList(),
        };
    }

    /// <summary>After an automatic recompute: gives every pinned unit back the territory staff
    /// drew (grids first, then micro-grids), as redraws of the fresh partition written as its own
    /// version. A pinned unit whose code the recompute did not keep, or whose boundary no longer
    /// fits its parent, is reported in <paramref name="skipped"/> and left as recomputed.</summary>
    public Partition KeepPinned(Partition fresh, TownshipInput township, IReadOnlyList<HouseholdInput> households,
        IReadOnlyList<(string Code, Geometry Territory)> pinned, IReadOnlyDictionary<string, string>? previousAssignments, List<string> skipped)
        => new PinnedUnits(this).Keep(fresh, township, households, pinned, previousAssignments, skipped);

    private static Partition Pin(Partition current, Edit edit, bool gridLevel, int version)
    {
        var codes = new HashSet<string>(edit.Codes, StringComparer.Ordinal);
        return current with
        {
            Version = version,
            Grids = gridLevel ? current.Grids.Select(g => codes.Contains(g.Code) ? g with { Pinned = edit.Pinned } : g).ToList() : current.Grids,
            MicroGrids = gridLevel ? current.MicroGrids : current.MicroGrids.Select(m => codes.Contains(m.Code) ? m with { Pinned = edit.Pinned } : m).ToList(),
            Report = current.Report with { Version = version },
        };
    }
}
