using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.OverlayNG;
using CoverageUnion = NetTopologySuite.Coverage.CoverageUnion;

namespace GridSpatial.Partitioner.Territories;

/// <summary>The union of polygons that tile without overlap: the fast coverage union, or, when
/// their shared edges do not match vertex for vertex (a vertex that noding put on one side of a
/// kept border only), the robust overlay union on the precision grid.</summary>
internal static class Unite
{
    public static Geometry Of(IReadOnlyList<Geometry> parts, GeometryFactory factory, PrecisionModel precision)
    {
        switch (parts.Count)
        {
            case 0: return factory.CreatePolygon();
            case 1: return parts[0];
        }
        try
        {
            return CoverageUnion.Union(parts.ToArray());
        }
        catch (TopologyException)
        {
            return UnaryUnionNG.Union(factory.BuildGeometry(parts), precision);
        }
    }
}
