using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;

namespace GridSpatial.Partitioner.Files;

/// <summary>The coordinates a township's input files are in (<c>--input-crs</c>, the options
/// file's <c>input_crs</c>): WGS 84 (RFC 7946, the default) or GCJ-02, the Chinese web maps'.
/// Files are converted to WGS 84 where they are read (<see cref="Gcj02"/>, inverse error under
/// 1 cm), as the service converts at its own boundary: the partitioner only ever sees WGS 84.</summary>
public static class InputCrs
{
    public const string Wgs84 = "wgs84";
    public const string Gcj02 = "gcj02";

    /// <exception cref="ArgumentException"><paramref name="crs"/> is neither <c>wgs84</c> nor <c>gcj02</c>.</exception>
    public static PartitionInput ToWgs84(PartitionInput input, string crs) => crs switch
    {
        Wgs84 => input,
        Gcj02 => input with
        {
            Township = input.Township with { Boundary = Projection.Gcj02.ToWgs84(input.Township.Boundary) },
            Households = input.Households.Select(h => h with { Location = Projection.Gcj02.ToWgs84(h.Location) }).ToList(),
            Buildings = input.Buildings.Select(b => b with { Footprint = Projection.Gcj02.ToWgs84(b.Footprint) }).ToList(),
            Barriers = input.Barriers.Select(b => b with { Line = Projection.Gcj02.ToWgs84(b.Line) }).ToList(),
            Streets = input.Streets.Select(s => s with { Line = Projection.Gcj02.ToWgs84(s.Line) }).ToList(),
            Villages = input.Villages.Select(v => v with { Boundary = Projection.Gcj02.ToWgs84(v.Boundary) }).ToList(),
        },
        //-- The message the options' validation gave when the partitioner converted.
        _ => throw new ArgumentException("Option 'InputCrs' must be 'wgs84' or 'gcj02'.", nameof(crs)),
    };
}
