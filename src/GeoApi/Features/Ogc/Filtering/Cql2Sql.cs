using System.Globalization;
using NetTopologySuite.IO;
using NpgsqlTypes;

namespace GridSpatial.GeoApi.Features.Ogc.Filtering;

/// <summary>Turns a CQL2 expression into a SQL condition over one collection: each property
/// becomes its column (only the collection's queryables are known), each literal a parameter of
/// the property's type, each spatial function the PostGIS function of the same name over the
/// collection's geometry. Unknown properties and type mismatches are <see cref="Cql2Exception"/>s.</summary>
internal sealed class Cql2Sql(OgcLayer layer, SqlArguments args)
{
    private enum Kind { String, Number, Boolean, Geometry }

    public string Translate(Cql2Expression e) => e switch
    {
        Cql2And a => $"({Translate(a.Left)} AND {Translate(a.Right)})",
        Cql2Or o => $"({Translate(o.Left)} OR {Translate(o.Right)})",
        Cql2Not n => $"(NOT {Translate(n.Operand)})",
        Cql2Comparison c => Compare(c),
        Cql2Like l => Like(l),
        Cql2Between b => Between(b),
        Cql2In i => In(i),
        Cql2IsNull n => $"({Column(n.Value, allowGeometry: true)} IS {(n.Negated ? "NOT " : "")}NULL)",
        Cql2Spatial s => Spatial(s),
        Cql2Bare { Value: Cql2Literal { Value: bool b } } => b ? "TRUE" : "FALSE",
        Cql2Bare b => throw new Cql2Exception(b.Column, $"`{Describe(b.Value)}` needs an operator after it (=, <>, <, >, LIKE, IN, BETWEEN, IS NULL)",
            $"“{Describe(b.Value)}”之后缺少比较运算符"),
        _ => throw new Cql2Exception(e.Column, $"`{Describe(e)}` is not a predicate", $"“{Describe(e)}”不是条件"),
    };

    private string Compare(Cql2Comparison c)
    {
        var kind = KindOf(c.Left) ?? KindOf(c.Right) ?? Kind.String;
        if (kind == Kind.Geometry) throw Mismatch(c, "geometries are compared with S_INTERSECTS and the other spatial functions", "几何只能用 S_INTERSECTS 等空间函数比较");
        if (kind == Kind.Boolean && c.Operator is not ("=" or "<>"))
            throw Mismatch(c, $"a boolean is compared with = or <> only, not {c.Operator}", $"布尔值只能用 = 或 <> 比较，不能用 {c.Operator}");
        return $"({Operand(c.Left, kind, c)} {c.Operator} {Operand(c.Right, kind, c)})";
    }

    private string Like(Cql2Like l)
    {
        if (KindOf(l.Value) is not Kind.String) throw Mismatch(l, $"LIKE needs a text property, and `{Describe(l.Value)}` is not text", $"LIKE 只能用于文本属性，“{Describe(l.Value)}”不是文本");
        if (l.Pattern is not Cql2Literal { Value: string }) throw Mismatch(l, "the pattern after LIKE must be a string literal such as '5306%'", "LIKE 之后应为字符串，例如 '5306%'");
        return $"({Operand(l.Value, Kind.String, l)} {(l.Negated ? "NOT " : "")}LIKE {Operand(l.Pattern, Kind.String, l)})";
    }

    private string Between(Cql2Between b)
    {
        if (KindOf(b.Value) is not Kind.Number) throw Mismatch(b, $"BETWEEN needs a numeric property, and `{Describe(b.Value)}` is not one", $"BETWEEN 只能用于数值属性，“{Describe(b.Value)}”不是数值");
        return $"({Operand(b.Value, Kind.Number, b)} {(b.Negated ? "NOT " : "")}BETWEEN {Operand(b.Low, Kind.Number, b)} AND {Operand(b.High, Kind.Number, b)})";
    }

    private string In(Cql2In i)
    {
        if (i.Value is not Cql2Property) throw Mismatch(i, "IN needs a property on its left", "IN 的左边应为属性");
        var kind = KindOf(i.Value)!.Value;
        if (kind == Kind.Geometry) throw Mismatch(i, "IN does not apply to the geometry", "IN 不能用于几何");
        var items = i.List.Select(v => v is Cql2Literal ? Operand(v, kind, i) : throw Mismatch(i, "the list after IN holds literals only", "IN 列表只能是常量"));
        return $"({Operand(i.Value, kind, i)} {(i.Negated ? "NOT " : "")}IN ({string.Join(", ", items)}))";
    }

