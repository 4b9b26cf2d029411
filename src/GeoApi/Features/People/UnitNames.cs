namespace GridSpatial.GeoApi.Features.People;

/// <summary>Names a clerk would read when nobody has named a unit: a grid is its village and
/// serial (木卓村第3网格), a micro-grid its grid and serial (木卓村第3网格第2微网格), or, when it is
/// one building or some floors of one, the building (its name or address when the building layer
/// has one) with the unit (单元) and floors (木卓村幸福苑3栋1单元1–6层). A village's formal name
/// loses its committee suffix (木卓村民委员会 → 木卓村, 幸福社区居民委员会 → 幸福社区); a township
/// without villages (segment 000) lends its own name.</summary>
public sealed class UnitNames(string townshipName, IReadOnlyDictionary<string, string> villages, IReadOnlyDictionary<string, UnitRow> units,
    IReadOnlyDictionary<string, string> buildings)
{
    public string Default(string code)
    {
        if (code.Length == 15) return $"{Village(code[..12])}第{Serial(code)}网格";
        var unit = units.GetValueOrDefault(code);
        if (unit?.BuildingId is { } b && unit.Kind is "building" or "floor")
        {
            var building = buildings.TryGetValue(b, out var label) ? Village(code[..12]) + label : $"{Default(code[..15])}{b}楼栋";
            var unitPart = unit.Unit is { Length: > 0 } u ? $"{u}单元" : "";
            var floors = unit.FloorFrom is { } f && unit.FloorTo is { } t ? (f == t ? $"{f}层" : $"{f}–{t}层") : "";
            return building + unitPart + floors;
        }
        return $"{Default(code[..15])}第{Serial(code)}微网格";
    }

    private string Village(string code)
    {
        if (!villages.TryGetValue(code, out var name)) return townshipName;
        foreach (var (suffix, keep) in new[] { ("村民委员会", "村"), ("居民委员会", ""), ("村委会", "村"), ("居委会", "") })
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length)
                return name[..^suffix.Length] + (name[..^suffix.Length].EndsWith(keep, StringComparison.Ordinal) ? "" : keep);
        return name;
    }

    private static int Serial(string code) => int.Parse(code[^3..], System.Globalization.CultureInfo.InvariantCulture);
}
