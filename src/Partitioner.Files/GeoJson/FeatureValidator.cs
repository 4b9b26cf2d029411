using System.Globalization;
using System.Text.Json;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Files.GeoJson;

/// <summary>Turns RFC 7946 features into validated values, refusing anything the contract does
/// not allow with an <see cref="InputException"/> that names the feature (index and id) and the
/// field: wrong geometry type, invalid or self-intersecting polygons, coordinates out of range or
/// swapped, features outside their township, duplicate ids, missing or mistyped properties.
/// The one reader of input features: the service's imports and edits and the <c>partition</c>
/// command's files (<see cref="GeoJsonInputReader"/>) go through it; the rules themselves are
/// <see cref="InputRules"/>, which the Partitioner's boundary applies too.</summary>
public sealed class FeatureValidator
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private readonly string _layer;
    private readonly Geometry? _township;
    private readonly IndexedPointInAreaLocator? _inTownship;
    //-- One entry per id of the upload (where it first appeared): the only state that grows with it.
    private readonly Dictionary<string, int> _firstIndex = new(StringComparer.Ordinal);

    /// <param name="maxVertices">Vertices one geometry may have (the service's <c>Limits:MaxVertices</c>).</param>
    /// <param name="crs">The CRS the coordinates are sent in (WGS 84 when null): geometries are
    /// checked against it (<see cref="CrsFit"/>) and converted to WGS 84 before every other rule.</param>
    public FeatureValidator(string layer, Geometry? township, int maxVertices = InputRules.DefaultMaxVertices, Crs? crs = null)
    {
        Crs = crs ?? InputCrs.Epsg4326;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVertices, 1);
        MaxVertices = maxVertices;
        _layer = layer;
        _township = township;
        _inTownship = township is null ? null : new IndexedPointInAreaLocator(township);
    }

    /// <summary>Vertices one geometry may have; more is refused as input, not worked on.</summary>
    public int MaxVertices { get; }

    /// <summary>The CRS coordinates arrive in.</summary>
    public Crs Crs { get; }

    public TownshipRow Township(JsonElement feature, int index)
    {
        var props = Properties(feature, index, null);
        var code = Code(props, "code", index, DivisionLevel.Township, null, "county + township segment");
        var name = RequiredString(props, "name", index, code.Value);
        int segment = int.Parse(code.Value[6..], CultureInfo.InvariantCulture);
        var kind = OptionalString(props, "kind", index, code.Value) ?? segment switch
        {
            < 100 => "subdistrict",
            < 200 => "town",
            < 400 => "township",
            _ => "other",
        };
        if (kind is not ("subdistrict" or "town" or "township" or "other"))
            throw new InputException(_layer, index, code.Value, "kind", $"Township '{code}': 'kind' must be subdistrict, town, township or other, not '{kind}'.");
        bool urban = OptionalBool(props, "urban", index, code.Value) ?? segment < 100;
        var geom = Polygonal(feature, index, code.Value);
        return new TownshipRow(code, name, kind, urban, geom);
    }

    /// <summary>A village of <paramref name="township"/>; with none, its code's parent is checked later (<see cref="InputValidator"/>).</summary>
    public VillageRow Village(JsonElement feature, int index, DivisionCode? township)
    {
        var props = Properties(feature, index, null);
        var code = Code(props, "code", index, DivisionLevel.Village, township, township is null ? "township + village segment" : $"starting with the township code {township}");
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
        var p = InputRules.Point(Geometry(feature, index, id), _layer, index, id);
        if (_inTownship is not null && _inTownship.Locate(p.Coordinate) == Location.Exterior)
            throw new InputException(_layer, index, id, "geometry", $"Household '{id}' (#{index}) at ({p.X}, {p.Y}) lies outside its township.");
        return new HouseholdRow(id,
            OptionalIdentifier(OptionalString(props, "building_id", index, id), "building_id", index, id),
            OptionalInt(props, "floor", index, id, -10, 200),
            InputRules.Unit(OptionalString(props, "unit", index, id), _layer, index, id),
            OptionalString(props, "room", index, id),
            OptionalString(props, "address", index, id),
            OptionalInt(props, "persons", index, id, 0, 1000),
            props.GetRawText(), p);
    }

    /// <summary>A unit of a departmental layer (多网合一): its own <c>code</c> (an identifier, unique in
    /// the upload), an optional <c>name</c>, a polygon that must reach into the township (it may also
    /// reach beyond it: departments draw their own borders, and the fit report says where).</summary>
    public DepartmentalUnitRow DepartmentalUnit(JsonElement feature, int index)
    {
        var props = Properties(feature, index, null);
        var code = Identifier(RequiredString(props, "code", index, null), "code", index, null);
        Unique(code, index, "code");
        var name = OptionalString(props, "name", index, code);
        var geom = Polygonal(feature, index, code);
        if (_township is not null && !_township.Intersects(geom))
            throw new InputException(_layer, index, code, "geometry", $"Unit '{code}' (#{index}) lies wholly outside its township.");
        return new DepartmentalUnitRow(code, name, props.GetRawText(), geom);
    }

    /// <summary>A barrier (road, river, railway: kind defaults to road).</summary>
    public LineRow Barrier(JsonElement feature, int index) => Line(feature, index, "road");

    /// <summary>A street (lane, street, track, path, ditch: kind defaults to street).</summary>
    public LineRow Street(JsonElement feature, int index) => Line(feature, index, "street");

    private LineRow Line(JsonElement feature, int index, string defaultKind)
    {
        var props = Properties(feature, index, null);
        var id = Identifier(RequiredString(props, "id", index, null), "id", index, null);
        Unique(id, index);
        var lines = InputRules.Lineal(Geometry(feature, index, id), _layer, index, id) switch
        {
            LineString l => Factory.CreateMultiLineString([l]),
            var m => (MultiLineString)m,
        };
        var kind = OptionalString(props, "kind", index, id) ?? defaultKind;
        return new LineRow(id, kind, OptionalString(props, "name", index, id), props.GetRawText(), lines);
    }

    private void Unique(string id, int index, string field = "id")
    {
        if (!_firstIndex.TryAdd(id, index))
            throw new InputException(_layer, index, id, field, $"Feature #{index}: {field} '{id}' appears twice in this upload (first at #{_firstIndex[id]}).");
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

    private string Identifier(string value, string name, int index, string? id) => InputRules.Identifier(value, _layer, index, id, name);

    private string? OptionalIdentifier(string? value, string name, int index, string? id) => value is null ? null : Identifier(value, name, index, id);

    /// <summary>A code property, parsed once (<see cref="DivisionCode"/>): a JSON string of the level's
    /// digits or — as GIS tools export codes — a JSON integer written with exactly those digits.
    /// Signs, exponents, fractions, spaces, padding and other scripts' digits are refused.</summary>
    private DivisionCode Code(JsonElement props, string name, int index, DivisionLevel level, DivisionCode? parent, string what)
    {
        if (!props.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            throw new InputException(_layer, index, null, name, $"Feature #{index} has no property '{name}'.");
        var text = v.ValueKind switch
        {
            JsonValueKind.String => Text(v, name, index, null),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
        return InputRules.Code(text, level, parent, _layer, index, name, what,
            text is null ? v.ValueKind.ToString().ToLowerInvariant() : $"'{InputRules.Shorten(text)}'");
    }

    /// <summary>A JSON string the store can hold (<see cref="StorableText"/>).</summary>
    private string Text(JsonElement v, string name, int index, string? id)
    {
        string? s = null;
        try { s = v.GetString(); }
        catch (InvalidOperationException) { }
        return InputRules.Text(s, _layer, index, id, name);
    }

    private string RequiredString(JsonElement props, string name, int index, string? id) =>
        OptionalString(props, name, index, id) is { Length: > 0 } s
            ? s
            : throw new InputException(_layer, index, id, name, $"Feature #{index}{(id is null ? "" : $" '{id}'")} has no property '{name}'.");

    private string? OptionalString(JsonElement props, string name, int index, string? id)
    {
        if (!props.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => Text(v, name, index, id),
            JsonValueKind.Number => InputRules.Text(v.GetRawText(), _layer, index, id, name),
            _ => throw new InputException(_layer, index, id, name, $"Feature #{index}{(id is null ? "" : $" '{id}'")}: '{name}' must be a string, not {v.ValueKind.ToString().ToLowerInvariant()}."),
        };
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

    /// <summary>The feature's geometry, altitude dropped, checked as every input geometry is (<see cref="InputRules"/>).</summary>
    public Geometry Geometry(JsonElement feature, int index, string? id)
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
        InputRules.Vertices(geom, MaxVertices, _layer, index, id);
        if (CrsFit.Explain(Crs, geom.EnvelopeInternal, _township?.EnvelopeInternal) is { } misfit)
            throw new InputException(_layer, index, id, "crs", $"{InputRules.Feature(index, id)}: {misfit}");
        if (!Crs.IsWgs84) geom = Crs.ToWgs84(geom);
        InputRules.Coordinates(geom, _township?.EnvelopeInternal, _layer, index, id);
        return geom;
    }

    private MultiPolygon Polygonal(JsonElement feature, int index, string? id) =>
        InputRules.Polygonal(Geometry(feature, index, id), _layer, index, id) switch
        {
            Polygon p => Factory.CreateMultiPolygon([p]),
            var m => (MultiPolygon)m,
        };
}
