using Npgsql;
using NpgsqlTypes;

namespace GridSpatial.GeoApi.Features.Ogc.Filtering;

/// <summary>The positional parameters (<c>$1</c>, <c>$2</c>, …) of a query being built: every value
/// a caller sends reaches SQL as one of these, never as text in the statement.</summary>
public sealed class SqlArguments
{
    private readonly List<(object Value, NpgsqlDbType Type)> _values = [];

    /// <summary>Adds <paramref name="value"/> and returns its placeholder.</summary>
    public string Add(object value, NpgsqlDbType type)
    {
        _values.Add((value, type));
        return "$" + _values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Gives <paramref name="command"/> the parameters, in order (each command its own copies).</summary>
    public void AddTo(NpgsqlCommand command)
    {
        foreach (var (value, type) in _values) command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
    }
}
