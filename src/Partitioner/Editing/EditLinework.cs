using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The linework staff drew, in metres on the partitioner's 1 µm grid: a valid polygon for
/// a redraw, a line for a split (never of a building micro-grid); nothing for a merge.</summary>
internal static class EditLinework
{
    /// <exception cref="EditException">A missing, invalid or wrong-typed geometry; a line through a building.</exception>
    public static Geometry? Of(Edit edit, Cell? edited, MetricProjection projection)
    {
        if (edit.Kind is not (EditKind.Redraw or EditKind.Split)) return null;
        if (edit.Geometry is null || edit.Geometry.IsEmpty) throw new EditException(400, "geometry", $"A {edit.Kind.ToString().ToLowerInvariant()} needs a geometry.");
        bool polygonal = edit.Geometry is Polygon or MultiPolygon;
        if (edit.Kind == EditKind.Redraw && !polygonal) throw new EditException(400, "geometry", $"A redraw takes a Polygon or MultiPolygon, not a {edit.Geometry.GeometryType}.");
        if (edit.Kind == EditKind.Split && edit.Geometry is not (LineString or MultiLineString)) throw new EditException(400, "geometry", $"A split takes a LineString, not a {edit.Geometry.GeometryType}.");
        if (!edit.Geometry.IsValid) throw new EditException(400, "geometry", $"The {edit.Geometry.GeometryType} is not valid (self-intersecting or degenerate).");
        var drawn = projection.Forward(edit.Geometry);
        drawn.Apply(CoordinateMapper.Precise(TownshipPartitioner.Precision));
        drawn.GeometryChanged();
        if (polygonal && !drawn.IsValid) drawn = GeometryFixer.Fix(drawn);
        if (edit.Kind == EditKind.Split && edited is { Atomic: true })
            throw new EditException(422, "code", $"{edit.Codes[0]} is a building micro-grid: buildings are split by floors, not by lines.", edit.Codes[0]);
        return drawn;
    }
}
