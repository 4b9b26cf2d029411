using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing;

/// <summary>What an edit may change: every cell under the edited units' parent (the grid of a
/// micro-grid, the village of a grid), cut into faces by the cells' boundaries and the edit's own
/// linework. Units outside the scope are never touched.</summary>
internal sealed class EditScope
{
    public required Partition Current { get; init; }
    public required Edit Edit { get; init; }
    public required bool GridLevel { get; init; }

    /// <summary>The parent's code: a grid code for a micro-grid edit, a village code for a grid edit.</summary>
    public required string Parent { get; init; }

    /// <summary>The cells, in the ordinal order of their keys (a micro-grid's code; grid and building for floor runs).</summary>
    public required IReadOnlyList<Cell> Cells { get; init; }

    /// <summary>The cell of the edited micro-grid (the first named); null in a grid edit.</summary>
    public required Cell? Edited { get; init; }

    /// <summary>The drawn polygon or line in metres, for a redraw or a split.</summary>
    public required Geometry? Drawn { get; init; }

    /// <summary>Every face lies in one cell; each cell is covered by its faces.</summary>
    public required List<Face> Faces { get; init; }

    public string EditedCode => Edit.Codes[0];

    /// <summary>The codes of a merge, as named.</summary>
    /// <exception cref="EditException">Fewer than two different codes.</exception>
    public IReadOnlyList<string> CodesToMerge() => Edit.Codes.Distinct(StringComparer.Ordinal).Count() >= 2 ? Edit.Codes
        : throw new EditException(422, "codes", "A merge needs at least two different codes.");

    /// <summary>The scope of <paramref name="edit"/>, whose codes are current and of one level.</summary>
    /// <exception cref="EditException">Codes under different parents; a geometry the edit cannot use.</exception>
    public static EditScope Of(Partition current, Edit edit, bool gridLevel, LonLatRestorer restorer, MetricProjection projection)
    {
        string ParentOf(string code) => gridLevel
            ? current.Grids.First(g => g.Code == code).VillageCode
            : current.MicroGrids.First(m => m.Code == code).GridCode;
        string parent = ParentOf(edit.Codes[0]);
        foreach (var c in edit.Codes)
            if (ParentOf(c) != parent)
                throw new EditException(422, "codes", $"{c} is not under {parent} like {edit.Codes[0]}: only siblings can be merged.", c);
        var cells = current.MicroGrids
            .Where(m => gridLevel ? m.VillageCode == parent : m.GridCode == parent)
            .GroupBy(m => m.Kind == MicroGridKind.Floor ? $"{m.GridCode}|{m.BuildingId}" : m.Code, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select((g, i) => new Cell
            {
                Index = i, Micro = g.OrderBy(m => m.Code, StringComparer.Ordinal).ToList(), Grid = g.First().GridCode,
                Village = g.First().VillageCode, Metric = restorer.ToMetric(g.First().Territory),
            })
            .ToList();
        var edited = gridLevel ? null : cells.Single(c => c.Micro.Any(m => m.Code == edit.Codes[0]));
        var drawn = EditLinework.Of(edit, edited, projection);
        return new EditScope
        {
            Current = current, Edit = edit, GridLevel = gridLevel, Parent = parent, Cells = cells, Edited = edited, Drawn = drawn,
            Faces = ScopeFaces.Of(cells, drawn),
        };
    }
}
