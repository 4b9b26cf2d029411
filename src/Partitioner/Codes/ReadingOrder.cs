using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Codes;

/// <summary>Reading order inside a parent, as the Beijing unit-grid standard (DB11/T 2157-2023)
/// numbers units: rows from north to south, west to east within a row. A row is as high as a
/// typical child (√(parent area / children)), so a ragged row still reads left to right.</summary>
public static class ReadingOrder
{
    public static List<T> Sort<T>(IReadOnlyList<T> items, Func<T, Coordinate> position, Func<T, string> tieBreak, double parentArea, double northY)
    {
        if (items.Count == 0) return [];
        double rowHeight = Math.Max(1e-9, Math.Sqrt(Math.Max(parentArea, 1e-9) / items.Count));
        return items
            .OrderBy(i => Math.Floor((northY - position(i).Y) / rowHeight))
            .ThenBy(i => position(i).X)
            .ThenBy(tieBreak, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The order in which an edit numbers the units it creates: rows one metre high
    /// (northing rounded to the metre), north to south, west to east within a row; ties keep the
    /// given order.</summary>
    //-- Not the rows of Sort (a typical child high): the editor has always numbered this way, and
    //-- one rule for both would renumber the units of edits replayed from the same input.
    public static List<T> SortInMetreRows<T>(IEnumerable<T> items, Func<T, Coordinate> position) => items
        .Select(i => (Item: i, At: position(i)))
        .OrderByDescending(x => Math.Round(x.At.Y))
        .ThenBy(x => x.At.X)
        .Select(x => x.Item)
        .ToList();

    public static string Serial(int n) => n is >= 1 and <= 999
        ? n.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)
        : throw new InvalidOperationException($"Serial {n} is outside 001–999: a parent has too many children.");
}
