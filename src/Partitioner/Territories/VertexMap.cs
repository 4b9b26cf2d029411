using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Territories;

/// <summary>A territory with its vertices mapped ring by ring: each vertex to another (moved) or to
/// null (dropped), repeats taken out.</summary>
internal static class VertexMap
{
    /// <summary><paramref name="territory"/> with each vertex mapped (null: dropped) and repeats taken out;
    /// the same object when nothing changed, null when the result is invalid.</summary>
    public static Geometry? Apply(Geometry territory, Func<Coordinate, Coordinate?> map)
    {
        bool changed = false, broken = false;
        var factory = territory.Factory;
        LinearRing Ring(LinearRing ring)
        {
            var open = new List<Coordinate>(ring.NumPoints);
            bool moved = false;
            foreach (var c in ring.Coordinates.Take(ring.NumPoints - 1))
            {
                var to = map(c);
                if (to is null || !ReferenceEquals(to, c) && !to.Equals2D(c)) moved = true;
                if (to is not null && (open.Count == 0 || !open[^1].Equals2D(to))) open.Add(to);
            }
            while (open.Count > 1 && open[^1].Equals2D(open[0])) open.RemoveAt(open.Count - 1);
            if (!moved && open.Count == ring.NumPoints - 1) return ring;
            changed = true;
            if (open.Count < 3)
            {
                broken = true;
                return ring;
            }
            return factory.CreateLinearRing([.. open.Select(c => c.Copy()), open[0].Copy()]);
        }
        Polygon Polygon(Polygon p) => factory.CreatePolygon(Ring((LinearRing)p.ExteriorRing), [.. p.InteriorRings.Cast<LinearRing>().Select(Ring)]);
        var result = territory switch
        {
            Polygon p => Polygon(p),
            MultiPolygon m => factory.CreateMultiPolygon([.. Enumerable.Range(0, m.NumGeometries).Select(i => Polygon((Polygon)m.GetGeometryN(i)))]),
            _ => territory,
        };
        return !changed ? territory : broken || !result.IsValid ? null : result;
    }
}
