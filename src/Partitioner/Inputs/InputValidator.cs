using GridSpatial.Partitioner.Codes;
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
        var seen = new HashSet<string>(input.Households.Count, StringComparer.Ordinal);
        for (int i = 0; i < input.Households.Count; i++)
        {
            var h = input.Households[i];
            if (string.IsNullOrWhiteSpace(h.Id))
                throw new InputException("households", i, null, "id", $"Household #{i} has no id.");
            //-- Ids are opaque to the algorithm (only unique): their form is an import rule, and data stored
            //-- under an older rule must still recompute.
            if (!seen.Add(h.Id))
                throw new InputException("households", i, h.Id, "id", $"Household '{h.Id}' (#{i}) appears twice.");
            InputRules.Coordinates(h.Location, extent, "households", i, h.Id);
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
        //-- The layers, once per list as long as it holds the same features (LayerMemo): a service keeps them between recomputes.
        var within = $"valid within {extent}";
        LayerMemo.Of(input.Buildings, b => b.Footprint, within, () =>
        {
            for (int i = 0; i < input.Buildings.Count; i++)
                Geometry(input.Buildings[i].Footprint, extent, "buildings", i, input.Buildings[i].Id);
            return true;
        });
        LayerMemo.Of(input.Barriers, b => b.Line, within, () =>
        {
            for (int i = 0; i < input.Barriers.Count; i++)
                Geometry(InputRules.Lineal(input.Barriers[i].Line, "barriers", i, input.Barriers[i].Id), extent, "barriers", i, input.Barriers[i].Id);
            return true;
        });
    }

    private static void Geometry(Geometry g, Envelope? township, string layer, int index, string id) =>
        InputRules.Coordinates(g, township, layer, index, id);
}
