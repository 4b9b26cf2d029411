using System.Globalization;
using System.Text.Json;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Files.GeoJson;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Files;

/// <summary>Reads the <c>partition</c> command's inputs (DESIGN §4): RFC 7946 GeoJSON files and
/// an earlier output folder. Features are read and refused as the service's imports are
/// (<see cref="FeatureReader"/>, <see cref="FeatureValidator"/>): the same rules, the same
/// <see cref="InputException"/> naming the file's feature and field.</summary>
public static class GeoJsonInputReader
{
    /// <param name="crs">The CRS of the file's coordinates (<see cref="InputCrs"/>), converted to WGS 84 as they are validated; WGS 84 when null.</param>
    public static TownshipInput ReadTownship(string path, Crs? crs = null)
    {
        var features = ReadFeatures(path, "township");
        if (features.Count != 1)
            throw new InputException("township", null, null, "features", $"{path} must hold exactly one township feature, not {features.Count}.");
        var t = new FeatureValidator("township", null, crs: crs).Township(features[0], 0);
        return new TownshipInput(t.Code.Value, t.Name, OnePart(t.Geom));
    }

    public static IReadOnlyList<HouseholdInput> ReadHouseholds(string path, Crs? crs = null) =>
        Validate(path, "households", crs, (v, f, i) =>
        {
            var h = v.Household(f, i);
            return new HouseholdInput(h.Id, h.Geom.Coordinate, h.BuildingId, h.Floor, h.Unit);
        });

    public static IReadOnlyList<BuildingInput> ReadBuildings(string path, Crs? crs = null) =>
        Validate(path, "buildings", crs, (v, f, i) =>
        {
            var b = v.Building(f, i);
            return new BuildingInput(b.Id, OnePart(b.Geom), b.Floors);
        });

    public static IReadOnlyList<BarrierInput> ReadBarriers(string path, Crs? crs = null) =>
        Validate(path, "barriers", crs, (v, f, i) =>
        {
            var r = v.Barrier(f, i);
            return new BarrierInput(r.Id, OnePart(r.Geom), r.Kind);
        });

    public static IReadOnlyList<StreetInput> ReadStreets(string path, Crs? crs = null) =>
        Validate(path, "streets", crs, (v, f, i) =>
        {
            var r = v.Street(f, i);
            return new StreetInput(r.Id, OnePart(r.Geom), r.Kind);
        });

    /// <summary>Villages; their codes' township is checked against the township file's by the Partitioner.</summary>
    public static IReadOnlyList<VillageInput> ReadVillages(string path, Crs? crs = null) =>
        Validate(path, "villages", crs, (v, f, i) =>
        {
            var g = v.Village(f, i, null);
            return new VillageInput(g.Code.Value, g.Name, OnePart(g.Geom));
        });

    private static List<T> Validate<T>(string path, string layer, Crs? crs, Func<FeatureValidator, JsonElement, int, T> read)
    {
        var validator = new FeatureValidator(layer, null, crs: crs);
        var features = ReadFeatures(path, layer);
        var result = new List<T>(features.Count);
        for (int i = 0; i < features.Count; i++) result.Add(read(validator, features[i], i));
        return result;
    }

    private static List<JsonElement> ReadFeatures(string path, string layer)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return FeatureReader.Read(stream, layer).ToList();
        }
        catch (InputException e) when (e.Index is null)
        {
            throw new InputException(layer, null, null, e.Field, $"{path} is not valid GeoJSON: {e.Message}");
        }
    }

    //-- The validator gives polygons as MultiPolygons and lines as MultiLineStrings (the store's
    // types); the Partitioner is given a one-part geometry as that part, as it was before.
    private static Geometry OnePart(Geometry g) => g.NumGeometries == 1 ? g.GetGeometryN(0) : g;

    internal static FeatureCollection ReadCollection(string path, string layer)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var fc = JsonSerializer.Deserialize<FeatureCollection>(stream, PartitionJson.Options)
                ?? throw new InputException(layer, null, null, "type", $"{path} holds no FeatureCollection.");
            foreach (var f in fc)
                if (f.Geometry is not null) f.Geometry = Flattening.Flatten(f.Geometry);
            return fc;
        }
        catch (JsonException e)
        {
            throw new InputException(layer, null, null, e.Path ?? "$", $"{path} is not valid GeoJSON: {e.Message}");
        }
    }

    public static PartitionOptionsFile ReadOptions(string path)
    {
        try
        {
            var json = File.ReadAllBytes(path);
            var options = JsonSerializer.Deserialize<PartitionOptions>(json, PartitionJson.Options) ?? new PartitionOptions();
            return new PartitionOptionsFile(options, JsonSerializer.Deserialize<CrsSetting>(json, PartitionJson.Options)?.InputCrs ?? InputCrs.Wgs84);
        }
        catch (JsonException e)
        {
            throw new InputException("options", null, null, e.Path ?? "$", $"{path} is not a valid options file: {e.Message}");
        }
    }

    internal static string? String(IFeature f, string name)
    {
        if (f.Attributes is null || !f.Attributes.Exists(name)) return null;
        return f.Attributes[name] switch
        {
            null => null,
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            JsonElement e => e.GetRawText(),
            IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
            var o => o.ToString(),
        };
    }

    internal static bool Bool(IFeature f, string name) => String(f, name) is "true" or "True" or "1";

    /// <summary>The options file's <c>input_crs</c>, beside the partition's own options.</summary>
    private sealed record CrsSetting(string? InputCrs);
}
