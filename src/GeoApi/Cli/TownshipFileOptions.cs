using System.CommandLine;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Files;

namespace GridSpatial.GeoApi.Cli;

/// <summary>The files of one township as options, defined once for <c>partition</c> (where the
/// township and households are required) and <c>bench partition</c> (where they replace the
/// synthetic township).</summary>
public sealed class TownshipFileOptions
{
    public TownshipFileOptions(bool required)
    {
        Township = new("--township") { Description = "the township boundary (GeoJSON)", HelpName = "T.geojson", Required = required };
        Households = new("--households") { Description = "household points (GeoJSON)", HelpName = "H.geojson", Required = required };
    }

    public Option<string> Township { get; }
    public Option<string> Households { get; }
    public Option<string> Buildings { get; } = new("--buildings") { Description = "building footprints (GeoJSON)", HelpName = "B.geojson" };
    public Option<string> Barriers { get; } = new("--barriers") { Description = "roads, rivers and other barriers (GeoJSON)", HelpName = "R.geojson" };
    public Option<string> Streets { get; } = new("--streets") { Description = "streets, lanes, tracks, paths and ditches borders prefer to follow (GeoJSON)", HelpName = "S.geojson" };
    public Option<string> Villages { get; } = new("--villages") { Description = "village boundaries (GeoJSON)", HelpName = "V.geojson" };
    public Option<string> Previous { get; } = new("--previous") { Description = "an earlier output of this township: its codes stay stable", HelpName = "DIR" };

    public IEnumerable<Option> All => [Township, Households, Buildings, Barriers, Streets, Villages, Previous];

    /// <summary>The files named on the command line; null when no --township was.</summary>
    public TownshipFiles? Files(ParseResult p) => p.GetValue(Township) is { } township
        ? new TownshipFiles(township,
            p.GetValue(Households) ?? throw new UsageException("Option '--households' is required with --township."),
            p.GetValue(Buildings), p.GetValue(Barriers), p.GetValue(Streets), p.GetValue(Villages), p.GetValue(Previous))
        : null;
}

/// <summary>One township's input files, from the command line or from a township folder.</summary>
public sealed record TownshipFiles(string Township, string Households, string? Buildings, string? Barriers, string? Streets, string? Villages, string? Previous)
{
    /// <summary>A township folder of <c>partition-all</c>: township.geojson, households.geojson and
    /// whichever of buildings, barriers, streets and villages.geojson it has.</summary>
    public static TownshipFiles InFolder(string dir, string? previous)
    {
        string? F(string file) => File.Exists(Path.Combine(dir, file)) ? Path.Combine(dir, file) : null;
        return new TownshipFiles(Path.Combine(dir, "township.geojson"), Path.Combine(dir, "households.geojson"),
            F("buildings.geojson"), F("barriers.geojson"), F("streets.geojson"), F("villages.geojson"), previous);
    }

    /// <summary>The files, their coordinates in <paramref name="crs"/> (WGS 84 when null) converted to WGS 84 as they are read,
    /// with the <c>--previous</c> folder's partition (WGS 84 always) as previous when one is named.</summary>
    public Partitioner.Inputs.PartitionInput Read(Partitioner.Files.Crs? crs = null) => Read(crs, ReadPrevious());

    /// <summary>The partition of the <c>--previous</c> folder, or null when none is named.</summary>
    public Partition? ReadPrevious() => Previous is { } p ? PartitionReader.Read(p) : null;

    /// <summary>The files as <see cref="Read(Partitioner.Files.Crs?)"/> reads them, with <paramref name="previous"/>
    /// (read by <see cref="ReadPrevious"/>) as previous.</summary>
    public Partitioner.Inputs.PartitionInput Read(Partitioner.Files.Crs? crs, Partition? previous) => new(
        GeoJsonInputReader.ReadTownship(Township, crs),
        GeoJsonInputReader.ReadHouseholds(Households, crs),
        Buildings is { } b ? GeoJsonInputReader.ReadBuildings(b, crs) : [],
        Barriers is { } r ? GeoJsonInputReader.ReadBarriers(r, crs) : [],
        Villages is { } v ? GeoJsonInputReader.ReadVillages(v, crs) : [],
        previous is null ? null : Partitioner.Inputs.PreviousPartition.Of(previous))
    {
        Streets = Streets is { } s ? GeoJsonInputReader.ReadStreets(s, crs) : [],
    };
}
