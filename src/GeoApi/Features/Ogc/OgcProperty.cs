using NpgsqlTypes;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>One property of a collection's features: its name, the SQL expression that reads
/// it, its type, a Chinese title and, for a closed vocabulary, its values. Every property is a
/// queryable and a sortable: the one list features, queryables, filters and sorting read.</summary>
public sealed record OgcProperty(string Name, string Sql, QueryableType Type, string Title, IReadOnlyList<string>? Values = null)
{
    /// <summary>The JSON Schema type name.</summary>
    public string SchemaType => Type switch
    {
        QueryableType.WholeNumber => "integer",
        QueryableType.Number => "number",
        QueryableType.Boolean => "boolean",
        _ => "string",
    };

    /// <summary>The parameter type that compares with the column without casting the column.</summary>
    public NpgsqlDbType DbType => Type switch
    {
        QueryableType.WholeNumber => NpgsqlDbType.Bigint,
        QueryableType.Number => NpgsqlDbType.Numeric,
        QueryableType.Boolean => NpgsqlDbType.Boolean,
        _ => NpgsqlDbType.Text,
    };
}
