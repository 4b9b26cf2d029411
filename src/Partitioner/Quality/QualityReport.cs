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

    /// <summary>Whether the territories were shown to overlap nowhere from their edges alone (every
    /// shared border vertex for vertex), at both levels: then the overlap is exactly 0. Null in reports
    /// written before this was recorded.</summary>
    public bool? CoverageExact { get; init; }
    public required int NonContiguous { get; init; }

    /// <summary>Extra parts of a multipart township: that many multipart territories are expected.</summary>
    public required int NonContiguousAllowed { get; init; }
    public required double PolsbyPopperMean { get; init; }
    public required double PolsbyPopperP10 { get; init; }

    /// <summary>Mean vertex count of micro-grid territories (floor runs of one building, which
    /// share a territory, once; a ring's closing vertex not counted): how jagged borders are.</summary>
    public double? VerticesMean { get; init; }
    public required double DispersionMMean { get; init; }
    public required double DispersionMMax { get; init; }
    public required int BarrierCrossings { get; init; }

    /// <summary>Share of the internal border length of micro-grid territories (township outline
    /// excluded; floor runs of one building once) that lies within 10 m of a street or barrier
    /// line, in the metric CRS (<see cref="GuidedBorders"/>); null when the township has no
    /// streets and no barriers. An edit carries it over from the version it edited.</summary>
    public double? BorderOnGuidesShare { get; init; }

    /// <summary>Pieces the township is cut into by barriers and village boundaries.</summary>
    public required int Faces { get; init; }
    public required int StrandedHamlets { get; init; }
    public required GridQuality GridLevel { get; init; }
    public required int MicroGridsOutsideGrid { get; init; }
    public double? CodeStability { get; init; }

    /// <summary>With a previous partition: of the micro-grids whose household set is identical in
    /// both, the share whose territory is unchanged (symmetric difference under 1 m², metric CRS;
    /// <see cref="Quality.TerritoryStability"/>); null when none kept its households.</summary>
    public double? TerritoryStability { get; init; }
    public required IReadOnlyDictionary<string, long> ElapsedMs { get; init; }

    /// <summary>How the partition nests in the departmental layer it was asked to nest in
    /// (<see cref="NestingFit"/>); null when it nests in none.</summary>
    public NestingReport? Nesting { get; init; }
}

/// <param name="BorderOnGuidesShare">As <see cref="QualityReport.BorderOnGuidesShare"/>, on the
/// internal borders between grids.</param>
public sealed record GridQuality(
    Distribution Households,
    double ShareInBand,
    double GapAreaRatio,
    double OverlapAreaRatio,
    int NonContiguous,
    double PolsbyPopperMean,
    double? BorderOnGuidesShare = null);
