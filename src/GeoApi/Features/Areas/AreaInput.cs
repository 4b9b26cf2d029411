using System.Globalization;
using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Areas;

/// <summary>The area of a request, as stored geometry (WGS 84 lon/lat): a GeoJSON (Multi)Polygon, a
/// Point with <c>radius_m</c> (a circle) or a (Multi)LineString with <c>buffer_m</c> (a corridor), sent
/// as a bare geometry, a Feature (the distances in its properties) or <c>{"geometry": …, "radius_m": …}</c>,
/// in any CRS of the registry (<see cref="InputCrs"/>). Checked as every input geometry is
/// (<see cref="InputLimits"/>, <see cref="InputRules"/>); circles and corridors are drawn in the
/// area's metric projection. Any fault is a 400 naming the field (layer <c>area</c>).</summary>
public sealed class AreaInput
{
    public const string Layer = "area";
    public const double MaxDistanceM = 50_000, MaxAreaM2 = 2_000_000_000;

    private static readonly string[] GeometryTypes = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"];

    private AreaInput(Geometry geometry, AreaShape shape) => (Geometry, Shape) = (geometry, shape);

    /// <summary>The area in WGS 84 lon/lat (SRID 4326).</summary>
    public Geometry Geometry { get; }

    public AreaShape Shape { get; }

    public static AreaInput Parse(JsonElement root, Crs crs, InputLimits limits)
    {
        if (root.ValueKind != JsonValueKind.Object) throw Invalid("$", "请求体应为 GeoJSON 几何、Feature 或 {\"geometry\": …}。The body must be a GeoJSON geometry, a Feature or {\"geometry\": …}.");
        JsonElement options = root;
        string feature = root.GetRawText();
        if (root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && GeometryTypes.Contains(t.GetString()))
            feature = $"{{\"geometry\":{feature}}}";
        else if (root.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object)
            options = p;
        using var doc = JsonDocument.Parse(feature);
        var geometry = limits.Validator(Layer, null, crs).Geometry(doc.RootElement, 0, null);
        var radius = Distance(options, "radius_m");
        var buffer = Distance(options, "buffer_m");

        var projection = MetricProjection.For(geometry);
        string kind;
        Geometry metric;
        switch (geometry)
        {
            case Point:
                if (radius is not { } r) throw Invalid("radius_m", "点需要半径 radius_m（米）。A point needs radius_m (metres).");
                kind = "circle";
                metric = projection.Forward(geometry).Buffer(r, 32);
                break;
            case LineString or MultiLineString:
                if (buffer is not { } b) throw Invalid("buffer_m", "线需要缓冲距离 buffer_m（米）。A line needs buffer_m (metres).");
                kind = "corridor";
                metric = projection.Forward(geometry).Buffer(b, 16);
                break;
            case Polygon or MultiPolygon:
                InputRules.Polygonal(geometry, Layer, null, null);
                if (radius is not null) throw Invalid("radius_m", "radius_m 只用于点；多边形可用 buffer_m 外扩。radius_m goes with a point; a polygon may take buffer_m.");
                kind = "polygon";
                metric = projection.Forward(geometry);
                if (buffer is { } grow) metric = metric.Buffer(grow, 16);
                break;
            default:
                throw Invalid("geometry", $"区域应为多边形、带 radius_m 的点或带 buffer_m 的线，而不是 {geometry.GeometryType}。The area must be a (Multi)Polygon, a Point with radius_m or a line with buffer_m, not {geometry.GeometryType}.");
        }
        if (metric.Area > MaxAreaM2)
            throw Invalid("geometry", string.Create(CultureInfo.InvariantCulture,
                $"区域过大（{metric.Area / 1e6:F0} km²，上限 {MaxAreaM2 / 1e6:F0} km²）。The area is {metric.Area / 1e6:F0} km²; at most {MaxAreaM2 / 1e6:F0} km² per query."));
        var stored = kind == "polygon" && buffer is null ? geometry : projection.Inverse(metric);
        stored.SRID = 4326;
        return new AreaInput(stored, new AreaShape(kind, Math.Round(metric.Area, 1), crs.Code));
    }

    private static double? Distance(JsonElement options, string name)
    {
        if (!options.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d > 0 && d <= MaxDistanceM) return d;
        throw Invalid(name, string.Create(CultureInfo.InvariantCulture,
            $"{name} 应为大于 0、不超过 {MaxDistanceM:F0} 的米数。{name} must be a number of metres above 0 and at most {MaxDistanceM:F0}."));
    }

    private static ApiException Invalid(string field, string detail) =>
        new(400, "区域查询参数无效 (Invalid area)", detail, new() { ["layer"] = Layer, ["field"] = field });
}
