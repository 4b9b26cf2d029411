using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Ogc.Filtering;

/// <summary>A parsed CQL2 expression (OGC 21-065r2), before it is checked against a collection's
/// queryables. <see cref="Column"/> is where it starts in the filter text (1-based), for messages.</summary>
internal abstract record Cql2Expression(int Column);

internal sealed record Cql2And(Cql2Expression Left, Cql2Expression Right) : Cql2Expression(Left.Column);

internal sealed record Cql2Or(Cql2Expression Left, Cql2Expression Right) : Cql2Expression(Left.Column);

internal sealed record Cql2Not(Cql2Expression Operand, int At) : Cql2Expression(At);

/// <summary><c>a = b</c>, <c>a &lt;&gt; b</c>, <c>a &lt; b</c>, … (<see cref="Operator"/> is the SQL operator).</summary>
internal sealed record Cql2Comparison(string Operator, Cql2Expression Left, Cql2Expression Right) : Cql2Expression(Left.Column);

internal sealed record Cql2Like(Cql2Expression Value, Cql2Expression Pattern, bool Negated) : Cql2Expression(Value.Column);

internal sealed record Cql2Between(Cql2Expression Value, Cql2Expression Low, Cql2Expression High, bool Negated) : Cql2Expression(Value.Column);

internal sealed record Cql2In(Cql2Expression Value, IReadOnlyList<Cql2Expression> List, bool Negated) : Cql2Expression(Value.Column);

internal sealed record Cql2IsNull(Cql2Expression Value, bool Negated) : Cql2Expression(Value.Column);

/// <summary><c>S_INTERSECTS(a, b)</c> and the other spatial functions (<see cref="Function"/> upper case).</summary>
internal sealed record Cql2Spatial(string Function, Cql2Expression Left, Cql2Expression Right, int At) : Cql2Expression(At);

/// <summary>A scalar standing where a predicate should be (<c>TRUE</c>, or a property with no operator after it).</summary>
internal sealed record Cql2Bare(Cql2Expression Value) : Cql2Expression(Value.Column);

internal sealed record Cql2Property(string Name, int At) : Cql2Expression(At);

/// <summary>A string, number (decimal) or boolean literal.</summary>
internal sealed record Cql2Literal(object Value, int At) : Cql2Expression(At);

/// <summary>A WKT or BBOX literal, in CRS84.</summary>
internal sealed record Cql2Geometry(Geometry Value, int At) : Cql2Expression(At);
