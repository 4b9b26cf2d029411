using System.Globalization;
using System.Text.Json;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Files;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace GridSpatial.GeoApi.Features.Import;

/// <summary>Turns RFC 7946 features into rows, refusing anything the store must not hold with
/// an <see cref="InputException"/> that names the feature (index and id) and the field: wrong
/// geometry type, invalid or self-intersecting polygons, coordinates out of range or swapped,
/// features outside their township, duplicate ids, missing or mistyped properties.</summary>
public sealed class FeatureValidator
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>Vertices one geometry may have (Limits:MaxVertices); more is refused as input, not worked on.</summary>
    public static int MaxVertices { get; set; } = 200_000;

    private readonly string _layer;
    private readonly Geometry? _township;
    private readonly IndexedPointInAreaLocator? _inTownship;
    //-- One entry per id of the upload (where it first appeared): the only state that grows with it.
    private readonly Dictionary<string, int> _firstIndex = new(StringComparer.Ordinal);

    public FeatureValidator(string layer, Geometry? township)
    {
        _layer = layer;
        _township = township;
        _inTownship = township is null ? null : new IndexedPointInAreaLocator(township);
    }

    public static TownshipRow Township(JsonElement feature, int index)
    {
        var v = new FeatureValidator("townships", null);
        var props = v.Properties(feature, index, null);
        var code = v.Code(props, "code", index, DivisionLevel.Township, "county + township segment");
        var name = v.RequiredString(props, "name", index, code.Value);
        int segment = int.Parse(code.Value[6..], CultureInfo.InvariantCulture);
        var kind = v.OptionalString(props, "kind", index, code.Value) ?? segment switch
        {
            < 100 => "subdistrict",
            < 200 => "town",
            < 400 => "township",
            _ => "other",
        };
        if (kind is not ("subdistrict" or "town" or "township" or "other"))
            throw new InputException("townships", index, code.Value, "kind", $"Township '{code}': 'kind' must be subdistrict, town, township or other, not '{kind}'.");
        bool urban = v.OptionalBool(props, "urban", index, code.Value) ?? segment < 100;
        var geom = v.Polygonal(feature, index, code.Value);
        return new TownshipRow(code, name, kind, urban, geom);
    }

    public VillageRow Village(JsonElement feature, int index, DivisionCode township)
    {
        var props = Properties(feature, index, null);
        var code = Code(props, "code", index, DivisionLevel.Village, $"starting with the township code {township}");
        if (code.Parent != township)
            throw new InputException(_layer, index, code.Value, "code", $"Feature #{index}: village 'code' must be 12 digits starting with the township code {township}, not '{code}'.");
        Unique(code.Value, index);
        var name = RequiredString(props, "name", index, code.Value);
        int segment = int.Parse(code.Value[9..], CultureInfo.InvariantCulture);
        bool urban = OptionalBool(props, "urban", index, code.Value) ?? (OptionalString(props, "kind", index, code.Value) is { } k ? k == "urban" : segment is >= 1 and < 200);
        var geom = Polygonal(feature, index, code.Value);
        if (_township is not null && geom.Difference(_township).Area > 0.01 * geom.Area)
            throw new InputException(_layer, index, code.Value, "geometry", $"Village '{code}' (#{index}) lies outside its township {township}.");
        return new VillageRow(code, name, urban, geom);
    }

    public BuildingRow Building(JsonElement feature, int index)
    {
        var props = Properties(feature, index, null);
        var id = Identifier(RequiredString(props, "id", index, null), "id", index, null);
        Unique(id, index);
        var floors = OptionalInt(props, "floors", index, id, 1, 200);
        var use = OptionalString(props, "use", index, id);
        var geom = Polygonal(feature, index, id);
        if (_inTownship is not null && _inTownship.Locate(geom.Centroid.Coordinate) == Location.Exterior)
            throw new InputException(_layer, index, id, "geometry", $"Building '{id}' (#{index}) lies outside its township.");
        return new BuildingRow(id, floors, use, props.GetRawText(), geom);
    }

    public HouseholdRow Household(JsonElement feature, int index)
    {
        var props = Properties(feature, index, null);
        var id = Identifier(RequiredString(props, "id", index, null), "id", index, null);
        Unique(id, index);
        var geom = Geometry(feature, index, id);
        if (geom is not Point p || p.IsEmpty)
            throw new InputException(_layer, index, id, "geometry", $"Household '{id}' (#{index}) must be a Point, not {geom.GeometryType}.");
        if (_inTownship is not null && _inTownship.Locate(p.Coordinate) == Location.Exterior)
            throw new InputException(_layer, index, id, "geometry", $"Household '{id}' (#{index}) at ({p.X}, {p.Y}) lies outside its township.");
        return new HouseholdRow(id,
            OptionalIdentifier(OptionalString(props, "building_id", index, id), "building_id", index, id),
            OptionalInt(props, "floor", index, id, -10, 200),
            OptionalString(props, "unit", index, id),
            OptionalString(props, "room", index, id),
            OptionalString(props, "address", index, id),
            OptionalInt(props, "persons", index, id, 0, 1000),
            props.GetRawText(), p);
    }

    public BarrierRow Barrier(JsonElement feature, int index)
    {
        var props = Properties(feature, index, null);
        var id = Identifier(RequiredString(props, "id", index, null), "id", index, null);
        Unique(id, index);
        var geom = Geometry(feature, index, id);
        var lines = geom switch
        {
            LineString l when !l.IsEmpty => Factory.CreateMultiLineString([l]),
            MultiLineString m when !m.IsEmpty => m,
            _ => throw new InputException(_layer, index, id, "geometry", $"Barrier '{id}' (#{index}) must be a LineString or MultiLineString, not {geom.GeometryType}."),
        };
        var kind = OptionalString(props, "kind", index, id) ?? "road";
        return new BarrierRow(id, kind, OptionalString(props, "name", index, id), props.GetRawText(), lines);
    }

    private void Unique(string id, int index)
    {
        if (!_firstIndex.TryAdd(id, index))
            throw new InputException(_layer, index, id, "id", $"Feature #{index}: id '{id}' appears twice in this upload (first at #{_firstIndex[id]}).");
    }

    private JsonElement Properties(JsonElement feature, int index, string? id)
    {
        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String || !t.ValueEquals("Feature"))
            throw new InputException(_layer, index, id, "type", $"Feature #{index} is not a GeoJSON Feature object.");
        if (!feature.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object)
            throw new InputException(_layer, index, id, "properties", $"Feature #{index} has no 'properties' object.");
        //-- Properties are stored whole (jsonb): every string in them must be storable, not only the known ones.
        if (StorableText.FirstUnstorable(props, "") is { } bad)
            throw new InputException(_layer, index, id, bad.Length == 0 ? "properties" : bad,
                $"Feature #{index}: property '{bad}' is not storable text (a NUL character, a lone surrogate or invalid UTF-8).");
        return props;
    }

    /// <summary>Ids are identifiers, not text: letters (any script), digits and _ . : @ + -, at most 100,
    /// never "." or "..": each one reachable as a URL path segment (no / # ? % or spaces).</summary>
    private static readonly System.Text.RegularExpressions.Regex IdPattern = new(@"^(?!\.\.?$)[\p{L}\p{N}_.:@+\-]{1,100}$", System.Text.RegularExpressions.RegexOptions.Compiled);

    private string Identifier(string value, string name, int index, string? id) =>
        IdPattern.IsMatch(value)
            ? value
            : throw new InputException(_layer, index, id, name, $"Feature #{index}: '{name}' must be 1–100 letters, digits or _ . : @ + - (got '{(value.Length > 40 ? value[..40] + "…" : value)}').");

    private string? OptionalIdentifier(string? value, string name, int index, string? id) => value is null ? null : Identifier(value, name, index, id);

    /// <summary>A code property, parsed once (<see cref="DivisionCode"/>): a JSON string of the level's
    /// digits or — as GIS tools export codes — a JSON integer written with exactly those digits.
    /// Signs, exponents, fractions, spaces, padding and other scripts' digits are refused.</summary>
    private DivisionCode Code(JsonElement props, string name, int index, DivisionLevel level, string what)
    {
        int digits = (int)level;
        if (!props.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            throw new InputException(_layer, index, null, name, $"Feature #{index} has no property '{name}'.");
        var text = v.ValueKind switch
        {
            JsonValueKind.String => Text(v, name, index, null),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
        if (!DivisionCode.TryParse(text, out var code, level))
            throw new InputException(_layer, index, null, name,
                $"Feature #{index}: '{name}' must be {digits} digits ({what}), not {(text is null ? v.ValueKind.ToString().ToLowerInvariant() : $"'{Shorten(text)}'")}.");
        return code;
    }

    /// <summary>A JSON string the store can hold (<see cref="StorableText"/>).</summary>
    private string Text(JsonElement v, string name, int index, string? id)
    {
        string? s = null;
        try { s = v.GetString(); }
        catch (InvalidOperationException) { }
        return s is not null && StorableText.IsStorable(s)
            ? s
            : throw new InputException(_layer, index, id, name, $"Feature #{index}: '{name}' is not storable text (a NUL character, a lone surrogate or invalid UTF-8).");
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private string RequiredString(JsonElement props, string name, int index, string? id) =>
        OptionalString(props, name, index, id) is { Length: > 0 } s
            ? s
            : throw new InputException(_layer, index, id, name, $"Feature #{index}{(id is null ? "" : $" '{id}'")} has no property '{name}'.");

    private string? OptionalString(JsonElement props, string name, int index, string? id)
    {
        if (!props.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        var s = v.ValueKind switch
        {
            JsonValueKind.String => Text(v, name, index, id),
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new InputException(_layer, index, id, name, $"Feature #{index}{(id is null ? "" : $" '{id}'")}: '{name}' must be a string, not {v.ValueKind.ToString().ToLowerInvariant()}."),
        };
        if (s is not null && s.Length > 500)
            throw new InputException(_layer, index, id, name, $"Feature #{index}: '{name}' is longer than 500 characters.");
        return s;
    }

    private int? OptionalInt(JsonElement props, string name, int index, string? id, int min, int max)
    {
        if (!props.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= min && n <= max) return n;
        if (v.ValueKind == JsonValueKind.String && int.TryParse(Text(v, name, index, id), NumberStyles.Integer, CultureInfo.InvariantCulture, out n) && n >= min && n <= max) return n;
        throw new InputException(_layer, index, id, name, $"Feature #{index}{(id is null ? "" : $" '{id}'")}: '{name}' must be a whole number from {min} to {max}, not {v.GetRawText()}.");
    }

    private bool? OptionalBool(JsonElement props, string name, int index, string? id)
    {
        if (!props.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InputException(_layer, index, id, name, $"Feature #{index}: '{name}' must be true or false."),
        };
    }

    internal Geometry Geometry(JsonElement feature, int index, string? id)
    {
        if (!feature.TryGetProperty("geometry", out var g) || g.ValueKind != JsonValueKind.Object)
            throw new InputException(_layer, index, id, "geometry", $"Feature #{index}{(id is null ? "" : $" '{id}'")} has no geometry.");
        Geometry? geom;
        try
        {
            geom = g.Deserialize<Geometry>(PartitionJson.Options);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException or IndexOutOfRangeException or NullReferenceException)
        {
            throw new InputException(_layer, index, id, "geometry", $"Feature #{index}{(id is null ? "" : $" '{id}'")} has a malformed geometry: {e.Message}");
        }
        if (geom is null) throw new InputException(_layer, index, id, "geometry", $"Feature #{index} has no geometry.");
        geom = Flattening.Flatten(geom);
        if (geom.NumPoints > MaxVertices)
            throw new InputException(_layer, index, id, "geometry", $"Feature #{index}{(id is null ? "" : $" '{id}'")} has {geom.NumPoints:N0} vertices; at most {MaxVertices:N0} are accepted.");
        foreach (var c in geom.Coordinates)
        {
            if (!double.IsFinite(c.X) || !double.IsFinite(c.Y))
                throw new InputException(_layer, index, id, "geometry", $"Feature #{index}{(id is null ? "" : $" '{id}'")} has a coordinate that is not a finite number.");
            if (Math.Abs(c.X) > 180 || Math.Abs(c.Y) > 90)
            {
                bool swapped = Math.Abs(c.Y) <= 180 && Math.Abs(c.X) <= 90;
                throw new InputException(_layer, index, id, "geometry",
                    $"Feature #{index}{(id is null ? "" : $" '{id}'")} has coordinate ({c.X}, {c.Y}) out of range" +
                    (swapped ? ": longitude and latitude look swapped (RFC 7946 order is [lon, lat])." : "."));
            }
        }
        if (_township is not null && !geom.IsEmpty && !_township.EnvelopeInternal.Intersects(geom.EnvelopeInternal))
        {
            var swappedEnv = new Envelope(geom.EnvelopeInternal.MinY, geom.EnvelopeInternal.MaxY, geom.EnvelopeInternal.MinX, geom.EnvelopeInternal.MaxX);
            if (_township.EnvelopeInternal.Intersects(swappedEnv))
                throw new InputException(_layer, index, id, "geometry", $"Feature #{index}{(id is null ? "" : $" '{id}'")}: longitude and latitude look swapped (RFC 7946 order is [lon, lat]).");
        }
        return geom;
    }

    private MultiPolygon Polygonal(JsonElement feature, int index, string? id)
    {
        var geom = Geometry(feature, index, id);
        var mp = geom switch
        {
            Polygon p when !p.IsEmpty => Factory.CreateMultiPolygon([p]),
            MultiPolygon m when !m.IsEmpty => m,
            _ => throw new InputException(_layer, index, id, "geometry", $"Feature #{index}{(id is null ? "" : $" '{id}'")} must be a Polygon or MultiPolygon, not {geom.GeometryType}."),
        };
        var error = new IsValidOp(mp).ValidationError;
        if (error is not null)
            throw new InputException(_layer, index, id, "geometry",
                $"Feature #{index}{(id is null ? "" : $" '{id}'")} is not a valid polygon: {error.Message} at ({error.Coordinate?.X}, {error.Coordinate?.Y}).");
        return mp;
    }
}
