using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>What a column holds, for the typed fields of Shapefiles, GeoPackages and workbooks.</summary>
public enum ExportType { Text, WholeNumber, Boolean, Real }

/// <summary>One exported attribute: its name, the SQL that reads it from row <c>x</c>, its type,
/// and whether only the tables (CSV, XLSX) carry it (the measures, so the GeoJSON of grids and
/// micro-grids keeps the DESIGN §4 properties).</summary>
public sealed record ExportColumn(string Name, string Sql, ExportType Type, bool TableOnly = false)
{
    /// <summary>The name in a dBASE table (10 bytes at most).</summary>
    public string ShortName => Name switch
    {
        "household_count" => "hh_count",
        "village_code" => "vill_code",
        "township_code" => "town_code",
        "county_code" => "cnty_code",
        "building_id" => "bldg_id",
        _ => Name,
    };
}

/// <summary>The geometry a layer holds.</summary>
public enum ExportShape { Polygon, Line, Point }

/// <summary>A layer of a township as the exports write it: the rows of one township (grids and
/// micro-grids of one partition version), their columns and shape. The one list every export
/// format and the CLI read.</summary>
public sealed record ExportLayer(string Name, ExportShape Shape, bool Versioned, string From, string Where, string OrderBy, IReadOnlyList<ExportColumn> Columns)
{
    private static readonly ExportColumn Area = new("area_m2", "round(ST_Area(x.geom::geography)::numeric, 2)::float8", ExportType.Real, TableOnly: true);
    private static readonly ExportColumn Length = new("length_m", "round(ST_Length(x.geom::geography)::numeric, 2)::float8", ExportType.Real, TableOnly: true);

    private static ExportColumn T(string name) => new(name, "x." + name, ExportType.Text);
    private static ExportColumn I(string name) => new(name, "x." + name, ExportType.WholeNumber);
    private static ExportColumn B(string name) => new(name, "x." + name, ExportType.Boolean);

    private static IEnumerable<ExportColumn> Published(PublishedLayer layer) => layer.Columns.Select(c =>
        new ExportColumn(c.Name, "x." + c.Name, c.GeoPackageType.StartsWith("INTEGER", StringComparison.Ordinal) ? ExportType.WholeNumber : ExportType.Text));

    public static readonly IReadOnlyList<ExportLayer> All =
    [
        new("township", ExportShape.Polygon, false, "township x", "x.code = $1", "x.code",
            [T("code"), T("name"), T("kind"), B("urban"), T("county_code"),
             //-- $1, not x.code: Citus runs no subquery correlated with a reference table (township); this one reads one shard.
             new("household_count", "(SELECT count(*)::int FROM household h WHERE h.township_code = $1)", ExportType.WholeNumber), Area]),
        new("villages", ExportShape.Polygon, false, "village x", "x.township_code = $1", "x.code",
            [T("code"), T("name"), T("township_code"), B("urban"),
             new("household_count", "(SELECT count(*)::int FROM household h WHERE h.township_code = x.township_code AND ST_Covers(x.geom, h.geom))", ExportType.WholeNumber), Area]),
        new("grids", ExportShape.Polygon, true, PublishedLayer.Grids.AtVersion("$1", "$2") + " x", "true", "x.code", [.. Published(PublishedLayer.Grids), Area]),
        new("micro_grids", ExportShape.Polygon, true, PublishedLayer.MicroGrids.AtVersion("$1", "$2") + " x", "true", "x.code", [.. Published(PublishedLayer.MicroGrids), Area]),
        new("households", ExportShape.Point, false, "household x", "x.township_code = $1", "x.id",
            [T("id"), T("building_id"), I("floor"), T("unit"), T("room"), T("address"), I("persons")]),
        new("buildings", ExportShape.Polygon, false, "building x", "x.township_code = $1", "x.id", [T("id"), I("floors"), T("use"), Area]),
        new("barriers", ExportShape.Line, false, "barrier x", "x.township_code = $1", "x.id", [T("id"), T("kind"), T("name"), Length]),
        new("streets", ExportShape.Line, false, "street x", "x.township_code = $1", "x.id", [T("id"), T("kind"), T("name"), Length]),
    ];

    /// <summary>The layer named <paramref name="name"/>, or null.</summary>
    public static ExportLayer? Named(string name) => All.FirstOrDefault(l => l.Name == name);

    /// <summary>The columns of a format: every one for tables, without the measures for the others.</summary>
    public IReadOnlyList<ExportColumn> ColumnsFor(bool table) => table ? Columns : [.. Columns.Where(c => !c.TableOnly)];

    /// <summary>The query of the layer's rows: the geometry, then <paramref name="columns"/>;
    /// <c>$1</c> is the township, <c>$2</c> the version (versioned layers).</summary>
    public string Select(IReadOnlyList<ExportColumn> columns) =>
        $"SELECT x.geom{string.Concat(columns.Select(c => ", " + c.Sql))} FROM {From} WHERE {Where} ORDER BY {OrderBy}";
}
