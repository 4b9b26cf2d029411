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

    public static string Serial(int n) => n is >= 1 and <= 999
        ? n.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)
        : throw new InvalidOperationException($"Serial {n} is outside 001–999: a parent has too many children.");
}
