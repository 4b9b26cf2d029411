using System.Runtime.CompilerServices;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Files;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Exports;

/// <summary>One row of an exported layer: its geometry in the export's CRS and its column values
/// (null for SQL NULL).</summary>
public sealed record ExportRow(Geometry Geometry, object?[] Values);

/// <summary>Reads a layer's rows of one township (and version) from the database, converting each
/// geometry from the stored WGS 84 to the asked CRS as it streams.</summary>
public static class ExportRows
{
    public static async IAsyncEnumerable<ExportRow> ReadAsync(NpgsqlDataSource db, string township, int version, ExportLayer layer,
        IReadOnlyList<ExportColumn> columns, Crs crs, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(layer.Select(columns));
        cmd.Parameters.AddTownship(township);
        if (layer.Versioned) cmd.Parameters.AddWithValue(version);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var geometry = crs.FromWgs84(r.GetFieldValue<Geometry>(0));
            var values = new object?[columns.Count];
            for (int i = 0; i < values.Length; i++) values[i] = r.IsDBNull(i + 1) ? null : r.GetValue(i + 1);
            yield return new ExportRow(geometry, values);
        }
    }
}
