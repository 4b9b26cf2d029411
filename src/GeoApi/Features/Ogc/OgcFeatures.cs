using System.Text;
using GridSpatial.GeoApi.Infrastructure;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>Features as GeoJSON text in the CRS asked for. In CRS84, the stored CRS, PostGIS writes
/// the geometry (ST_AsGeoJSON, 9 decimals); in any other CRS the registry converts it
/// (<see cref="OgcCrs"/>, never ST_Transform: one home for conversions) and
/// <see cref="CoordinateText"/> writes it in the CRS's axis order (9 decimals of a degree, 4 of a metre).</summary>
internal static class OgcFeatures
{
    /// <summary>The columns a feature is read from: its id as JSON, its geometry, its <paramref name="selected"/> properties as a JSON object.</summary>
    public static string Columns(OgcLayer c, IEnumerable<OgcProperty> selected, OgcCrs crs) =>
        $"to_json({c.FeatureId})::text, {(crs.IsCrs84 ? $"ST_AsGeoJSON({c.Geometry}, 9)" : c.Geometry)}, json_build_object({OgcLayer.JsonProperties(selected)})::text";

    /// <summary>The current row of <paramref name="r"/> (read with <see cref="Columns"/>) as a GeoJSON Feature.</summary>
    public static string Read(NpgsqlDataReader r, OgcCrs crs)
    {
        string geometry = r.IsDBNull(1) ? "null"
            : crs.IsCrs84 ? r.GetString(1)
            : CoordinateText.GeoJson(crs.FromStored(r.GetFieldValue<Geometry>(1)), crs.Crs.IsGeographic);
        return new StringBuilder("{\"type\":\"Feature\",\"id\":").Append(r.GetString(0))
            .Append(",\"geometry\":").Append(geometry)
            .Append(",\"properties\":").Append(r.GetString(2)).Append('}').ToString();
    }
}
