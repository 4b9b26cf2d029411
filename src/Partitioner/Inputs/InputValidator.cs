using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace GridSpatial.Partitioner.Inputs;

/// <summary>The Partitioner's boundary checks: everything it relies on, refused with an
/// <see cref="ArgumentException"/> naming the feature and field.</summary>
public static class InputValidator
{
    public static void Validate(PartitionInput input)
    {
        var t = input.Township;
        if (!DivisionCode.TryParse(t.Code, out var township, DivisionLevel.Township))
            throw new InputException("township", 0, t.Code, "code", $"Township code '{t.Code}' must be 9 digits.");
        RequirePolygonal(t.Boundary, "township", 0, t.Code);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < input.Households.Count; i++)
        {
            var h = input.Households[i];
            if (string.IsNullOrWhiteSpace(h.Id))
                throw new InputException("households", i, null, "id", $"Household #{i} has no id.");
            if (!seen.Add(h.Id))
                throw new InputException("households", i, h.Id, "id", $"Household '{h.Id}' (#{i}) appears twice.");
            if (!double.IsFinite(h.Location.X) || !double.IsFinite(h.Location.Y) || Math.Abs(h.Location.X) > 180 || Math.Abs(h.Location.Y) > 90)
                throw new InputException("households", i, h.Id, "geometry", $"Household '{h.Id}' (#{i}) has coordinates out of range: {h.Location.X}, {h.Location.Y}.");
        }
        var villageCodes = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < input.Villages.Count; i++)
        {
            var v = input.Villages[i];
            if (!DivisionCode.TryParse(v.Code, out var village, DivisionLevel.Village) || village.Parent != township)
                throw new InputException("villages", i, v.Code, "code", $"Village #{i} code '{v.Code}' must be 12 digits starting with the township code {t.Code}.");
            if (!villageCodes.Add(v.Code))
                throw new InputException("villages", i, v.Code, "code", $"Village '{v.Code}' (#{i}) appears twice.");
            RequirePolygonal(v.Boundary, "villages", i, v.Code);
        }
        for (int i = 0; i < input.Barriers.Count; i++)
        {
            var b = input.Barriers[i];
            if (b.Line is not (LineString or MultiLineString) && b.Line.Dimension != Dimension.Curve)
                throw new InputException("barriers", i, b.Id, "geometry", $"Barrier '{b.Id}' (#{i}) must be a LineString or MultiLineString, not {b.Line.GeometryType}.");
        }
    }

    private static void RequirePolygonal(Geometry g, string layer, int index, string id)
    {
        if (g is not (Polygon or MultiPolygon) || g.IsEmpty)
            throw new InputException(layer, index, id, "geometry", $"{layer} '{id}' must be a non-empty Polygon or MultiPolygon, not {g.GeometryType}.");
        var error = new IsValidOp(g).ValidationError;
        if (error is not null)
            throw new InputException(layer, index, id, "geometry", $"{layer} '{id}' is not a valid polygon: {error.Message} at ({error.Coordinate.X}, {error.Coordinate.Y}).");
    }

    /// <summary>Converts every input geometry from GCJ-02 to WGS 84 (inverse error under 1 cm).</summary>
    public static PartitionInput FromGcj02(PartitionInput input) => input with
    {
        Township = input.Township with { Boundary = Gcj02.ToWgs84(input.Township.Boundary) },
        Households = input.Households.Select(h => h with { Location = Gcj02.ToWgs84(h.Location) }).ToList(),
        Buildings = input.Buildings.Select(b => b with { Footprint = Gcj02.ToWgs84(b.Footprint) }).ToList(),
        Barriers = input.Barriers.Select(b => b with { Line = Gcj02.ToWgs84(b.Line) }).ToList(),
        Villages = input.Villages.Select(v => v with { Boundary = Gcj02.ToWgs84(v.Boundary) }).ToList(),
    };
}
