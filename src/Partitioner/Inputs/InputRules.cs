using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Households;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace GridSpatial.Partitioner.Inputs;

/// <summary>The one set of rules an input feature must meet, whoever reads it: the
/// <c>partition</c> command's files, the service's imports and edits, and the Partitioner's own
/// boundary (<see cref="InputValidator"/>). Each rule refuses with an <see cref="InputException"/>
/// naming the layer, the feature (index and id) and the field.</summary>
public static class InputRules
{
    /// <summary>Vertices one geometry may have unless the reader says otherwise: more is refused as input, not worked on.</summary>
    public const int DefaultMaxVertices = 200_000;

    /// <summary>Characters a text property may have.</summary>
    public const int MaxTextLength = 500;

    /// <summary>Ids are identifiers, not text: letters (any script), digits and _ . : @ + -, at most 100,
    /// never "." or "..": each one reachable as a URL path segment (no / # ? % or spaces).</summary>
    private static readonly System.Text.RegularExpressions.Regex IdPattern =
        new(@"^(?!\.\.?$)[\p{L}\p{N}_.:@+\-]{1,100}$", System.Text.RegularExpressions.RegexOptions.Compiled);

    public static string Identifier(string value, string layer, int? index, string? id, string field) =>
        IdPattern.IsMatch(value)
            ? value
            : throw new InputException(layer, index, id, field, $"{Feature(index, null)}: '{field}' must be 1–100 letters, digits or _ . : @ + - (got '{Shorten(value)}').");

    /// <summary>Text the store can hold (<see cref="StorableText"/>) and of at most <see cref="MaxTextLength"/> characters.</summary>
    public static string Text(string? value, string layer, int? index, string? id, string field)
    {
        if (value is null || !StorableText.IsStorable(value))
            throw new InputException(layer, index, id, field, $"{Feature(index, null)}: '{field}' is not storable text (a NUL character, a lone surrogate or invalid UTF-8).");
        if (value.Length > MaxTextLength)
            throw new InputException(layer, index, id, field, $"{Feature(index, null)}: '{field}' is longer than {MaxTextLength} characters.");
        return value;
    }

    /// <summary>Characters a unit (单元) may have.</summary>
    public const int MaxUnitLength = 32;

    /// <summary>A building's unit (单元): storable text (<see cref="Text"/>) of at most
    /// <see cref="MaxUnitLength"/> characters with no control characters, returned as the
    /// partition uses it (<see cref="BuildingUnit.Normalize"/>: trimmed, null when blank).</summary>
    public static string? Unit(string? value, string layer, int? index, string? id)
    {
        if (value is null) return null;
        var unit = BuildingUnit.Normalize(Text(value, layer, index, id, "unit"));
        if (unit is null) return null;
        if (unit.Length > MaxUnitLength)
            throw new InputException(layer, index, id, "unit", $"{Feature(index, id)}: 'unit' is longer than {MaxUnitLength} characters (got '{Shorten(unit)}').");
        if (unit.Any(char.IsControl))
            throw new InputException(layer, index, id, "unit", $"{Feature(index, id)}: 'unit' has a control character (a line break or tab); name the unit as it is written, e.g. \"2\" or \"3单元\".");
        return unit;
    }

    /// <summary>A code of <paramref name="level"/>, parsed once (<see cref="DivisionCode"/>), below
    /// <paramref name="parent"/> when one is given. <paramref name="shown"/> is how the value was written.</summary>
    public static DivisionCode Code(string? text, DivisionLevel level, DivisionCode? parent, string layer, int? index, string field, string what, string shown)
    {
        if (!DivisionCode.TryParse(text, out var code, level) || (parent is not null && code.Parent != parent))
            throw new InputException(layer, index, DivisionCode.TryParse(text, out _) ? text : null, field,
                $"{Feature(index, null)}: '{field}' must be {(int)level} digits ({what}), not {shown}.");
        return code;
    }

    /// <summary>At most <paramref name="maxVertices"/> vertices.</summary>
    public static void Vertices(Geometry geometry, int maxVertices, string layer, int? index, string? id)
    {
        if (geometry.NumPoints > maxVertices)
            throw new InputException(layer, index, id, "geometry", $"{Feature(index, id)} has {geometry.NumPoints:N0} vertices; at most {maxVertices:N0} are accepted.");
    }

