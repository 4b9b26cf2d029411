using Superpower.Display;

namespace GridSpatial.GeoApi.Features.Ogc.Filtering;

/// <summary>The tokens of CQL2 text. Keywords (AND, LIKE, S_INTERSECTS, …) are identifiers the
/// parser recognises, case-insensitively; a property named like one is written in double quotes.</summary>
internal enum Cql2Token
{
    None,
    [Token(Example = "(")] LeftParen,
    [Token(Example = ")")] RightParen,
    [Token(Example = ",")] Comma,
    [Token(Example = "=")] Equal,
    [Token(Example = "<>")] NotEqual,
    [Token(Example = "<")] Less,
    [Token(Example = "<=")] LessOrEqual,
    [Token(Example = ">")] Greater,
    [Token(Example = ">=")] GreaterOrEqual,
    [Token(Description = "number")] Number,
    [Token(Description = "string literal")] String,
    [Token(Description = "property name or keyword")] Identifier,
    [Token(Description = "quoted property name")] QuotedIdentifier,
    [Token(Description = "geometry literal")] Geometry,
}
