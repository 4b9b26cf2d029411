using System.Globalization;
using System.Text.RegularExpressions;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Superpower;
using Superpower.Model;
using Superpower.Parsers;
using Superpower.Tokenizers;

namespace GridSpatial.GeoApi.Features.Ogc.Filtering;

/// <summary>Parses CQL2 text (OGC 21-065r2): <c>AND</c>/<c>OR</c>/<c>NOT</c> and parentheses, the
/// comparisons <c>= &lt;&gt; &lt; &lt;= &gt; &gt;=</c>, <c>[NOT] LIKE</c>, <c>[NOT] BETWEEN</c>,
/// <c>[NOT] IN (…)</c>, <c>IS [NOT] NULL</c>, and the spatial functions <c>S_INTERSECTS</c>,
/// <c>S_EQUALS</c>, <c>S_DISJOINT</c>, <c>S_TOUCHES</c>, <c>S_WITHIN</c>, <c>S_OVERLAPS</c>,
/// <c>S_CROSSES</c>, <c>S_CONTAINS</c> over WKT or <c>BBOX(…)</c> literals. Keywords are
/// case-insensitive. What it returns is only syntax: names and types are checked by <see cref="Cql2Sql"/>.</summary>
internal static class Cql2Parser
{
    public static readonly IReadOnlyList<string> SpatialFunctions =
        ["S_INTERSECTS", "S_EQUALS", "S_DISJOINT", "S_TOUCHES", "S_WITHIN", "S_OVERLAPS", "S_CROSSES", "S_CONTAINS"];

    private static readonly HashSet<string> Reserved = new(
        ["AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE", .. SpatialFunctions], StringComparer.OrdinalIgnoreCase);

    /// <summary>The expression, or why the text is not CQL2 (English, from the parser) and where (1-based column).</summary>
    public static Cql2Expression Parse(string text)
    {
        var tokens = Tokenizer.TryTokenize(text);
        if (!tokens.HasValue)
            throw new Cql2Exception(tokens.ErrorPosition.HasValue ? tokens.ErrorPosition.Column : 1, tokens.FormatErrorMessageFragment());
        Guard(tokens.Value);
        var result = Filter.TryParse(tokens.Value);
        if (!result.HasValue)
            throw new Cql2Exception(result.ErrorPosition.HasValue ? result.ErrorPosition.Column : text.Length + 1, result.FormatErrorMessageFragment());
        return result.Value;
    }

    /// <summary>The deepest nesting a filter may have (parentheses, NOT, geometry collections): the
    /// parser and the WKT reader recurse, and a request line of 8 KB could otherwise nest thousands deep.</summary>
    public const int MaxDepth = 32;

    private static void Guard(TokenList<Cql2Token> tokens)
    {
        int depth = 0, nots = 0;
        foreach (var t in tokens)
        {
            if (t.Kind == Cql2Token.LeftParen) depth++;
            else if (t.Kind == Cql2Token.RightParen) depth--;
            else if (t.Kind == Cql2Token.Identifier && t.Span.EqualsValueIgnoreCase("NOT")) nots++;
            if (depth > MaxDepth || nots > MaxDepth)
                throw new Cql2Exception(t.Position.Column, $"the filter nests deeper than {MaxDepth} levels (parentheses or NOT)", $"嵌套超过 {MaxDepth} 层（括号或 NOT）");
        }
    }

