using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Inputs;

/// <summary>The Partitioner's boundary checks: everything it relies on, refused with an
/// <see cref="InputException"/> naming the feature and field, by the same rules
/// (<see cref="InputRules"/>) as the readers of files and the service's imports.</summary>
public static class InputValidator
{
    public static void Validate(PartitionInput input)
    {
        var t = input.Township;
        var township = InputRules.Code(t.Code, DivisionLevel.Township, null, "township", 0, "code", "county + township segment", $"'{t.Code}'");
        Geometry(InputRules.Polygonal(t.Boundary, "township", 0, t.Code), null, "township", 0, t.Code);
        var extent = t.Boundary.EnvelopeInternal;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < input.Households.Count; i++)
        {
            var h = input.Households[i];
            if (string.IsNullOrWhiteSpace(h.Id))
                throw new InputException("households", i, null, "id", $"Household #{i} has no id.");
            //-- Ids are opaque to the algorithm (only unique): their form is an import rule, and data stored
            //-- under an older rule must still recompute.
            if (!seen.Add(h.Id))
                throw new InputException("households", i, h.Id, "id", $"Household '{h.Id}' (#{i}) appears twice.");
            InputRules.Coordinates(new Point(h.Location), extent, "households", i, h.Id);
        }
        var villageCodes = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < input.Villages.Count; i++)
        {
            var v = input.Villages[i];
            InputRules.Code(v.Code, DivisionLevel.Village, township, "villages", i, "code", $"starting with the township code {township}", $"'{v.Code}'");
            if (!villageCodes.Add(v.Code))
                throw new InputException("villages", i, v.Code, "code", $"Village '{v.Code}' (#{i}) appears twice.");
            Geometry(InputRules.Polygonal(v.Boundary, "villages", i, v.Code), extent, "villages", i, v.Code);
        }
        for (int i = 0; i < input.Buildings.Count; i++)
            Geometry(input.Buildings[i].Footprint, extent, "buildings", i, input.Buildings[i].Id);
        for (int i = 0; i < input.Barriers.Count; i++)
            Geometry(InputRules.Lineal(input.Barriers[i].Line, "barriers", i, input.Barriers[i].Id), extent, "barriers", i, input.Barriers[i].Id);
        for (int i = 0; i < input.Streets.Count; i++)
            Geometry(InputRules.Lineal(input.Streets[i].Line, "streets", i, input.Streets[i].Id), extent, "streets", i, input.Streets[i].Id);
    }

    private static void Geometry(Geometry g, Envelope? township, string layer, int index, string id) =>
        InputRules.Coordinates(g, township, layer, index, id);

    /// <summary>Converts every input geometry from GCJ-02 to WGS 84 (inverse error under 1 cm).</summary>
    public static PartitionInput FromGcj02(PartitionInput input) => input with
    {
        Township = input.Township with { Boundary = Gcj02.ToWgs84(input.Township.Boundary) },
        Households = input.Households.Select(h => h with { Location = Gcj02.ToWgs84(h.Location) }).ToList(),
        Buildings = input.Buildings.Select(b => b with { Footprint = Gcj02.ToWgs84(b.Footprint) }).ToList(),
        Barriers = input.Barriers.Select(b => b with { Line = Gcj02.ToWgs84(b.Line) }).ToList(),
        Streets = input.Streets.Select(s => s with { Line = Gcj02.ToWgs84(s.Line) }).ToList(),
        Villages = input.Villages.Select(v => v with { Boundary = Gcj02.ToWgs84(v.Boundary) }).ToList(),
    };
}