    private string Spatial(Cql2Spatial s)
    {
        string Side(Cql2Expression e) => e switch
        {
            Cql2Property p when p.Name == OgcLayer.GeometryName => layer.Geometry,
            Cql2Geometry g => $"ST_GeomFromText({args.Add(new WKTWriter().Write(g.Value), NpgsqlDbType.Text)}, 4326)",
            Cql2Property p => throw Unknown(p, spatial: true),
            _ => throw Mismatch(s, $"{s.Function} compares the property `{OgcLayer.GeometryName}` with a WKT geometry, not `{Describe(e)}`",
                $"{s.Function} 的参数应为属性 {OgcLayer.GeometryName} 或 WKT 几何，而不是“{Describe(e)}”"),
        };
        return $"ST_{s.Function[2..]}({Side(s.Left)}, {Side(s.Right)})";
    }

    /// <summary>A side of a predicate: the property's column, or the literal as a parameter of <paramref name="kind"/>.</summary>
    private string Operand(Cql2Expression e, Kind kind, Cql2Expression predicate)
    {
        if (e is Cql2Property) return Column(e, allowGeometry: false);
        if (e is not Cql2Literal lit) throw Mismatch(predicate, $"`{Describe(e)}` cannot be compared here", $"“{Describe(e)}”不能在此比较");
        return (kind, lit.Value) switch
        {
            (Kind.String, string s) => args.Add(s, NpgsqlDbType.Text),
            (Kind.Number, decimal d) when d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue => args.Add((long)d, NpgsqlDbType.Bigint),
            (Kind.Number, decimal d) => args.Add(d, NpgsqlDbType.Numeric),
            (Kind.Boolean, bool b) => args.Add(b, NpgsqlDbType.Boolean),
            _ => throw Mismatch(predicate, $"{Describe(lit)} is not a {Name(kind)} value", $"{Describe(lit)} 不是{ChineseName(kind)}"),
        };
    }

    private string Column(Cql2Expression e, bool allowGeometry) => e switch
    {
        Cql2Property { Name: OgcLayer.GeometryName } when allowGeometry => layer.Geometry,
        Cql2Property p => (layer.Property(p.Name) ?? throw Unknown(p, spatial: false)).Sql,
        _ => throw new Cql2Exception(e.Column, $"`{Describe(e)}` is not a property", $"“{Describe(e)}”不是属性"),
    };

    private Kind? KindOf(Cql2Expression e) => e switch
    {
        Cql2Property { Name: OgcLayer.GeometryName } => Kind.Geometry,
        Cql2Property p => (layer.Property(p.Name) ?? throw Unknown(p, spatial: false)).Type switch
        {
            QueryableType.WholeNumber or QueryableType.Number => Kind.Number,
            QueryableType.Boolean => Kind.Boolean,
            _ => Kind.String,
        },
        _ => null,
    };

    private Cql2Exception Unknown(Cql2Property p, bool spatial) => new(p.Column,
        $"collection {layer.Id} has no {(spatial ? "geometry " : "")}property `{p.Name}`; its queryables are {string.Join(", ", layer.Properties.Select(q => q.Name).Append(OgcLayer.GeometryName))}",
        $"集合 {layer.Id} 没有属性“{p.Name}”（可查询属性见 /queryables）");

    private static Cql2Exception Mismatch(Cql2Expression at, string english, string chinese) => new(at.Column, english, chinese);

    private static string Name(Kind k) => k switch { Kind.Number => "numeric", Kind.Boolean => "boolean", Kind.Geometry => "geometry", _ => "text" };

    private static string ChineseName(Kind k) => k switch { Kind.Number => "数值", Kind.Boolean => "布尔值", Kind.Geometry => "几何", _ => "文本" };

    private static string Describe(Cql2Expression e) => e switch
    {
        Cql2Property p => p.Name,
        Cql2Literal { Value: string s } => $"'{s}'",
        Cql2Literal { Value: bool b } => b ? "TRUE" : "FALSE",
        Cql2Literal { Value: decimal d } => d.ToString(CultureInfo.InvariantCulture),
        Cql2Geometry g => g.Value.GeometryType.ToUpperInvariant(),
        _ => e.GetType().Name.Replace("Cql2", "", StringComparison.Ordinal).ToUpperInvariant(),
    };
}
