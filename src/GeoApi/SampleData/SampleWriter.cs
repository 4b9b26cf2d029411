using System.Text.Json;
using GridSpatial.Partitioner.Files;
using NetTopologySuite.Features;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>Writes a generated township as the six GeoJSON files the importer and the
/// <c>partition</c> command read (township, villages, buildings, households, barriers, streets).</summary>
public static class SampleWriter
{
    public static void Write(GeneratedTownship t, string dir)
    {
        Directory.CreateDirectory(dir);
        Save(Path.Combine(dir, "township.geojson"), [new Feature(t.Township.Boundary, new AttributesTable
        {
            { "code", t.Township.Code }, { "name", t.Township.Name }, { "kind", "town" },
        })]);
        Save(Path.Combine(dir, "villages.geojson"), t.Villages.Select(v => new Feature(v.Boundary, new AttributesTable
        {
            { "code", v.Code }, { "name", v.Name }, { "kind", string.CompareOrdinal(v.Code[9..], "200") < 0 ? "urban" : "rural" },
        })));
        Save(Path.Combine(dir, "buildings.geojson"), t.Buildings.Select(b => new Feature(b.Footprint, new AttributesTable
        {
            { "id", b.Id }, { "village_code", b.VillageCode }, { "floors", b.Floors }, { "use", b.Use },
        })));
        Save(Path.Combine(dir, "households.geojson"), t.Households.Select(h => new Feature(h.Location, new AttributesTable
        {
            { "id", h.Id }, { "building_id", h.BuildingId }, { "floor", h.Floor }, { "unit", h.Unit }, { "room", h.Room },
            { "address", h.Address }, { "persons", h.Persons },
        })));
        Save(Path.Combine(dir, "barriers.geojson"), t.Barriers.Select(b => new Feature(b.Line, new AttributesTable
        {
            { "id", b.Id }, { "kind", b.Kind }, { "name", b.Name },
        })));
        Save(Path.Combine(dir, "streets.geojson"), t.Streets.Select(s => new Feature(s.Line, new AttributesTable
        {
            { "id", s.Id }, { "kind", s.Kind }, { "name", s.Name },
        })));
    }

    private static void Save(string path, IEnumerable<IFeature> features)
    {
        var fc = new FeatureCollection();
        foreach (var f in features) fc.Add(f);
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, fc, PartitionJson.Options);
    }
}
