using System.Text.Json;
using GridSpatial.Partitioner.Files;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Valid;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>The <c>intersects</c> parameter of the items endpoints, the process-free form of an area
/// query: a WKT or GeoJSON geometry in the CRS of <c>bbox-crs</c> (its axis order), returned as stored
/// (CRS84). At most <see cref="MaxVertices"/> vertices; a polygon must be valid. Any fault is a 400
/// naming <c>intersects</c>.</summary>
internal static class OgcIntersects
{
    public const int MaxVertices = 10_000;

    public static Geometry? Parse(string value, OgcCrs crs)
    {
        if (value.Length == 0) return null;
        Geometry? g;
        try
        {
            g = value.TrimStart().StartsWith('{')
                ? JsonSerializer.Deserialize<Geometry>(value, PartitionJson.Options)
                : new WKTReader().Read(value);
        }
        catch (Exception e) when (e is JsonException or ParseException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw Invalid($"intersects 不是有效的 WKT 或 GeoJSON 几何：{e.Message}", $"intersects is not a WKT or GeoJSON geometry: {e.Message}");
        }
        if (g is null || g.IsEmpty) throw Invalid("intersects 几何为空。", "intersects is empty.");
        if (g.NumPoints > MaxVertices) throw Invalid($"intersects 最多 {MaxVertices} 个顶点。", $"intersects has {g.NumPoints} vertices; at most {MaxVertices}.");
        var stored = crs.IsCrs84 ? g
            : GridSpatial.Partitioner.Projection.CoordinateMapper.Map(g, c => crs.ToStored(c.X, c.Y));
        if (stored.Coordinates.Any(c => !double.IsFinite(c.X) || !double.IsFinite(c.Y) || Math.Abs(c.X) > 180 || Math.Abs(c.Y) > 90))
            throw Invalid($"intersects 的坐标不在 {crs.Uri} 的范围内（注意坐标轴顺序）。", $"intersects has coordinates outside {crs.Uri} (mind its axis order).");
        if (stored is Polygon or MultiPolygon && new IsValidOp(stored).ValidationError is { } error)
            throw Invalid($"intersects 不是有效的多边形：{error.Message}。", $"intersects is not a valid polygon: {error.Message} at ({error.Coordinate?.X}, {error.Coordinate?.Y}).");
        stored.SRID = 4326;
        return stored;
    }

    private static Infrastructure.ApiException Invalid(string chinese, string english) => OgcProblem.Invalid("intersects", chinese, english);
}
