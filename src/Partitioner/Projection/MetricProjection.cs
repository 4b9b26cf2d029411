using System.Globalization;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems.Transformations;

namespace GridSpatial.Partitioner.Projection;

/// <summary>The township's metric CRS: the CGCS2000 3-degree Gauss–Krüger zone whose central
/// meridian is nearest the township (EPSG:4534–4554 style, without the zone prefix in the
/// easting). Lon/lat is taken as CGCS2000, which agrees with WGS 84 to well under a metre.
/// Axis order is x = easting / longitude throughout.</summary>
public sealed class MetricProjection
{
    private readonly MathTransform _forward;
    private readonly MathTransform _inverse;

    /// <param name="longitude">Picks the zone.</param>
    /// <param name="origin">When given (lon/lat), false easting and northing are set so that this
    /// point maps near (0, 0): the same CRS up to a translation, with small coordinates that keep
    /// double precision to nanometres for noding.</param>
    public MetricProjection(double longitude, Coordinate? origin = null)
    {
        if (!double.IsFinite(longitude) || longitude < -180 || longitude > 180)
            throw new ArgumentOutOfRangeException(nameof(longitude), "Longitude must lie in [-180, 180].");
        CentralMeridian = 3 * Math.Round(longitude / 3);
        var cm = CentralMeridian.ToString(CultureInfo.InvariantCulture);
        double falseEasting = 500000, falseNorthing = 0;
        if (origin is not null)
        {
            var standard = new MetricProjection(longitude).Forward(origin);
            falseEasting -= Math.Round(standard.X / 1000) * 1000;
            falseNorthing -= Math.Round(standard.Y / 1000) * 1000;
        }
        (_forward, _inverse, Name) = GaussKruger.Create($"CGCS2000 / 3-degree Gauss-Kruger CM {cm}E", CentralMeridian, falseEasting, falseNorthing);
        Key = FormattableString.Invariant($"{Name} {falseEasting} {falseNorthing}");
    }

    /// <summary>The CRS and its local origin: two projections with the same key map alike.</summary>
    public string Key { get; }

    /// <summary>The zone of the geometry's centre, with a local origin there.</summary>
    public static MetricProjection For(Geometry lonLat) => new(lonLat.EnvelopeInternal.Centre.X, lonLat.EnvelopeInternal.Centre);

    public double CentralMeridian { get; }
    public string Name { get; }
    public GeometryFactory MetricFactory { get; } = new(new PrecisionModel(), 0);
    public GeometryFactory LonLatFactory { get; } = new(new PrecisionModel(), 4326);

    public Coordinate Forward(Coordinate lonLat)
    {
        double x = lonLat.X, y = lonLat.Y;
        _forward.Transform(ref x, ref y);
        return new Coordinate(x, y);
    }

    public Coordinate Inverse(Coordinate metric)
    {
        double x = metric.X, y = metric.Y;
        _inverse.Transform(ref x, ref y);
        return new Coordinate(x, y);
    }

    public Geometry Forward(Geometry lonLat) => Map(lonLat, Forward, MetricFactory);

    public Geometry Inverse(Geometry metric) => Map(metric, Inverse, LonLatFactory);

    /// <summary>Inverse projection that returns the exact original lon/lat of every vertex that
    /// came from an input geometry, so the output shares the township's own boundary vertices.</summary>
    public Geometry Inverse(Geometry metric, IReadOnlyDictionary<Coordinate, Coordinate> originals) =>
        Map(metric, c => originals.TryGetValue(c, out var o) ? o.Copy() : Inverse(c), LonLatFactory);

    private static Geometry Map(Geometry g, Func<Coordinate, Coordinate> f, GeometryFactory factory) => CoordinateMapper.Map(g, f, factory);
}
