using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Files.GeoJson;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>What one host accepts of an input feature (configuration section <c>Limits</c>): at
/// most <see cref="MaxVertices"/> vertices a geometry (<c>Limits:MaxVertices</c>). Registered once
/// per host and injected wherever features are validated (imports, household writes, edits).</summary>
public sealed record InputLimits
{
    public int MaxVertices { get; init; } = InputRules.DefaultMaxVertices;

    public static InputLimits From(IConfiguration config) => config.GetSection("Limits").Get<InputLimits>() ?? new InputLimits();

    /// <summary>A validator of <paramref name="layer"/>'s features (within <paramref name="township"/>,
    /// when given) under these limits, their coordinates sent in <paramref name="crs"/> (WGS 84 when null).</summary>
    public FeatureValidator Validator(string layer, Geometry? township = null, Crs? crs = null) => new(layer, township, MaxVertices, crs);
}
