using System.Text.Json.Serialization;

namespace GridSpatial.Partitioner.Quality;

/// <summary>The quality figures of DESIGN §5, computed in the township's metric CRS. Written as
/// report.json with snake_case names; the same definitions everywhere.</summary>
public sealed record QualityReport
{
    public required string TownshipCode { get; init; }
    public required int Version { get; init; }
    public required string Crs { get; init; }
    public required int Households { get; init; }
    public required int MicroGrids { get; init; }
    public required int Grids { get; init; }
    public required IReadOnlyDictionary<string, int> Kinds { get; init; }
    public required Distribution MicroGridHouseholds { get; init; }
    [JsonPropertyName("cluster_share_8_12")]
    public required double? ClusterShare8To12 { get; init; }
    [JsonPropertyName("cluster_share_5_15")]
    public required double? ClusterShare5To15 { get; init; }
    public required int UnassignedHouseholds { get; init; }
    public required int MultiplyAssignedHouseholds { get; init; }
    public required int HouseholdsOutsideOwnTerritory { get; init; }
    public required double GapAreaRatio { get; init; }
    public required double OverlapAreaRatio { get; init; }
    public required int NonContiguous { get; init; }

    /// <summary>Extra parts of a multipart township: that many multipart territories are expected.</summary>
    public required int NonContiguousAllowed { get; init; }
    public required double PolsbyPopperMean { get; init; }
    public required double PolsbyPopperP10 { get; init; }
    public required double DispersionMMean { get; init; }
    public required double DispersionMMax { get; init; }
    public required int BarrierCrossings { get; init; }

    /// <summary>Pieces the township is cut into by barriers and village boundaries.</summary>
    public required int Faces { get; init; }
    public required int StrandedHamlets { get; init; }
    public required GridQuality GridLevel { get; init; }
    public required int MicroGridsOutsideGrid { get; init; }
    public double? CodeStability { get; init; }
    public required IReadOnlyDictionary<string, long> ElapsedMs { get; init; }
}

public sealed record GridQuality(
    Distribution Households,
    double ShareInBand,
    double GapAreaRatio,
    double OverlapAreaRatio,
    int NonContiguous,
    double PolsbyPopperMean);
