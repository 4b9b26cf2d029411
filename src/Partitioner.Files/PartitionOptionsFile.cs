namespace GridSpatial.Partitioner.Files;

/// <summary>An options file (<c>--options O.json</c>, snake_case): the partition's bounds, and the
/// coordinates the input files are in (<c>input_crs</c>, see <see cref="Files.InputCrs"/>), which
/// the readers apply and the partitioner never sees.</summary>
public sealed record PartitionOptionsFile(PartitionOptions Options, string InputCrs = Files.InputCrs.Wgs84);
