using Npgsql;
using NpgsqlTypes;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>A township code as a query parameter. Township codes are <c>char(9)</c> columns; a
/// string parameter goes as <c>text</c>, and PostgreSQL then compares <c>township_code::text = $1</c>,
/// which neither the btree indexes on the code nor Citus' shard pruning can use (on Citus the
/// statement asks every shard, and a <c>FOR UPDATE</c> of it is refused). Sent as <c>char</c>, the
/// comparison is the column's own, and on Citus it goes to the township's shard alone.</summary>
public static class TownshipParameter
{
    public static NpgsqlParameter AddTownship(this NpgsqlParameterCollection parameters, string code) =>
        parameters.AddWithValue(NpgsqlDbType.Char, code);

    /// <summary>Several townships (<c>= ANY($n)</c>): the shards of those townships.</summary>
    public static NpgsqlParameter AddTownships(this NpgsqlParameterCollection parameters, string[] codes) =>
        parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Char, codes);
}
