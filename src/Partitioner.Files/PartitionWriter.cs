using System.Text;
using System.Text.Json;
using NetTopologySuite.Features;

namespace GridSpatial.Partitioner.Files;

/// <summary>Writes a partition as the <c>partition</c> command's output folder (DESIGN §4):
/// micro_grids.geojson, grids.geojson, assignments.csv, report.json and codes.json.</summary>
public static class PartitionWriter
{
    public static void Write(Partition partition, string dir)
    {
        Directory.CreateDirectory(dir);
        WriteJson(Path.Combine(dir, "micro_grids.geojson"), MicroGridFeatures(partition), PartitionJson.Options);
        WriteJson(Path.Combine(dir, "grids.geojson"), GridFeatures(partition), PartitionJson.Options);
        using (var w = new StreamWriter(Path.Combine(dir, "assignments.csv"), false, new UTF8Encoding(false)))
        {
            w.NewLine = "\n";
            w.WriteLine("household_id,micro_grid_code,grid_code");
            foreach (var a in partition.Assignments)
                w.WriteLine($"{Csv.Field(a.HouseholdId)},{a.MicroGridCode},{a.GridCode}");
        }
        WriteJson(Path.Combine(dir, "report.json"), partition.Report, PartitionJson.Indented);
        WriteJson(Path.Combine(dir, "codes.json"), new CodesFile(partition.Version, partition.TownshipCode, partition.Codes, partition.InputsDigest), PartitionJson.Indented);
    }

    public static FeatureCollection MicroGridFeatures(Partition partition)
    {
        var fc = new FeatureCollection();
        foreach (var m in partition.MicroGrids)
            fc.Add(new Feature(m.Territory, new AttributesTable
            {
                { "code", m.Code },
                { "grid_code", m.GridCode },
                { "village_code", m.VillageCode },
                { "kind", m.Kind.ToString().ToLowerInvariant() },
                { "household_count", m.HouseholdCount },
                { "building_id", m.BuildingId },
                { "floor_from", m.FloorFrom },
                { "floor_to", m.FloorTo },
                { "unit", m.Unit },
            }));
        return fc;
    }

    public static FeatureCollection GridFeatures(Partition partition)
    {
        var fc = new FeatureCollection();
        foreach (var g in partition.Grids)
            fc.Add(new Feature(g.Territory, new AttributesTable
            {
                { "code", g.Code },
                { "village_code", g.VillageCode },
                { "household_count", g.HouseholdCount },
            }));
        return fc;
    }

    private static void WriteJson<T>(string path, T value, JsonSerializerOptions options)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, value, options);
    }
}
