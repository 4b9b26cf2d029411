using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.MicroGrids;
using NetTopologySuite.Geometries;
using CoverageUnion = NetTopologySuite.Coverage.CoverageUnion;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The codes after an edit (DESIGN §2): a grid or cell that keeps its place keeps its
/// codes; a new grid (split piece) and a new or moved cell take the next free serials of their
/// parent from the township's <see cref="CodeRegistry"/>, in the editor's reading order
/// (<see cref="ReadingOrder.SortInMetreRows"/>). A moved cell keeps its kind and floors; a piece
/// split off a micro-grid is a cluster. Every new micro-grid names the one it came from.</summary>
internal sealed class EditCodes
{
    /// <summary>The code of every grid of the scope.</summary>
    public required Dictionary<GridKey, string> GridCode { get; init; }

    /// <summary>The micro-grids of every new cell, with their grid and lon/lat territory.</summary>
    public required Dictionary<FaceOwner, List<MicroGrid>> MicroOfCell { get; init; }

    /// <summary>The codes each new micro-grid came from.</summary>
    public required Dictionary<string, List<string>> Predecessors { get; init; }

    /// <exception cref="EditException">A parent has used all 999 serials.</exception>
    public static EditCodes Of(EditScope scope, EditedTerritories territories, CodeRegistry registry)
    {
        var faces = scope.Faces;
        var cells = scope.Cells;
        string Serial(string parentCode) => registry.HasFreeSerial(parentCode)
            ? registry.Issue(parentCode)
            : throw new EditException(422, "code", $"{parentCode} has used all 999 serials.", parentCode);

        var gridCode = new Dictionary<GridKey, string>();
        var grids = faces.Select(f => f.Grid).Distinct().ToList();
        foreach (var g in grids.OfType<ExistingGrid>()) gridCode[g] = g.Code;
        var newGrids = ReadingOrder.SortInMetreRows(grids.OfType<NewGrid>(),
            g => CoverageUnion.Union(faces.Where(f => f.Grid == g).Select(f => (Geometry)f.Metric).ToArray()).InteriorPoint.Coordinate);
        foreach (var g in newGrids) gridCode[g] = Serial(scope.Parent);

        var microOfCell = new Dictionary<FaceOwner, List<MicroGrid>>();
        var predecessors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var cellGrid = faces.GroupBy(f => f.Target).ToDictionary(g => g.Key, g => gridCode[g.First().Grid]);
        var owners = territories.Metric.Keys.ToList();
        foreach (var owner in owners.OfType<OldCell>())
            microOfCell[owner] = cells[owner.Cell].Micro.Select(m => m with { GridCode = cellGrid[owner], Territory = territories.LonLat[owner] }).ToList();
        foreach (var owner in ReadingOrder.SortInMetreRows(owners.Where(o => o is not OldCell), o => territories.Metric[o].InteriorPoint.Coordinate))
        {
            var grid = cellGrid[owner];
            var first = cells[faces.First(f => f.Target == owner).Cell];
            Cell? source = owner is MovedCell moved ? cells[moved.Cell] : null;
            var list = new List<MicroGrid>();
            foreach (var m in source is not null ? source.Micro : [first.Micro[0]])
            {
                var code = Serial(grid);
                predecessors[code] = [m.Code];
                list.Add(m with
                {
                    Code = code, GridCode = grid, VillageCode = first.Village, Territory = territories.LonLat[owner], Pinned = false,
                    Kind = source is null ? MicroGridKind.Cluster : m.Kind, BuildingId = source is null ? null : m.BuildingId,
                    FloorFrom = source is null ? null : m.FloorFrom, FloorTo = source is null ? null : m.FloorTo, Unit = source is null ? null : m.Unit,
                });
            }
            microOfCell[owner] = list;
        }
        return new EditCodes { GridCode = gridCode, MicroOfCell = microOfCell, Predecessors = predecessors };
    }
}
