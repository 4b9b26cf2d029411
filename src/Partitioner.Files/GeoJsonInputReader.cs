using System.Globalization;
using System.Text.Json;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Files;

/// <summary>Reads the <c>partition</c> command's inputs (DESIGN §4): RFC 7946 GeoJSON files and
/// an earlier output folder. Refuses what the contract does not allow with an
/// <see cref="InputException"/> naming the file's feature and field.</summary>
public static class GeoJsonInputReader
{
    public static FeatureCollection ReadCollection(string path, string layer)
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

    public static TownshipInput ReadTownship(string path)
    {
        var fc = ReadCollection(path, "township");
        if (fc.Count != 1)
            throw new InputException("township", null, null, "features", $"{path} must hold exactly one township feature, not {fc.Count}.");
        var f = fc[0];
        var code = String(f, "code") ?? throw new InputException("township", 0, null, "code", "The township has no property 'code'.");
        return new TownshipInput(code, String(f, "name") ?? code, f.Geometry);
    }

    public static IReadOnlyList<HouseholdInput> ReadHouseholds(string path)
    {
        var fc = ReadCollection(path, "households");
        var result = new List<HouseholdInput>(fc.Count);
        for (int i = 0; i < fc.Count; i++)
        {
            var f = fc[i];
            var id = String(f, "id") ?? throw new InputException("households", i, null, "id", $"Household #{i} has no property 'id'.");
            if (f.Geometry is not Point p || p.IsEmpty)
                throw new InputException("households", i, id, "geometry", $"Household '{id}' (#{i}) must be a Point, not {f.Geometry?.GeometryType ?? "null"}.");
            result.Add(new HouseholdInput(id, p.Coordinate, String(f, "building_id"), Int(f, "floor", "households", i, id)));
        }
        return result;
    }

    public static IReadOnlyList<BuildingInput> ReadBuildings(string path)
    {
        var fc = ReadCollection(path, "buildings");
        var result = new List<BuildingInput>(fc.Count);
        for (int i = 0; i < fc.Count; i++)
        {
            var f = fc[i];
            var id = String(f, "id") ?? throw new InputException("buildings", i, null, "id", $"Building #{i} has no property 'id'.");
            result.Add(new BuildingInput(id, f.Geometry, Int(f, "floors", "buildings", i, id)));
        }
        return result;
    }

    public static IReadOnlyList<BarrierInput> ReadBarriers(string path)
    {
        var fc = ReadCollection(path, "barriers");
        var result = new List<BarrierInput>(fc.Count);
        for (int i = 0; i < fc.Count; i++)
        {
            var f = fc[i];
            var id = String(f, "id") ?? i.ToString("D6", CultureInfo.InvariantCulture);
            if (f.Geometry is null || f.Geometry.IsEmpty) continue;
            result.Add(new BarrierInput(id, f.Geometry, String(f, "kind")));
        }
        return result;
    }

    public static IReadOnlyList<VillageInput> ReadVillages(string path)
    {
        var fc = ReadCollection(path, "villages");
        var result = new List<VillageInput>(fc.Count);
        for (int i = 0; i < fc.Count; i++)
        {
            var f = fc[i];
            var code = String(f, "code") ?? throw new InputException("villages", i, null, "code", $"Village #{i} has no property 'code'.");
            result.Add(new VillageInput(code, String(f, "name") ?? code, f.Geometry));
        }
        return result;
    }

    public static PartitionOptions ReadOptions(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<PartitionOptions>(stream, PartitionJson.Options) ?? new PartitionOptions();
        }
        catch (JsonException e)
        {
            throw new InputException("options", null, null, e.Path ?? "$", $"{path} is not a valid options file: {e.Message}");
        }
    }

    /// <summary>Reads an earlier output folder (micro_grids.geojson, assignments.csv, codes.json).</summary>
    public static PreviousPartition ReadPrevious(string dir)
    {
        var mgPath = Path.Combine(dir, "micro_grids.geojson");
        var fc = ReadCollection(mgPath, "previous");
        var microGrids = new List<PreviousMicroGrid>(fc.Count);
        for (int i = 0; i < fc.Count; i++)
        {
            var f = fc[i];
            var code = String(f, "code") ?? throw new InputException("previous", i, null, "code", $"{mgPath}: micro-grid #{i} has no code.");
            microGrids.Add(new PreviousMicroGrid(code, String(f, "grid_code") ?? code[..^3], String(f, "village_code") ?? "",
                String(f, "kind") ?? "cluster", f.Geometry, Bool(f, "pinned")));
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var reader = new StreamReader(Path.Combine(dir, "assignments.csv")))
        {
            var header = reader.ReadLine();
            if (header is null || !header.StartsWith("household_id,micro_grid_code", StringComparison.Ordinal))
                throw new InputException("previous", null, null, "assignments.csv", "assignments.csv must start with the header household_id,micro_grid_code,grid_code.");
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                var cols = Csv.Split(line);
                if (cols.Count >= 2) map[cols[0]] = cols[1];
            }
        }

        int version = 1;
        IReadOnlyList<CodeRecord> history = [];
        var codesPath = Path.Combine(dir, "codes.json");
        if (File.Exists(codesPath))
        {
            using var stream = File.OpenRead(codesPath);
            var file = JsonSerializer.Deserialize<CodesFile>(stream, PartitionJson.Options);
            if (file is not null) (version, history) = (file.Version, file.Codes);
        }
        return new PreviousPartition(version, microGrids, map, history);
    }

    private static string? String(IFeature f, string name)
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

    private static int? Int(IFeature f, string name, string layer, int index, string id)
    {
        var s = String(f, name);
        if (string.IsNullOrEmpty(s)) return null;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < 10000)
            return (int)d;
        throw new InputException(layer, index, id, name, $"{layer} '{id}' (#{index}): '{name}' must be a whole number, not '{s}'.");
    }

    private static bool Bool(IFeature f, string name) => String(f, name) is "true" or "True" or "1";
}
