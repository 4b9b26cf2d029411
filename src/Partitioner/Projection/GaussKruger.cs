using System.Globalization;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace GridSpatial.Partitioner.Projection;

/// <summary>A CGCS2000 Gauss–Krüger projection built from its parameters: CGCS2000 ellipsoid,
/// transverse Mercator, scale 1 on the central meridian, the given false easting (500 000 m, or
/// zone × 10⁶ + 500 000 m when the easting carries the zone number) and false northing. The one
/// builder of Gauss–Krüger transforms: the partitioner's metric CRS and the EPSG:4491–4554 zones
/// of the input CRS registry both come from it.</summary>
public static class GaussKruger
{
    /// <summary>Forward (lon/lat → x, y metres) and inverse transforms; each call builds its own,
    /// since ProjNet's transforms are not documented as thread-safe.</summary>
    public static (MathTransform Forward, MathTransform Inverse, string Name) Create(string name, double centralMeridian, double falseEasting, double falseNorthing = 0)
    {
        var projected = (ProjectedCoordinateSystem)new CoordinateSystemFactory().CreateFromWkt(Wkt(name, centralMeridian, falseEasting, falseNorthing));
        var transform = new CoordinateTransformationFactory().CreateFromCoordinateSystems(projected.GeographicCoordinateSystem, projected);
        return (transform.MathTransform, transform.MathTransform.Inverse(), projected.Name);
    }

    /// <summary>The projection as OGC WKT 1 (what a Shapefile's .prj and a GeoPackage's SRS table hold).</summary>
    public static string Wkt(string name, double centralMeridian, double falseEasting, double falseNorthing = 0)
    {
        string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        return
            $"PROJCS[\"{name}\",GEOGCS[\"China Geodetic Coordinate System 2000\"," +
            "DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]," +
            "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0]," +
            $"PARAMETER[\"central_meridian\",{F(centralMeridian)}],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",{F(falseEasting)}]," +
            $"PARAMETER[\"false_northing\",{F(falseNorthing)}],UNIT[\"metre\",1]]";
    }
}