    /// <summary>Finite lon/lat coordinates in range; a geometry whose coordinates, or whose extent
    /// against <paramref name="township"/>'s, look swapped is named so.</summary>
    public static void Coordinates(Geometry geometry, Envelope? township, string layer, int? index, string? id)
    {
        foreach (var c in geometry.Coordinates) LonLat(c, layer, index, id);
        if (township is not null && !geometry.IsEmpty) Within(geometry.EnvelopeInternal, township, layer, index, id);
    }

    /// <summary><see cref="Coordinates(Geometry, Envelope?, string, int?, string?)"/> of a point given as its coordinate (a household's location).</summary>
    public static void Coordinates(Coordinate c, Envelope township, string layer, int? index, string? id)
    {
        LonLat(c, layer, index, id);
        if (!township.Intersects(c)) Within(new Envelope(c), township, layer, index, id);
    }

    private static void LonLat(Coordinate c, string layer, int? index, string? id)
    {
        if (!double.IsFinite(c.X) || !double.IsFinite(c.Y))
            throw new InputException(layer, index, id, "geometry", $"{Feature(index, id)} has a coordinate that is not a finite number.");
        if (Math.Abs(c.X) > 180 || Math.Abs(c.Y) > 90)
        {
            bool swapped = Math.Abs(c.Y) <= 180 && Math.Abs(c.X) <= 90;
            throw new InputException(layer, index, id, "geometry",
                (swapped ? $"{Feature(index, id)}: 经纬度看起来颠倒了（{c.X}, {c.Y}），应为 [经度, 纬度]。" : $"{Feature(index, id)}: 坐标 ({c.X}, {c.Y}) 超出经纬度范围。") +
                $"{Feature(index, id)} has coordinate ({c.X}, {c.Y}) out of range" +
                (swapped ? ": longitude and latitude look swapped (RFC 7946 order is [lon, lat])." : "."));
        }
    }

    /// <summary>Refuses a feature outside the township whose extent, with longitude and latitude swapped, reaches into it.</summary>
    private static void Within(Envelope e, Envelope township, string layer, int? index, string? id)
    {
        if (!township.Intersects(e) && township.Intersects(new Envelope(e.MinY, e.MaxY, e.MinX, e.MaxX)))
            throw new InputException(layer, index, id, "geometry", $"{Feature(index, id)}: 经纬度看起来颠倒了，应为 [经度, 纬度]。Longitude and latitude look swapped (RFC 7946 order is [lon, lat]).");
    }

    public static Point Point(Geometry geometry, string layer, int? index, string? id) =>
        geometry is Point { IsEmpty: false } p
            ? p
            : throw new InputException(layer, index, id, "geometry", $"{Feature(index, id)} must be a Point, not {geometry.GeometryType}.");

    /// <summary>A non-empty, valid Polygon or MultiPolygon, returned as it is.</summary>
    public static Geometry Polygonal(Geometry geometry, string layer, int? index, string? id)
    {
        if (geometry is not (Polygon or MultiPolygon) || geometry.IsEmpty)
            throw new InputException(layer, index, id, "geometry", $"{Feature(index, id)} must be a Polygon or MultiPolygon, not {geometry.GeometryType}.");
        var error = new IsValidOp(geometry).ValidationError;
        if (error is not null)
            throw new InputException(layer, index, id, "geometry",
                $"{Feature(index, id)} is not a valid polygon: {error.Message} at ({error.Coordinate?.X}, {error.Coordinate?.Y}).");
        return geometry;
    }

    /// <summary>A non-empty LineString or MultiLineString, returned as it is.</summary>
    public static Geometry Lineal(Geometry geometry, string layer, int? index, string? id) =>
        geometry is (LineString or MultiLineString) and { IsEmpty: false }
            ? geometry
            : throw new InputException(layer, index, id, "geometry", $"{Feature(index, id)} must be a LineString or MultiLineString, not {geometry.GeometryType}.");

    /// <summary>How messages name a feature: "Feature #3 'h1'".</summary>
    public static string Feature(int? index, string? id) => $"Feature{(index is { } i ? $" #{i}" : "")}{(id is null ? "" : $" '{id}'")}";

    public static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
