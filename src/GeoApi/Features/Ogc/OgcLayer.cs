using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>One OGC API – Features collection over a table: what a feature's id is, which
/// rows are current, its geometry (and its JSON Schema format) and its properties.</summary>
public sealed record OgcLayer(string Id, string Title, string Description, string From, string FeatureId, string Geometry,
    string GeometryFormat, IReadOnlyList<OgcProperty> Properties)
{
    /// <summary>The name of the geometry queryable (Part 3: the spatial property a filter names).</summary>
    public const string GeometryName = "geometry";

    /// <summary>The row's township code, for the township filter and the caller's jurisdiction.</summary>
    public string TownshipColumn => Id == "townships" ? "x.code" : "x.township_code";

    /// <summary>The property named <paramref name="name"/>, or null.</summary>
    public OgcProperty? Property(string name) => Properties.FirstOrDefault(p => p.Name == name);

    /// <summary>The arguments of <c>json_build_object</c> for <paramref name="selected"/>: <c>'code', x.code, …</c>.</summary>
    public static string JsonProperties(IEnumerable<OgcProperty> selected) => string.Join(", ", selected.Select(p => $"'{p.Name}', {p.Sql}"));

    //-- Chinese titles, one per property name across the collections.
    private static readonly Dictionary<string, string> Titles = new()
    {
        ["code"] = "代码", ["name"] = "名称", ["kind"] = "类型", ["urban"] = "城镇（居委会/街道）", ["county_code"] = "所属县级代码",
        ["township_code"] = "所属乡镇/街道代码", ["village_code"] = "所属村/社区代码", ["grid_code"] = "所属网格代码",
        ["household_count"] = "户数", ["building_id"] = "楼栋编号", ["floor_from"] = "起始楼层", ["floor_to"] = "终止楼层",
        ["unit"] = "单元", ["pinned"] = "已锁定（自动重算不改动）", ["version"] = "划分版本", ["id"] = "编号", ["floor"] = "楼层",
        ["room"] = "房号", ["address"] = "地址", ["persons"] = "人数", ["floors"] = "层数", ["use"] = "用途",
        ["layer"] = "部门图层", ["title"] = "图层显示名",
    };

    private static OgcProperty P(string name, QueryableType type, IReadOnlyList<string>? values = null) => new(name, "x." + name, type, Titles[name], values);

    private static IEnumerable<OgcProperty> Published(PublishedLayer layer) => layer.Columns.Select(c => P(c.Name,
        c.GeoPackageType.StartsWith("INTEGER", StringComparison.Ordinal) ? QueryableType.WholeNumber : QueryableType.Text,
        c.Name == "kind" ? ["cluster", "building", "floor"] : null));

    private const QueryableType S = QueryableType.Text, I = QueryableType.WholeNumber, B = QueryableType.Boolean;

    public static readonly IReadOnlyList<OgcLayer> All =
    [
        new("townships", "Townships (乡镇/街道)", "Township-level units with their 9-digit codes.",
            "township x", "x.code", "x.geom", "geometry-multipolygon",
            [P("code", S), P("name", S), P("kind", S, ["subdistrict", "town", "township", "other"]), P("urban", B), P("county_code", S)]),
        new("villages", "Villages and communities (村/居委会)", "12-digit village units.",
            "village x", "x.code", "x.geom", "geometry-multipolygon",
            [P("code", S), P("name", S), P("township_code", S), P("urban", B)]),
        new("grids", "Grids (网格)", "Grids of the current partition version of every township.",
            PublishedLayer.Grids.CurrentView + " x", "x.code", "x.geom", "geometry-multipolygon",
            [.. Published(PublishedLayer.Grids), P("township_code", S), P("version", I)]),
        new("micro_grids", "Micro-grids (微网格)", "Micro-grids of the current partition version of every township.",
            PublishedLayer.MicroGrids.CurrentView + " x", "x.code", "x.geom", "geometry-multipolygon",
            [.. Published(PublishedLayer.MicroGrids), P("township_code", S), P("pinned", B), P("version", I)]),
        new("households", "Households (户)", "Household dwellings.",
            "household x", "x.id", "x.geom", "geometry-point",
            [P("id", S), P("township_code", S), P("building_id", S), P("floor", I), P("unit", S), P("room", S), P("address", S), P("persons", I)]),
        new("buildings", "Buildings (楼栋)", "Building footprints; feature ids are township:building.",
            "building x", "x.township_code || ':' || x.id", "x.geom", "geometry-multipolygon",
            [P("id", S), P("township_code", S), P("floors", I), P("use", S)]),
        new("barriers", "Barriers", "Roads, rivers and railways that grids follow; feature ids are township:barrier.",
            "barrier x", "x.township_code || ':' || x.id", "x.geom", "geometry-multilinestring",
            [P("id", S), P("township_code", S), P("kind", S), P("name", S)]),
        new("streets", "Streets", "Lanes, streets, tracks, paths and ditches that borders prefer to follow (soft guides); feature ids are township:street.",
            "street x", "x.township_code || ':' || x.id", "x.geom", "geometry-multilinestring",
            [P("id", S), P("township_code", S), P("kind", S), P("name", S)]),
        new("dept_units", "Departmental units (部门网格)", "Units of the departmental layers (多网合一: urban management, police, fire, …), current version of each layer; feature ids are township:layer:code; filter by layer (?layer=police).",
            "current_dept_unit x", "x.township_code || ':' || x.layer || ':' || x.code", "x.geom", "geometry-multipolygon",
            [P("layer", S), P("code", S), P("name", S), P("township_code", S), P("title", S), P("version", I)]),
    ];
}
