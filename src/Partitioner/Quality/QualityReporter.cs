using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Overlay;

namespace GridSpatial.Partitioner.Quality;

/// <summary>Measures a partition with the definitions of DESIGN §5, in the metric CRS, from the
/// finished territories and assignments, not from how they were built.</summary>
internal sealed class QualityReporter(PartitionOptions options)
{
    internal sealed record Inputs(
        PartitionInput Input,
        MetricProjection Projection,
        int Version,
        Geometry Township,
        IReadOnlyList<Household> Households,
        IReadOnlyList<Face> Faces,
        IReadOnlyList<int> SiteFace,
        IReadOnlyList<Site> Sites,
        IReadOnlyList<MicroGridDraft> Drafts,
        IReadOnlyList<Geometry> UnitTerritory,
        IReadOnlyList<List<int>> GridUnits,
        IReadOnlyList<Geometry> GridTerritory,
        IReadOnlyList<List<MicroGridDraft>> UnitDrafts,
        int StrandedHamlets,
        IReadOnlyList<Assignment> Assignments,
        PreviousPartition? Previous,
        IReadOnlyList<Geometry> UnitLonLat)
    {
        /// <summary>A part of a township (a local recompute's region): its report is read for its pieces, households
        /// outside their territory and stranded hamlets only, and the stability figures, measured against the
        /// previous version of the whole township (an overlay per redrawn territory), are left out.</summary>
        public bool Part { get; init; }
    }

    /// <summary>The report of a partition just built: its territories and assignments measured,
    /// with the barrier figures only the build sees.</summary>
    public QualityReport Compute(Inputs x, IReadOnlyDictionary<string, long> elapsed)
    {
        var gridOfUnit = new int[x.UnitTerritory.Count];
        for (int g = 0; g < x.GridUnits.Count; g++)
            foreach (var u in x.GridUnits[g]) gridOfUnit[u] = g;
        var measured = new MeasuredPartition(
            x.Township,
            x.Input.Households.Select(h => h.Id).ToList(),
            x.Assignments,
            x.UnitTerritory,
            x.Drafts.Select(d => new MeasuredMicroGrid(d.Code, d.Kind, d.Households.Count, d.Unit, gridOfUnit[d.Unit])).ToList(),
            x.Drafts.Select(d => new MeasuredMembers(d.Unit, d.Households.Select(h => h.Location).ToList())).ToList(),
            x.GridUnits.Select((us, g) => new MeasuredGrid(us.Sum(u => x.UnitDrafts[u].Sum(d => d.Households.Count)), x.GridTerritory[g])).ToList(),
            Guides(x.Input, x.Projection),
            x.Previous is { } previous && !x.Part ? Previous(previous, x.UnitLonLat, x.Projection) : null);
        var carried = new CarriedFigures(
            x.Input.Township.Code, x.Version, x.Projection.Name,
            NonContiguousAllowed: Math.Max(0, x.Township.NumGeometries - 1),
            BarrierCrossings: x.Drafts.Count(d => d.Sites.Select(s => x.SiteFace[s]).Distinct().Count() > 1),
            Faces: x.Faces.Count,
            StrandedHamlets: x.StrandedHamlets,
            ElapsedMs: elapsed);
        return Measure(measured, carried);
    }

    /// <summary>The street and barrier lines of an input, in the metric CRS.</summary>
    internal static IReadOnlyList<Geometry> Guides(PartitionInput input, MetricProjection projection) =>
        input.Barriers.Select(b => b.Line).Concat(input.Streets.Select(s => s.Line)).Select(projection.Forward).ToList();

    /// <summary>An earlier partition as the stability figures see it.</summary>
    internal static MeasuredPrevious Previous(PreviousPartition previous, IReadOnlyList<Geometry> unitLonLat, MetricProjection projection)
    {
        var territory = new Dictionary<string, Geometry?>(StringComparer.Ordinal);
        foreach (var m in previous.MicroGrids) territory.TryAdd(m.Code, m.Territory);
        return new MeasuredPrevious(previous.MicroGridOfHousehold, territory, unitLonLat, projection.Forward);
    }

    /// <summary>The figures of DESIGN §5 of a finished partition; <paramref name="carried"/> gives
    /// those its territories and assignments cannot.</summary>
    public QualityReport Measure(MeasuredPartition p, CarriedFigures carried)
    {
        var sizes = p.MicroGrids.Select(m => (double)m.Households).ToList();
        var clusterSizes = p.MicroGrids.Where(m => m.Kind == MicroGridKind.Cluster).Select(m => m.Households).ToList();
        double? Share(int lo, int hi) => clusterSizes.Count == 0 ? null
            : Math.Round(clusterSizes.Count(s => s >= lo && s <= hi) / (double)clusterSizes.Count, 4);

        var assignedCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var a in p.Assignments) assignedCount[a.HouseholdId] = assignedCount.GetValueOrDefault(a.HouseholdId) + 1;

