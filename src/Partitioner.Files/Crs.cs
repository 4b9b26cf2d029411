using System.Globalization;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems.Transformations;

namespace GridSpatial.Partitioner.Files;

/// <summary>What kind of coordinates a <see cref="Crs"/> holds.</summary>
public enum CrsKind
{
    /// <summary>Longitude/latitude on WGS 84 or CGCS2000 (they agree to well under a metre): stored as they are.</summary>
    Geographic,
    /// <summary>GCJ-02, the obfuscated lon/lat of 高德/腾讯 maps.</summary>
    Gcj02,
    /// <summary>BD-09, the lon/lat of 百度 maps.</summary>
    Bd09,
    /// <summary>A CGCS2000 Gauss–Krüger zone: x = easting, y = northing in metres.</summary>
    GaussKruger,
    /// <summary>Web Mercator (EPSG:3857) of web maps: x = easting, y = northing in metres of the
    /// spherical Mercator on the WGS 84 semi-major axis. Output only (OGC API).</summary>
    WebMercator,
}

/// <summary>One coordinate system input may be in, and its conversion to and from the stored
/// WGS 84 lon/lat (x = easting/longitude always). Instances come from <see cref="InputCrs"/>,
/// the registry.</summary>
public sealed class Crs
{
    private readonly Lazy<(MathTransform Forward, MathTransform Inverse)>? _gk;
    //-- ProjNet's transforms are not documented as thread-safe: one conversion at a time per zone.
    private readonly Lock _gate = new();

    internal Crs(string code, string name, CrsKind kind, int zoneWidth = 0, int zone = 0, bool zonePrefix = false)
    {
        Code = code;
        Name = name;
        Kind = kind;
        ZoneWidth = zoneWidth;
        Zone = zone;
        ZonePrefix = zonePrefix;
        if (kind == CrsKind.GaussKruger)
        {
            double cm = CentralMeridian, fe = FalseEasting;
            _gk = new(() => { var (f, i, _) = GaussKruger.Create(name, cm, fe); return (f, i); });
        }
    }

    /// <summary>How a request names it: <c>EPSG:4544</c>, <c>GCJ-02</c>, <c>BD-09</c>.</summary>
    public string Code { get; }
    public string Name { get; }
    public CrsKind Kind { get; }

    /// <summary>3 or 6 (degrees) for a Gauss–Krüger zone, else 0.</summary>
    public int ZoneWidth { get; }

    /// <summary>The zone number (3-degree: central meridian / 3; 6-degree: (central meridian + 3) / 6).</summary>
    public int Zone { get; }

    /// <summary>True when eastings carry the zone number (zone × 10⁶ + 500 000 m at the central meridian).</summary>
    public bool ZonePrefix { get; }

    public double CentralMeridian => ZoneWidth == 3 ? 3 * Zone : ZoneWidth == 6 ? 6 * Zone - 3 : 0;
    public double FalseEasting => ZonePrefix ? Zone * 1e6 + 500_000 : 500_000;

    /// <summary>Stored as sent: no conversion needed.</summary>
    public bool IsWgs84 => Kind == CrsKind.Geographic;

    /// <summary>The EPSG number of a Gauss–Krüger zone or a geographic CRS; 0 for GCJ-02 and BD-09.</summary>
    public int Epsg => Code.StartsWith("EPSG:", StringComparison.Ordinal) ? int.Parse(Code[5..], CultureInfo.InvariantCulture) : 0;

    /// <summary>OGC WKT 1 for a .prj or a GeoPackage SRS. GCJ-02 and BD-09 have no official
    /// definition: they are lon/lat on the WGS 84 ellipsoid with a deliberate offset, so they are
    /// declared as a geographic CRS of that name on WGS 84 (GIS software reads them as lon/lat).</summary>
    public string Wkt => Kind switch
    {
        CrsKind.GaussKruger => GaussKruger.Wkt(Name, CentralMeridian, FalseEasting),
        CrsKind.WebMercator => "PROJCS[\"WGS 84 / Pseudo-Mercator\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Mercator_1SP\"],PARAMETER[\"central_meridian\",0],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",0],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1],EXTENSION[\"PROJ4\",\"+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs\"],AUTHORITY[\"EPSG\",\"3857\"]]",
        _ when Epsg == 4490 => "GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4490\"]]",
        _ => $"GEOGCS[\"{(Epsg == 4326 ? "WGS 84" : Code)}\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]{(Epsg == 4326 ? ",AUTHORITY[\"EPSG\",\"4326\"]" : "")}]",
    };

    /// <summary>Degrees (lon/lat) rather than metres.</summary>
    public bool IsGeographic => Kind is not (CrsKind.GaussKruger or CrsKind.WebMercator);

    /// <summary>True when the EPSG definition lists the northing (latitude) axis first: EPSG:4326,
    /// EPSG:4490 (latitude, longitude) and every CGCS2000 Gauss–Krüger zone (X = northing, Y =
    /// easting, as Chinese surveying writes them); false for EPSG:3857 (easting, northing) and for
    /// GCJ-02 and BD-09 (lon/lat by use). Coordinates here are always x = easting; this is the order
    /// a standard that follows the authority (OGC API – Features Part 2) writes them in.</summary>
    public bool NorthingFirst => Kind == CrsKind.GaussKruger || Epsg is 4326 or 4490;

    /// <summary>The OGC URI of an EPSG CRS (<c>http://www.opengis.net/def/crs/EPSG/0/4490</c>); null for GCJ-02 and BD-09, which have none.</summary>
    public string? OgcUri => Epsg > 0 ? $"http://www.opengis.net/def/crs/EPSG/0/{Epsg.ToString(CultureInfo.InvariantCulture)}" : null;

    public Coordinate ToWgs84(Coordinate c) => Kind switch
    {
        CrsKind.Geographic => c.Copy(),
        CrsKind.Gcj02 => Gcj02.ToWgs84(c),
        CrsKind.Bd09 => Bd09.ToWgs84(c),
        CrsKind.WebMercator => WebMercator.ToWgs84(c),
        _ => Transform(_gk!.Value.Inverse, c, _gate),
    };

    public Coordinate FromWgs84(Coordinate c) => Kind switch
    {
        CrsKind.Geographic => c.Copy(),
        CrsKind.Gcj02 => Gcj02.FromWgs84(c),
        CrsKind.Bd09 => Bd09.FromWgs84(c),
        CrsKind.WebMercator => WebMercator.FromWgs84(c),
        _ => Transform(_gk!.Value.Forward, c, _gate),
    };

    public Geometry ToWgs84(Geometry g) => IsWgs84 ? g : CoordinateMapper.Map(g, ToWgs84);

    public Geometry FromWgs84(Geometry g) => IsWgs84 ? g : CoordinateMapper.Map(g, FromWgs84);

    public override string ToString() => Code;

    private static Coordinate Transform(MathTransform t, Coordinate c, Lock gate)
    {
        double x = c.X, y = c.Y;
        lock (gate) t.Transform(ref x, ref y);
        return new Coordinate(x, y);
    }
}
