namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>Which attribute of a Shapefile, GeoPackage, CSV or XLSX is which field of a layer:
/// Chinese and English headers GIS offices use map to the fields by default (户编号/户号 → id,
/// 楼栋 → building_id, 单元 → unit, 楼层 → floor, 房号 → room, 地址 → address, 人口/人数 →
/// persons, 经度/纬度 → lon/lat, X/Y → x/y, and a Shapefile's ten-character cuts such as
/// <c>building_i</c>); an explicit <c>列名=field</c> overrides them. Other attributes keep their
/// names and are stored with the feature's properties.</summary>
public sealed class ColumnMap
{
    private static readonly Dictionary<string, string> Defaults = Build(new()
    {
        ["id"] = ["户编号", "户号", "户编码", "编号", "household_id", "household_i", "hh_id"],
        ["building_id"] = ["楼栋", "楼栋号", "楼栋编号", "楼栋id", "建筑编号", "building_i", "buildingid", "building"],
        ["unit"] = ["单元", "单元号"],
        ["floor"] = ["楼层", "所在楼层", "层"],
        ["floors"] = ["层数", "总层数"],
        ["room"] = ["房号", "房间号", "门牌号"],
        ["address"] = ["地址", "住址", "详细地址"],
        ["persons"] = ["人口", "人数", "户人口", "人口数", "population"],
        ["name"] = ["名称", "村名", "乡镇名称", "村名称"],
        ["code"] = ["代码", "编码", "区划代码", "统计用区划代码"],
        ["kind"] = ["类型", "类别"],
        ["use"] = ["用途"],
        ["village_code"] = ["村代码", "village_co"],
        ["lon"] = ["经度", "lng", "long", "longitude"],
        ["lat"] = ["纬度", "latitude"],
        ["x"] = ["东坐标", "easting"],
        ["y"] = ["北坐标", "northing"],
    });

    private readonly Dictionary<string, string> _explicit;

    private ColumnMap(Dictionary<string, string> explicitMap) => _explicit = explicitMap;

    /// <summary>The default mapping alone.</summary>
    public static ColumnMap Default { get; } = new(new(StringComparer.OrdinalIgnoreCase));

    /// <summary>The defaults overridden by <c>列名=field</c> pairs.</summary>
    /// <exception cref="ArgumentException">A pair is not <c>column=field</c>.</exception>
    public static ColumnMap Parse(IEnumerable<string>? pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pairs ?? [])
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            var column = eq > 0 ? pair[..eq].Trim() : "";
            var field = eq > 0 ? pair[(eq + 1)..].Trim() : "";
            if (column.Length == 0 || field.Length == 0)
                throw new ArgumentException($"列映射应写作 列名=字段，如 户编号=id（不是 '{pair}'）。A column mapping is column=field, e.g. 户编号=id (not '{pair}').");
            map[column] = field;
        }
        return map.Count == 0 ? Default : new ColumnMap(map);
    }

    /// <summary>The field a column holds: its explicit mapping, its default, else its own name.</summary>
    public string FieldOf(string column)
    {
        var name = column.Trim();
        if (_explicit.TryGetValue(name, out var f)) return f;
        return Defaults.GetValueOrDefault(name) ?? name;
    }

    private static Dictionary<string, string> Build(Dictionary<string, string[]> byField)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (field, columns) in byField)
        {
            map[field] = field;
            foreach (var c in columns) map[c] = field;
        }
        return map;
    }
}