        var coverage = p.Before?.Units.Coverage.Measure(p.UnitTerritories, p.Township, null) ?? Coverage(p.UnitTerritories, p.Township);
        var gridTerritories = p.Grids.Select(g => g.Territory).ToList();
        var gridCoverage = p.Before?.Grids.Coverage.Measure(gridTerritories, p.Township, coverage) ?? Coverage(gridTerritories, p.Township, coverage);
        var guided = p.Before?.Borders ?? (p.Guides is null ? null : new GuidedBorders(p.Township, p.Guides));

        var dispersion = p.Members.Where(m => m.Households.Count > 0).Select(m =>
        {
            var l = m.Households;
            double cx = l.Average(c => c.X), cy = l.Average(c => c.Y);
            return l.Average(c => Math.Sqrt((c.X - cx) * (c.X - cx) + (c.Y - cy) * (c.Y - cy)));
        }).ToList();
        var pp = p.UnitTerritories.Select(PolsbyPopper).Order().ToArray();
        var gridSizes = p.Grids.Select(g => (double)g.Households).ToList();

        return new QualityReport
        {
            TownshipCode = carried.TownshipCode,
            Version = carried.Version,
            Crs = carried.Crs,
            Households = p.HouseholdIds.Count,
            MicroGrids = p.MicroGrids.Count,
            Grids = p.Grids.Count,
            Kinds = Enum.GetValues<MicroGridKind>().ToDictionary(k => k.ToString().ToLowerInvariant(), k => p.MicroGrids.Count(m => m.Kind == k)),
            MicroGridHouseholds = Distribution.Of(sizes),
            ClusterShare8To12 = Share(options.ClusterMin, options.ClusterMax),
            ClusterShare5To15 = Share(options.ClusterHardMin, options.ClusterHardMax),
            UnassignedHouseholds = p.HouseholdIds.Count(id => !assignedCount.ContainsKey(id)),
            MultiplyAssignedHouseholds = assignedCount.Count(kv => kv.Value > 1),
            HouseholdsOutsideOwnTerritory = OutsideOwnTerritory(p, coverage.Exact),
            GapAreaRatio = coverage.Gap,
            OverlapAreaRatio = coverage.Overlap,
            CoverageExact = coverage.Exact && gridCoverage.Exact,
            NonContiguous = p.UnitTerritories.Count(t => t.NumGeometries > 1),
            NonContiguousAllowed = carried.NonContiguousAllowed,
            PolsbyPopperMean = Math.Round(pp.Length == 0 ? 0 : pp.Average(), 4),
            PolsbyPopperP10 = Math.Round(Distribution.Percentile(pp, 10), 4),
            VerticesMean = Math.Round(p.UnitTerritories.Count == 0 ? 0 : p.UnitTerritories.Average(Vertices), 1),
            DispersionMMean = Math.Round(dispersion.Count == 0 ? 0 : dispersion.Average(), 1),
            DispersionMMax = Math.Round(dispersion.Count == 0 ? 0 : dispersion.Max(), 1),
            BarrierCrossings = carried.BarrierCrossings,
            BorderOnGuidesShare = guided is null ? carried.BorderOnGuidesShare : guided.ShareOf(p.UnitTerritories, p.Before?.Units.Tally),
            Faces = carried.Faces,
            StrandedHamlets = carried.StrandedHamlets,
            GridLevel = new GridQuality(
                Distribution.Of(gridSizes),
                gridSizes.Count == 0 ? 0 : Math.Round(gridSizes.Count(s => s >= options.GridMin && s <= options.GridMax) / (double)gridSizes.Count, 4),
                gridCoverage.Gap, gridCoverage.Overlap,
                gridTerritories.Count(t => t.NumGeometries > 1),
                Math.Round(gridTerritories.Count == 0 ? 0 : gridTerritories.Average(PolsbyPopper), 4),
                guided is null ? carried.GridBorderOnGuidesShare : guided.ShareOf(gridTerritories, p.Before?.Grids.Tally)),
            MicroGridsOutsideGrid = OutsideGrid(p),
            CodeStability = p.Previous is null ? null : CodeStability.Of(p.Assignments, p.Previous.MicroGridOfHousehold),
            TerritoryStability = p.Previous is null ? null : TerritoryStability.Of(p, p.Previous),
            ElapsedMs = carried.ElapsedMs,
        };
    }

    internal static double PolsbyPopper(Geometry g) => g.IsEmpty || g.Length == 0 ? 0 : 4 * Math.PI * g.Area / (g.Length * g.Length);

    /// <summary>Vertices of a territory, each ring's closing one not counted.</summary>
    internal static int Vertices(Geometry g)
    {
        int n = 0;
        for (int i = 0; i < g.NumGeometries; i++)
            if (g.GetGeometryN(i) is Polygon p && !p.IsEmpty)
            {
                n += p.ExteriorRing.NumPoints - 1;
                foreach (var hole in p.InteriorRings) n += hole.NumPoints - 1;
            }
        return n;
    }

    /// <summary>Gap: township area outside the union of the territories; overlap: area covered
    /// more than once (sum of areas less the union's); both over the township area. When the
    /// territories provably overlap nowhere (<see cref="ExactCoverage"/>) the overlap is 0 and the
    /// union comes from their edges; otherwise it is overlaid. A coverage with the same union as
    /// <paramref name="known"/> (grids made of micro-grids) has its gap.</summary>
    internal static CoverageFigures Coverage(IReadOnlyList<Geometry> territories, Geometry township, CoverageFigures? known = null)
    {
        var nonEmpty = territories.Where(t => !t.IsEmpty).ToArray();
        if (nonEmpty.Length == 0) return new CoverageFigures(1, 0, null);
        double area = township.Area;
        if (ExactCoverage.Union(nonEmpty, township.Factory) is { } exact)
        {
            exact = exact.Normalized();
            bool same = known?.ExactUnion is { } other && exact.EqualsExact(other);
            return new CoverageFigures(same ? known!.Gap : OverlayNGRobust.Overlay(township, exact, SpatialFunction.Difference).Area / area, 0, exact);
        }
        var union = OverlayNGRobust.Union(township.Factory.BuildGeometry(nonEmpty));
        double gap = OverlayNGRobust.Overlay(township, union, SpatialFunction.Difference).Area;
        double overlap = Math.Max(0, nonEmpty.Sum(t => t.Area) - union.Area);
        return new CoverageFigures(gap / area, overlap / area, null);
    }

    /// <summary>Gap and overlap ratios, and the union when the territories provably overlap nowhere.</summary>
    internal sealed record CoverageFigures(double Gap, double Overlap, Geometry? ExactUnion)
    {
        public bool Exact => ExactUnion is not null;
    }

    /// <summary>Households not in exactly one territory, or not in their own. When territories
    /// overlap nowhere, a household inside its own territory's interior is in no other one, so
    /// only those on its boundary are looked up among the others.</summary>
    private static int OutsideOwnTerritory(MeasuredPartition p, bool exactCoverage)
    {
        var units = p.UnitTerritories;
        STRtree<int>? index = null;
        var locators = new Dictionary<int, IndexedPointInAreaLocator>();
        int outside = 0;
        foreach (var m in p.Members)
            foreach (var at in m.Households)
            {
                if (exactCoverage)
                {
                    var own = Locate(at, units[m.Unit]);
                    if (own == Location.Interior) continue;
                    if (own == Location.Exterior) { outside++; continue; }
                }
                index ??= Index(units);
                if (!InExactlyOwn(at, m.Unit, units, index, locators)) outside++;
            }
        return outside;
    }

    /// <summary>Where a point lies in a (multi)polygon: what SimplePointInAreaLocator answers, for
    /// valid polygons whose parts do not touch, without allocating.</summary>
    private static Location Locate(Coordinate at, Geometry g)
    {
        var where = Location.Exterior;
        for (int i = 0; i < g.NumGeometries && where != Location.Interior; i++)
        {
            if (g.GetGeometryN(i) is not Polygon p || p.IsEmpty || !p.EnvelopeInternal.Intersects(at)) continue;
            var inShell = RayCrossingCounter.LocatePointInRing(at, p.ExteriorRing.CoordinateSequence);
            if (inShell == Location.Exterior) continue;
            var inPart = inShell;
            foreach (var hole in p.InteriorRings)
            {
                var inHole = RayCrossingCounter.LocatePointInRing(at, hole.CoordinateSequence);
                if (inHole == Location.Interior) { inPart = Location.Exterior; break; }
                if (inHole == Location.Boundary) inPart = Location.Boundary;
            }
            if (inPart == Location.Interior || (inPart == Location.Boundary && where == Location.Exterior)) where = inPart;
        }
        return where;
    }

    private static bool InExactlyOwn(Coordinate at, int unit, IReadOnlyList<Geometry> units, STRtree<int> index, Dictionary<int, IndexedPointInAreaLocator> locators)
    {
        int hits = 0;
        bool own = false;
        foreach (var u in index.Query(new Envelope(at)))
        {
            if (!locators.TryGetValue(u, out var loc)) locators[u] = loc = new IndexedPointInAreaLocator(units[u]);
            if (loc.Locate(at) == Location.Exterior) continue;
            hits++;
            own |= u == unit;
        }
        return hits == 1 && own;
    }

    private static STRtree<int> Index(IReadOnlyList<Geometry> units)
    {
        var index = new STRtree<int>();
        for (int u = 0; u < units.Count; u++)
            if (!units[u].IsEmpty) index.Insert(units[u].EnvelopeInternal, u);
        index.Build();
        return index;
    }

    /// <summary>Micro-grids whose territory's interior point is not in their grid's territory.</summary>
    private static int OutsideGrid(MeasuredPartition p)
    {
        var prepared = p.Grids.Select(g => PreparedGeometryFactory.Prepare(g.Territory)).ToList();
        return p.MicroGrids.Count(m => m.Grid < 0 || MetricTerritories.InteriorPoint(p.UnitTerritories[m.Unit]) is not { } inside
            || !prepared[m.Grid].Covers(p.Grids[m.Grid].Territory.Factory.CreatePoint(inside)));
    }
}
