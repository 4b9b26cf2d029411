using System.Globalization;
using GridSpatial.GeoApi.Features.Ogc.Filtering;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>The query of <c>/collections/{id}/items</c>, checked against the collection before any
/// SQL: paging (<c>limit</c>, <c>offset</c>), <c>bbox</c> (in <c>bbox-crs</c>), the output <c>crs</c>, <c>township</c>, a queryable as a parameter
/// (<c>?kind=floor</c>, equality), <c>intersects</c> (a WKT or GeoJSON geometry in <c>bbox-crs</c>), <c>filter</c> in CQL2 text, <c>sortby</c> and <c>properties</c>.
/// Any other parameter, a malformed value, an unknown property or a type mismatch is a 400 naming it.</summary>
internal sealed class ItemsQuery
{
    public const int DefaultLimit = 100, MaxLimit = 10_000;

    private static readonly string[] Parameters = ["limit", "offset", "bbox", "bbox-crs", "intersects", "crs", "township", "filter", "filter-lang", "filter-crs", "sortby", "properties"];
    private static readonly NetTopologySuite.Geometries.GeometryFactory Wgs84 = new(new NetTopologySuite.Geometries.PrecisionModel(), 4326);

    private readonly OgcLayer _layer;
    private readonly IQueryCollection _query;

    private ItemsQuery(OgcLayer layer, IQueryCollection query)
    {
        _layer = layer;
        _query = query;
    }

    public int Limit { get; private init; }
    public int Offset { get; private init; }
    /// <summary>The bbox as a stored (CRS84) polygon, converted from <c>bbox-crs</c>.</summary>
    public NetTopologySuite.Geometries.Polygon? Bbox { get; private init; }

    /// <summary>The <c>intersects</c> geometry as stored (CRS84), converted from <c>bbox-crs</c>.</summary>
    public NetTopologySuite.Geometries.Geometry? Intersects { get; private init; }

    /// <summary>The CRS of the features returned (<c>crs</c>, CRS84 by default).</summary>
    public OgcCrs Crs { get; private init; } = OgcCrs.Crs84;
    public string Township { get; private init; } = "";
    public IReadOnlyList<(OgcProperty Property, object Value)> Equalities { get; private init; } = [];
    public Cql2Expression? Filter { get; private init; }
    public IReadOnlyList<(OgcProperty Property, bool Descending)> SortBy { get; private init; } = [];
    public IReadOnlyList<OgcProperty> Selected { get; private init; } = [];