    //-- A WKT literal is one token, from its keyword to the parenthesis that closes it, so that
    //-- NetTopologySuite's reader (not this grammar) reads the coordinates.
    private static readonly Regex GeometryStart = new(
        @"^(?:POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|GEOMETRYCOLLECTION|BBOX)\s*(?:Z\s*)?\(",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static Result<TextSpan> GeometryText(TextSpan input)
    {
        var rest = input.ToStringValue();
        var start = GeometryStart.Match(rest);
        if (!start.Success) return Result.Empty<TextSpan>(input);
        int depth = 0;
        for (int i = start.Length - 1; i < rest.Length; i++)
        {
            if (rest[i] == '(' && ++depth > MaxDepth)
                throw new Cql2Exception(input.Position.Column + i, $"the filter nests deeper than {MaxDepth} levels (a geometry)", $"嵌套超过 {MaxDepth} 层（几何）");
            else if (rest[i] == ')' && --depth == 0) return Result.Value(input.First(i + 1), input, input.Skip(i + 1));
        }
        return Result.Empty<TextSpan>(input, "a geometry literal closed by ')'");
    }

    private static readonly Tokenizer<Cql2Token> Tokenizer = new TokenizerBuilder<Cql2Token>()
        .Ignore(Span.WhiteSpace)
        .Match(Character.EqualTo('('), Cql2Token.LeftParen)
        .Match(Character.EqualTo(')'), Cql2Token.RightParen)
        .Match(Character.EqualTo(','), Cql2Token.Comma)
        .Match(Span.EqualTo("<>"), Cql2Token.NotEqual)
        .Match(Span.EqualTo("<="), Cql2Token.LessOrEqual)
        .Match(Span.EqualTo(">="), Cql2Token.GreaterOrEqual)
        .Match(Character.EqualTo('='), Cql2Token.Equal)
        .Match(Character.EqualTo('<'), Cql2Token.Less)
        .Match(Character.EqualTo('>'), Cql2Token.Greater)
        .Match(Numerics.Decimal, Cql2Token.Number, requireDelimiters: true)
        .Match(QuotedString.SqlStyle, Cql2Token.String)
        .Match(QuotedString.CStyle, Cql2Token.QuotedIdentifier)
        .Match(GeometryText, Cql2Token.Geometry)
        .Match(Identifier.CStyle, Cql2Token.Identifier, requireDelimiters: true)
        .Build();

    private static TokenListParser<Cql2Token, Token<Cql2Token>> Keyword(string word) => Token.EqualToValueIgnoreCase(Cql2Token.Identifier, word);

    private static readonly TokenListParser<Cql2Token, Cql2Expression> Property =
        Token.EqualTo(Cql2Token.Identifier).Where(t => !Reserved.Contains(t.ToStringValue()), "property name")
            .Select(t => (Cql2Expression)new Cql2Property(t.ToStringValue(), t.Position.Column))
        .Or(Token.EqualTo(Cql2Token.QuotedIdentifier)
            .Select(t => (Cql2Expression)new Cql2Property(QuotedString.CStyle.Parse(t.ToStringValue()), t.Position.Column)));

    private static readonly TokenListParser<Cql2Token, Cql2Expression> Literal =
        Token.EqualTo(Cql2Token.String).Select(t => (Cql2Expression)new Cql2Literal(QuotedString.SqlStyle.Parse(t.ToStringValue()), t.Position.Column))
        .Or(Token.EqualTo(Cql2Token.Number).Select(t => (Cql2Expression)new Cql2Literal(ParseNumber(t), t.Position.Column)))
        .Or(Keyword("TRUE").Select(t => (Cql2Expression)new Cql2Literal(true, t.Position.Column)))
        .Or(Keyword("FALSE").Select(t => (Cql2Expression)new Cql2Literal(false, t.Position.Column)))
        .Or(Token.EqualTo(Cql2Token.Geometry).Select(t => (Cql2Expression)new Cql2Geometry(ParseGeometry(t), t.Position.Column)));

    private static readonly TokenListParser<Cql2Token, Cql2Expression> Scalar = Property.Or(Literal);

    private static readonly Dictionary<Cql2Token, string> Operators = new()
    {
        [Cql2Token.Equal] = "=", [Cql2Token.NotEqual] = "<>", [Cql2Token.Less] = "<",
        [Cql2Token.LessOrEqual] = "<=", [Cql2Token.Greater] = ">", [Cql2Token.GreaterOrEqual] = ">=",
    };

    private static readonly TokenListParser<Cql2Token, Func<Cql2Expression, Cql2Expression>> ComparisonTail =
        from op in Token.Matching<Cql2Token>(k => Operators.ContainsKey(k), "comparison operator")
        from right in Scalar
        select (Func<Cql2Expression, Cql2Expression>)(left => new Cql2Comparison(Operators[op.Kind], left, right));

    private static readonly TokenListParser<Cql2Token, Func<Cql2Expression, Cql2Expression>> NegatableTail =
        from not in Keyword("NOT").Value(true).OptionalOrDefault(false)
        from tail in
            (from _ in Keyword("LIKE") from pattern in Scalar
             select (Func<Cql2Expression, Cql2Expression>)(v => new Cql2Like(v, pattern, not)))
            .Or(from _ in Keyword("BETWEEN") from low in Scalar from and in Keyword("AND") from high in Scalar
                select (Func<Cql2Expression, Cql2Expression>)(v => new Cql2Between(v, low, high, not)))
            .Or(from _ in Keyword("IN") from open in Token.EqualTo(Cql2Token.LeftParen)
                from list in Scalar.AtLeastOnceDelimitedBy(Token.EqualTo(Cql2Token.Comma))
                from close in Token.EqualTo(Cql2Token.RightParen)
                select (Func<Cql2Expression, Cql2Expression>)(v => new Cql2In(v, list, not)))
        select tail;

    private static readonly TokenListParser<Cql2Token, Func<Cql2Expression, Cql2Expression>> IsNullTail =
        from _ in Keyword("IS")
        from not in Keyword("NOT").Value(true).OptionalOrDefault(false)
        from null_ in Keyword("NULL")
        select (Func<Cql2Expression, Cql2Expression>)(v => new Cql2IsNull(v, not));

    private static readonly TokenListParser<Cql2Token, Cql2Expression> Predicate =
        from left in Scalar
        from tail in ComparisonTail.Or(NegatableTail).Or(IsNullTail).Select(f => (Func<Cql2Expression, Cql2Expression>?)f).OptionalOrDefault()
        select tail is null ? new Cql2Bare(left) : tail(left);

    private static readonly TokenListParser<Cql2Token, Cql2Expression> Spatial =
        from name in SpatialFunctions.Select(Keyword).Aggregate((a, b) => a.Or(b)).Named("spatial function")
        from open in Token.EqualTo(Cql2Token.LeftParen)
        from a in Scalar
        from comma in Token.EqualTo(Cql2Token.Comma)
        from b in Scalar
        from close in Token.EqualTo(Cql2Token.RightParen)
        select (Cql2Expression)new Cql2Spatial(name.ToStringValue().ToUpperInvariant(), a, b, name.Position.Column);

    private static readonly TokenListParser<Cql2Token, Cql2Expression> Parenthesized =
        from open in Token.EqualTo(Cql2Token.LeftParen)
        from inner in Superpower.Parse.Ref(() => Expression!)
        from close in Token.EqualTo(Cql2Token.RightParen)
        select inner;

    private static readonly TokenListParser<Cql2Token, Cql2Expression> Factor =
        (from not in Keyword("NOT") from operand in Superpower.Parse.Ref(() => Factor!) select (Cql2Expression)new Cql2Not(operand, not.Position.Column))
        .Or(Parenthesized).Or(Spatial).Or(Predicate);

    private static readonly TokenListParser<Cql2Token, Cql2Expression> Term =
        Superpower.Parse.Chain(Keyword("AND"), Factor, (_, l, r) => new Cql2And(l, r));

    private static readonly TokenListParser<Cql2Token, Cql2Expression> Expression =
        Superpower.Parse.Chain(Keyword("OR"), Term, (_, l, r) => new Cql2Or(l, r));

    private static readonly TokenListParser<Cql2Token, Cql2Expression> Filter = Expression.AtEnd();

    private static decimal ParseNumber(Token<Cql2Token> t) =>
        decimal.TryParse(t.ToStringValue(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw new Cql2Exception(t.Position.Column, $"the number `{t.ToStringValue()}` is out of range");

    private static Geometry ParseGeometry(Token<Cql2Token> t)
    {
        var text = t.ToStringValue();
        Geometry geometry;
        try
        {
            geometry = text.StartsWith("BBOX", StringComparison.OrdinalIgnoreCase) ? Bbox(text) : new WKTReader().Read(text);
        }
        catch (Exception e) when (e is NetTopologySuite.IO.ParseException or FormatException or ArgumentException)
        {
            throw new Cql2Exception(t.Position.Column, $"`{Shorten(text)}` is not a valid WKT geometry ({e.Message})");
        }
        foreach (var c in geometry.Coordinates)
            if (!double.IsFinite(c.X) || !double.IsFinite(c.Y) || Math.Abs(c.X) > 180 || Math.Abs(c.Y) > 90)
                throw new Cql2Exception(t.Position.Column, $"`{Shorten(text)}` is not in CRS84 (longitude −180…180, latitude −90…90)");
        geometry.SRID = 4326;
        return geometry;
    }

    private static Geometry Bbox(string text)
    {
        var inner = text[(text.IndexOf('(', StringComparison.Ordinal) + 1)..^1];
        var v = inner.Split(',').Select(s => double.Parse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        if (v.Length is not (4 or 6)) throw new FormatException("BBOX takes 4 numbers: minLon, minLat, maxLon, maxLat");
        var (x0, y0, x1, y1) = v.Length == 4 ? (v[0], v[1], v[2], v[3]) : (v[0], v[1], v[3], v[4]);
        if (x0 > x1 || y0 > y1) throw new FormatException("BBOX minimum above its maximum");
        return new GeometryFactory().ToGeometry(new Envelope(x0, x1, y0, y1));
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
