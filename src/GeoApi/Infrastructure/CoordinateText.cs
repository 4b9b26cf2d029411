using System.Globalization;
using System.Text;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Coordinates as text for the text formats: 9 decimals of a degree (about 0.1 mm) for
/// lon/lat, 4 decimals of a metre for projected CRSs; in the order the caller gives them. Shared by
/// the exports and the OGC API.</summary>
public static class CoordinateText
{
    public static string Number(double v, bool geographic) =>
        Math.Round(v, geographic ? 9 : 4).ToString("0.#########", CultureInfo.InvariantCulture);

    /// <summary>The GeoJSON geometry object of <paramref name="g"/> (Point, LineString, Polygon and their Multi- forms).</summary>
    public static string GeoJson(Geometry g, bool geographic)
    {
        var sb = new StringBuilder();
        void Position(Coordinate c) => sb.Append('[').Append(Number(c.X, geographic)).Append(',').Append(Number(c.Y, geographic)).Append(']');
        void Line(Coordinate[] cs)
        {
            sb.Append('[');
            for (int i = 0; i < cs.Length; i++) { if (i > 0) sb.Append(','); Position(cs[i]); }
            sb.Append(']');
        }
        void Rings(Polygon p)
        {
            sb.Append('[');
            Line(p.ExteriorRing.Coordinates);
            foreach (var hole in p.InteriorRings) { sb.Append(','); Line(hole.Coordinates); }
            sb.Append(']');
        }
        void Parts<T>(Geometry multi, Action<T> part) where T : Geometry
        {
            sb.Append('[');
            for (int i = 0; i < multi.NumGeometries; i++) { if (i > 0) sb.Append(','); part((T)multi.GetGeometryN(i)); }
            sb.Append(']');
        }
        sb.Append("{\"type\":\"").Append(g.GeometryType).Append("\",\"coordinates\":");
        switch (g)
        {
            case Point p: Position(p.Coordinate); break;
            case LineString l: Line(l.Coordinates); break;
            case Polygon p: Rings(p); break;
            case MultiPolygon m: Parts<Polygon>(m, Rings); break;
            case MultiLineString m: Parts<LineString>(m, l => Line(l.Coordinates)); break;
            case MultiPoint m: Parts<Point>(m, p => Position(p.Coordinate)); break;
            default: throw new NotSupportedException(g.GeometryType);
        }
        return sb.Append('}').ToString();
    }
}
