using System.CommandLine;

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
    public Option<string> Villages { get; } = new("--villages") { Description = "village boundaries (GeoJSON)", HelpName = "V.geojson" };
    public Option<string> Previous { get; } = new("--previous") { Description = "an earlier output of this township: its codes stay stable", HelpName = "DIR" };

    public IEnumerable<Option> All => [Township, Households, Buildings, Barriers, Villages, Previous];

    /// <summary>The files named on the command line; null when no --township was.</summary>
    public TownshipFiles? Files(ParseResult p) => p.GetValue(Township) is { } township
        ? new TownshipFiles(township,
            p.GetValue(Households) ?? throw new UsageException("Option '--households' is required with --township."),
            p.GetValue(Buildings), p.GetValue(Barriers), p.GetValue(Villages), p.GetValue(Previous))
        : null;
}

public sealed record TownshipFiles(string Township, string Households, string? Buildings, string? Barriers, string? Villages, string? Previous);
