using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Territories;
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
        string Crs,
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
        PreviousPartition? Previous);

    public QualityReport Compute(Inputs x, IReadOnlyDictionary<string, long> elapsed)
    {
        var drafts = x.Drafts;
        var sizes = drafts.Select(d => (double)d.Households.Count).ToList();
        var clusterSizes = drafts.Where(d => d.Kind == MicroGridKind.Cluster).Select(d => d.Households.Count).ToList();
        double? Share(int lo, int hi) => clusterSizes.Count == 0 ? null
            : Math.Round(clusterSizes.Count(s => s >= lo && s <= hi) / (double)clusterSizes.Count, 4);

        var assignedCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var a in x.Assignments) assignedCount[a.HouseholdId] = assignedCount.GetValueOrDefault(a.HouseholdId) + 1;
        int unassigned = x.Input.Households.Count(h => !assignedCount.ContainsKey(h.Id));
        int multiply = assignedCount.Count(kv => kv.Value > 1);

        var (gap, overlap) = Coverage(x.UnitTerritory, x.Township);
        var (gridGap, gridOverlap) = Coverage(x.GridTerritory, x.Township);

        var dispersion = drafts.Where(d => d.Households.Count > 0).Select(d =>
        {
            double cx = d.Households.Average(h => h.Location.X), cy = d.Households.Average(h => h.Location.Y);
            return d.Households.Average(h => Math.Sqrt((h.Location.X - cx) * (h.Location.X - cx) + (h.Location.Y - cy) * (h.Location.Y - cy)));
        }).ToList();

        var pp = x.UnitTerritory.Select(PolsbyPopper).Order().ToArray();
        var gridSizes = x.GridUnits.Select(us => (double)us.Sum(u => x.UnitDrafts[u].Sum(d => d.Households.Count))).ToList();

        double? stability = null;
        if (x.Previous is not null)
        {
            int both = 0, same = 0;
            foreach (var a in x.Assignments)
                if (x.Previous.MicroGridOfHousehold.TryGetValue(a.HouseholdId, out var old))
                {
                    both++;
                    if (old == a.MicroGridCode) same++;
                }
            stability = both == 0 ? null : Math.Round(same / (double)both, 4);
        }

        return new QualityReport
        {
            TownshipCode = x.Input.Township.Code,
            Version = x.Version,
            Crs = x.Crs,
            Households = x.Input.Households.Count,
            MicroGrids = drafts.Count,
            Grids = x.GridUnits.Count,
            Kinds = Enum.GetValues<MicroGridKind>().ToDictionary(k => k.ToString().ToLowerInvariant(), k => drafts.Count(d => d.Kind == k)),
            MicroGridHouseholds = Distribution.Of(sizes),
            ClusterShare8To12 = Share(options.ClusterMin, options.ClusterMax),
            ClusterShare5To15 = Share(options.ClusterHardMin, options.ClusterHardMax),
            UnassignedHouseholds = unassigned,
            MultiplyAssignedHouseholds = multiply,
            HouseholdsOutsideOwnTerritory = OutsideOwnTerritory(x),
            GapAreaRatio = gap,
            OverlapAreaRatio = overlap,
            NonContiguous = x.UnitTerritory.Count(t => t.NumGeometries > 1),
            NonContiguousAllowed = Math.Max(0, x.Township.NumGeometries - 1),
            PolsbyPopperMean = Math.Round(pp.Length == 0 ? 0 : pp.Average(), 4),
            PolsbyPopperP10 = Math.Round(Distribution.Percentile(pp, 10), 4),
            DispersionMMean = Math.Round(dispersion.Count == 0 ? 0 : dispersion.Average(), 1),
            DispersionMMax = Math.Round(dispersion.Count == 0 ? 0 : dispersion.Max(), 1),
            BarrierCrossings = drafts.Count(d => d.Sites.Select(s => x.SiteFace[s]).Distinct().Count() > 1),
            Faces = x.Faces.Count,
            StrandedHamlets = x.StrandedHamlets,
            GridLevel = new GridQuality(
                Distribution.Of(gridSizes),
                gridSizes.Count == 0 ? 0 : Math.Round(gridSizes.Count(s => s >= options.GridMin && s <= options.GridMax) / (double)gridSizes.Count, 4),
                gridGap, gridOverlap,
                x.GridTerritory.Count(t => t.NumGeometries > 1),
                Math.Round(x.GridTerritory.Count == 0 ? 0 : x.GridTerritory.Average(PolsbyPopper), 4)),
            MicroGridsOutsideGrid = OutsideGrid(x),
            CodeStability = stability,
            ElapsedMs = elapsed,
        };
    }

    internal static double PolsbyPopper(Geometry g) => g.IsEmpty || g.Length == 0 ? 0 : 4 * Math.PI * g.Area / (g.Length * g.Length);

    internal static (double Gap, double Overlap) Coverage(IReadOnlyList<Geometry> territories, Geometry township)
    {
        var nonEmpty = territories.Where(t => !t.IsEmpty).ToArray();
        if (nonEmpty.Length == 0) return (1, 0);
        var union = OverlayNGRobust.Union(township.Factory.BuildGeometry(nonEmpty));
        double area = township.Area;
        double gap = OverlayNGRobust.Overlay(township, union, SpatialFunction.Difference).Area;
        double overlap = Math.Max(0, nonEmpty.Sum(t => t.Area) - union.Area);
        return (gap / area, overlap / area);
    }

    private static int OutsideOwnTerritory(Inputs x)
    {
        var index = new STRtree<int>();
        for (int u = 0; u < x.UnitTerritory.Count; u++)
            if (!x.UnitTerritory[u].IsEmpty) index.Insert(x.UnitTerritory[u].EnvelopeInternal, u);
        index.Build();
        var locators = new Dictionary<int, IndexedPointInAreaLocator>();
        int outside = 0;
        foreach (var d in x.Drafts)
            foreach (var h in d.Households)
            {
                int hits = 0;
                bool own = false;
                foreach (var u in index.Query(new Envelope(h.Location)))
                {
                    if (!locators.TryGetValue(u, out var loc)) locators[u] = loc = new IndexedPointInAreaLocator(x.UnitTerritory[u]);
                    if (loc.Locate(h.Location) == Location.Exterior) continue;
                    hits++;
                    own |= u == d.Unit;
                }
                if (hits != 1 || !own) outside++;
            }
        return outside;
    }

    private static int OutsideGrid(Inputs x)
    {
        int outside = 0;
        for (int g = 0; g < x.GridUnits.Count; g++)
        {
            var prepared = PreparedGeometryFactory.Prepare(x.GridTerritory[g]);
            foreach (var u in x.GridUnits[g])
            {
                var t = x.UnitTerritory[u];
                if (t.IsEmpty || !prepared.Covers(t.InteriorPoint)) outside += x.UnitDrafts[u].Count;
            }
        }
        return outside;
    }
}