    /// <summary>Every parameter but paging and the key, as a query string (empty when there is none).</summary>
    public string Conditions => QueryString.Create(_query.Where(kv => kv.Key is not ("offset" or "limit" or OgcProblem.KeyParameter))
        .Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value[0]))).ToUriComponent();

    /// <param name="crss">The CRSs the collection offers (<see cref="OgcCrs.Supported"/>).</param>
    public static ItemsQuery Parse(OgcLayer layer, IQueryCollection q, IReadOnlyList<OgcCrs> crss)
    {
        OgcProblem.RejectUnknown(q, Parameters.Concat(layer.Properties.Select(p => p.Name)));
        //-- The same value twice is one value: GDAL appends the query of its dataset URL to next links that already carry it.
        foreach (var (name, values) in q)
            if (values.Distinct(StringComparer.Ordinal).Count() > 1)
                throw OgcProblem.Invalid(name, $"参数“{name}”只能给一个值。", $"Give '{name}' one value.");
        return new ItemsQuery(layer, q)
        {
            Limit = Math.Min(ParseInt(One(q, "limit"), DefaultLimit, 1, "limit"), MaxLimit),
            Offset = ParseInt(One(q, "offset"), 0, 0, "offset"),
            Crs = OgcCrs.Parse(q.ContainsKey("crs") ? One(q, "crs") : null, crss, "crs"),
            Bbox = ParseBbox(One(q, "bbox"), OgcCrs.Parse(q.ContainsKey("bbox-crs") ? One(q, "bbox-crs") : null, crss, "bbox-crs")),
            Intersects = OgcIntersects.Parse(One(q, "intersects"), OgcCrs.Parse(q.ContainsKey("bbox-crs") ? One(q, "bbox-crs") : null, crss, "bbox-crs")),
            Township = One(q, "township"),
            Equalities = layer.Properties.Where(p => q.ContainsKey(p.Name)).Select(p => (p, ParseValue(p, One(q, p.Name)))).ToList(),
            Filter = ParseFilter(q),
            SortBy = ParseSortBy(layer, One(q, "sortby")),
            Selected = q.ContainsKey("properties") ? ParseProperties(layer, One(q, "properties")) : layer.Properties,
        };
    }

    /// <summary>The WHERE clause: the caller's jurisdiction (a township code prefix) first, then every filter given.</summary>
    public string Where(string jurisdiction, SqlArguments args)
    {
        var conditions = new List<string> { $"{_layer.TownshipColumn} LIKE {args.Add(jurisdiction, NpgsqlTypes.NpgsqlDbType.Text)} || '%'" };
        if (Bbox is not null)
        {
            var box = $"ST_GeomFromText({args.Add(Bbox.AsText(), NpgsqlTypes.NpgsqlDbType.Text)}, 4326)";
            conditions.Add($"{_layer.Geometry} && {box} AND ST_Intersects({_layer.Geometry}, {box})");
        }
        if (Intersects is not null)
        {
            var area = $"ST_GeomFromText({args.Add(Intersects.AsText(), NpgsqlTypes.NpgsqlDbType.Text)}, 4326)";
            conditions.Add($"{_layer.Geometry} && {area} AND ST_Intersects({_layer.Geometry}, {area})");
        }
        //-- char(9), as the column: on Citus the township's shard alone.
        if (Township.Length > 0) conditions.Add($"{_layer.TownshipColumn} = {args.Add(Township, NpgsqlTypes.NpgsqlDbType.Char)}");
        foreach (var (p, value) in Equalities) conditions.Add($"{p.Sql} = {args.Add(value, p.DbType)}");
        if (Filter is not null)
        {
            try { conditions.Add(new Cql2Sql(_layer, args).Translate(Filter)); }
            catch (Cql2Exception e) { throw OgcProblem.Filter(e); }
        }
        return "WHERE " + string.Join(" AND ", conditions);
    }

    /// <summary>The ORDER BY clause: the requested keys, then the feature id, so that pages never overlap.</summary>
    public string OrderBy() =>
        "ORDER BY " + string.Join(", ", SortBy.Select(s => $"{s.Property.Sql} {(s.Descending ? "DESC" : "ASC")}").Append(_layer.FeatureId));

    /// <summary>This query at another offset: every parameter kept (the API key left out), limit as served.</summary>
    public string At(int offset) =>
        FormattableString.Invariant($"?limit={Limit}&offset={offset}") + (Conditions.Length > 0 ? "&" + Conditions[1..] : "");

    /// <summary>The value of <paramref name="name"/> ("" when absent): repeats were checked to be equal.</summary>
    private static string One(IQueryCollection q, string name) => q.TryGetValue(name, out var v) && v.Count > 0 ? v[0] ?? "" : "";

    private static int ParseInt(string s, int fallback, int min, string field)
    {
        if (s.Length == 0) return fallback;
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min) return v;
        throw OgcProblem.Invalid(field, $"“{field}”应为不小于 {min} 的整数。", $"'{field}' must be a whole number of at least {min}.");
    }

    /// <summary>The box in <paramref name="crs"/> (its axis order) as a stored polygon, or null when there is none.</summary>
    private static NetTopologySuite.Geometries.Polygon? ParseBbox(string s, OgcCrs crs)
    {
        if (s.Length == 0) return null;
        var v = s.Split(',').Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN).ToArray();
        if (v.Length != 4 || v.Any(d => !double.IsFinite(d)))
            throw OgcProblem.Invalid("bbox", $"边界框 bbox 应为四个数：{crs.Uri} 中的下角和上角（按其坐标轴顺序）。", $"bbox must be four numbers: the lower and upper corner in {crs.Uri}, in its axis order.");
        return crs.BoxToStored(v, Wgs84);
    }

    /// <summary>A queryable given as a parameter: the value as the property's type.</summary>
    private static object ParseValue(OgcProperty p, string raw)
    {
        object? value = p.Type switch
        {
            QueryableType.WholeNumber => long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
            QueryableType.Number => decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            QueryableType.Boolean => raw switch { "true" => true, "false" => false, _ => null },
            _ => raw,
        };
        return value ?? throw OgcProblem.Invalid(p.Name, $"“{p.Name}”（{p.Title}）应为{Chinese(p.Type)}，而不是“{raw}”。",
            $"'{p.Name}' is {(p.Type == QueryableType.WholeNumber ? "an" : "a")} {p.SchemaType}, not '{raw}'.");
    }

    private static Cql2Expression? ParseFilter(IQueryCollection q)
    {
        var lang = One(q, "filter-lang");
        if (lang.Length > 0 && lang != "cql2-text")
            throw OgcProblem.Invalid("filter-lang", $"不支持的过滤语言“{lang}”，仅支持 cql2-text。", $"filter-lang '{lang}' is not supported; use cql2-text.");
        var crs = One(q, "filter-crs");
        if (crs.Length > 0 && crs != OgcCrs.Crs84Uri)
            throw OgcProblem.Invalid("filter-crs", $"filter-crs 仅支持 {OgcCrs.Crs84Uri}。", $"filter-crs must be {OgcCrs.Crs84Uri}: filters are in longitude/latitude.");
        var text = One(q, "filter");
        if (!q.ContainsKey("filter")) return null;
        if (string.IsNullOrWhiteSpace(text)) throw OgcProblem.Filter(new Cql2Exception(1, "the filter is empty", "过滤条件为空"));
        try { return Cql2Parser.Parse(text); }
        catch (Cql2Exception e) { throw OgcProblem.Filter(e); }
    }

    private static List<(OgcProperty, bool)> ParseSortBy(OgcLayer layer, string s)
    {
        var keys = new List<(OgcProperty, bool)>();
        if (s.Length == 0) return keys;
        foreach (var item in s.Split(','))
        {
            //-- '+' in a query string often arrives decoded as a space: a leading space is ascending.
            var key = item.Trim();
            bool descending = key.StartsWith('-');
            var name = key.TrimStart('+', '-');
            var p = layer.Property(name) ?? throw OgcProblem.Invalid("sortby",
                $"sortby 中的“{name}”不是集合 {layer.Id} 的可排序属性（见 /sortables）。",
                $"'{name}' in sortby is not a sortable property of {layer.Id}; they are {string.Join(", ", layer.Properties.Select(q => q.Name))}.");
            if (keys.Any(k => k.Item1 == p)) throw OgcProblem.Invalid("sortby", $"sortby 中“{name}”重复。", $"'{name}' appears twice in sortby.");
            keys.Add((p, descending));
        }
        return keys;
    }

    private static List<OgcProperty> ParseProperties(OgcLayer layer, string s)
    {
        var names = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in names)
            if (layer.Property(name) is null)
                throw OgcProblem.Invalid("properties", $"properties 中的“{name}”不是集合 {layer.Id} 的属性。",
                    $"'{name}' in properties is not a property of {layer.Id}; they are {string.Join(", ", layer.Properties.Select(q => q.Name))}.");
        //-- Contract order, whatever order they were asked in.
        return layer.Properties.Where(p => names.Contains(p.Name)).ToList();
    }

    private static string Chinese(QueryableType t) => t switch
    {
        QueryableType.WholeNumber => "整数", QueryableType.Number => "数值", QueryableType.Boolean => "布尔值（true 或 false）", _ => "文本",
    };
}
