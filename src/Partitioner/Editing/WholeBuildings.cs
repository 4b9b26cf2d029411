namespace GridSpatial.Partitioner.Editing;

/// <summary>After a grid edit, a building or floor micro-grid goes whole to the grid holding most
/// of its area (then the smallest grid): a building's households are never split.</summary>
internal static class WholeBuildings
{
    public static void Apply(EditScope scope)
    {
        foreach (var group in scope.Faces.Where(f => scope.Cells[f.Cell].Atomic).GroupBy(f => f.Cell))
        {
            var grid = group.GroupBy(f => f.Grid).OrderByDescending(g => g.Sum(f => f.Metric.Area)).ThenBy(g => g.Key).First().Key;
            foreach (var f in group) f.Grid = grid;
        }
    }
}
