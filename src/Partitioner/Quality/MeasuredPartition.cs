using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Quality;

/// <summary>A finished partition as the figures of DESIGN §5 see it, in the township's metric
/// CRS: territory units (a micro-grid, or one building's floor runs, which share a territory),
/// micro-grids, grids, assignments, and the street and barrier lines borders are measured
/// against (null when not known: the figure is then carried). Lists are measured in the order
/// given (sums of floating-point figures depend on it), so each caller keeps its own order.</summary>
internal sealed record MeasuredPartition(
    Geometry Township,
    IReadOnlyList<string> HouseholdIds,
    IReadOnlyList<Assignment> Assignments,
    IReadOnlyList<Geometry> UnitTerritories,
    IReadOnlyList<MeasuredMicroGrid> MicroGrids,
    IReadOnlyList<MeasuredMembers> Members,
    IReadOnlyList<MeasuredGrid> Grids,
    IReadOnlyList<Geometry>? Guides,
    MeasuredPrevious? Previous)
{
    /// <summary>What the same township's reports measured before (its local recomputes share it): only
    /// the territories that changed are measured; else the whole coverage and borders are, against
    /// <see cref="Guides"/>.</summary>
    public MeasuredBefore? Before { get; init; }

    /// <summary>A finished partition in lon/lat (an edit's, a local recompute's) as the figures see
    /// it: each territory once (floor runs share theirs), projected by <paramref name="projection"/>;
    /// stability against <paramref name="before"/>.</summary>
    public static MeasuredPartition Of(Partition p, Partition before, Geometry township, IReadOnlyList<HouseholdInput> households,
        IReadOnlyList<Coordinate> metricHouseholds, MetricProjection projection, IReadOnlyList<Geometry>? guides)
    {
        var units = p.MicroGrids.GroupBy(m => m.Territory).Select(g => (LonLat: g.Key, Territory: MetricTerritories.Of(g.Key, projection), Codes: g.Select(m => m.Code).ToList())).ToList();
        var unitOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int u = 0; u < units.Count; u++) foreach (var c in units[u].Codes) unitOf[c] = u;
        var location = new Dictionary<string, Coordinate>(households.Count, StringComparer.Ordinal);
        for (int i = 0; i < households.Count; i++) location[households[i].Id] = metricHouseholds[i];
        var gridIndex = p.Grids.Select((g, i) => (g.Code, i)).ToDictionary(x => x.Code, x => x.i, StringComparer.Ordinal);
        return new MeasuredPartition(
            township,
            households.Select(h => h.Id).ToList(),
            p.Assignments,
            units.Select(u => u.Territory).ToList(),
            p.MicroGrids.Select(m => new MeasuredMicroGrid(m.Code, m.Kind, m.HouseholdCount, unitOf[m.Code], gridIndex.GetValueOrDefault(m.GridCode, -1))).ToList(),
            p.Assignments.GroupBy(a => a.MicroGridCode, StringComparer.Ordinal)
                .Select(g => new MeasuredMembers(unitOf[g.Key], g.Select(a => location[a.HouseholdId]).ToList())).ToList(),
            p.Grids.Select(g => new MeasuredGrid(g.HouseholdCount, MetricTerritories.Of(g.Territory, projection))).ToList(),
            guides,
            new MeasuredPrevious(
                before.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode, StringComparer.Ordinal),
                before.MicroGrids.ToDictionary(m => m.Code, m => (Geometry?)m.Territory, StringComparer.Ordinal),
                units.Select(u => u.LonLat).ToList(),
                projection.Forward));
    }
}

/// <summary>A micro-grid: its code, kind, household count, territory unit and grid (an index into
/// the grids, -1 when its grid is missing).</summary>
internal sealed record MeasuredMicroGrid(string Code, MicroGridKind Kind, int Households, int Unit, int Grid);

/// <summary>The version before, for the stability figures: each household's micro-grid code then,
/// each earlier micro-grid's territory (lon/lat) by code, this version's unit territories in
/// lon/lat (unchanged ones are equal vertex for vertex), and the projection to the metric CRS.</summary>
internal sealed record MeasuredPrevious(
    IReadOnlyDictionary<string, string> MicroGridOfHousehold,
    IReadOnlyDictionary<string, Geometry?> Territory,
    IReadOnlyList<Geometry> UnitLonLat,
    Func<Geometry, Geometry> ToMetric);

/// <summary>The households of one micro-grid, where they stand, and the unit they belong to.</summary>
internal sealed record MeasuredMembers(int Unit, IReadOnlyList<Coordinate> Households);

internal sealed record MeasuredGrid(int Households, Geometry Territory);

/// <summary>Figures a partition's territories and assignments cannot give: who and which version
/// it is, and what only the build saw (barrier faces, stranded hamlets, stage times; the border
/// shares on streets and barriers when the guides are not given), which an edit carries over
/// from the version it edited.</summary>
internal sealed record CarriedFigures(
    string TownshipCode,
    int Version,
    string Crs,
    int NonContiguousAllowed,
    int BarrierCrossings,
    int Faces,
    int StrandedHamlets,
    IReadOnlyDictionary<string, long> ElapsedMs,
    double? BorderOnGuidesShare = null,
    double? GridBorderOnGuidesShare = null);
