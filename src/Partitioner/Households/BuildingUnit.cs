using System.Globalization;
using System.Text;

namespace GridSpatial.Partitioner.Households;

/// <summary>A building's unit (单元, a stairwell) as households name it: the text without
/// surrounding spaces, none when blank. Units sort naturally: by the number they carry first
/// ("2" before "3单元" before "10"), then by their text (ordinal); units without a number after
/// the numbered ones, households without a unit last.</summary>
public static class BuildingUnit
{
    /// <summary>Units in their natural order (<see cref="SortKey"/>).</summary>
    public static IComparer<string?> Order { get; } = Comparer<string?>.Create((x, y) => string.CompareOrdinal(SortKey(x), SortKey(y)));

    /// <summary>The unit as the partition uses it: trimmed, null when blank.</summary>
    public static string? Normalize(string? unit) => string.IsNullOrWhiteSpace(unit) ? null : unit.Trim();

    /// <summary>A string whose ordinal order is the natural order of units: "0" + the digit
    /// count (3 digits) + the first number's digits without leading zeros + "|" + the text for a
    /// numbered unit, "1|" + the text for one without a number, "2" for none. ASCII and
    /// full-width digits count.</summary>
    public static string SortKey(string? unit)
    {
        unit = Normalize(unit);
        if (unit is null) return "2";
        var digits = new StringBuilder();
        foreach (var c in unit)
        {
            int d = c is >= '0' and <= '9' ? c - '0' : c is >= '０' and <= '９' ? c - '０' : -1;
            if (d >= 0) digits.Append((char)('0' + d));
            else if (digits.Length > 0) break;
        }
        if (digits.Length == 0) return "1|" + unit;
        var number = digits.ToString().TrimStart('0');
        if (number.Length == 0) number = "0";
        return $"0{number.Length.ToString("D3", CultureInfo.InvariantCulture)}{number}|{unit}";
    }
}
