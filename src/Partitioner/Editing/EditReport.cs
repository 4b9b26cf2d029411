using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The quality report of an edited partition, measured from its territories and
/// assignments with the definitions of DESIGN §5 (as the partitioner's report is). Figures that
/// need the barrier faces (barrier crossings, faces, stranded hamlets) are carried over from the
/// version edited: an edit does not see barriers.</summary>
internal static class EditReport
{
    public static QualityReport Measure(Partition edited, Partition before, Geometry township, IReadOnlyList<HouseholdInput> households,
        IReadOnlyList<Coordinate> metricHouseholds, MetricProjection projection, PartitionOptions options)
    {
        //-- Floor runs share one territory: measure each territory once.
        var units = edited.MicroGrids.GroupBy(m => m.Territory).Select(g => (Territory: projection.Forward(g.Key), Codes: g.Select(m => m.Code).ToList())).ToList();
        var unitOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int u = 0; u < units.Count; u++) foreach (var c in units[u].Codes) unitOf[c] = u;
        var location = new Dictionary<string, Coordinate>(households.Count, StringComparer.Ordinal);
        for (int i = 0; i < households.Count; i++) location[households[i].Id] = metricHouseholds[i];

        var assigned = edited.Assignments.GroupBy(a => a.HouseholdId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var sizes = edited.MicroGrids.Select(m => (double)m.HouseholdCount).ToList();
        var clusterSizes = edited.MicroGrids.Where(m => m.Kind == MicroGridKind.Cluster).Select(m => m.HouseholdCount).ToList();
        double? Share(int lo, int hi) => clusterSizes.Count == 0 ? null : Math.Round(clusterSizes.Count(s => s >= lo && s <= hi) / (double)clusterSizes.Count, 4);

        var (gap, overlap) = QualityReporter.Coverage(units.Select(u => u.Territory).ToList(), township);
        var gridTerritories = edited.Grids.Select(g => projection.Forward(g.Territory)).ToList();
        var (gridGap, gridOverlap) = QualityReporter.Coverage(gridTerritories, township);

        var members = edited.Assignments.GroupBy(a => a.MicroGridCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(a => location[a.HouseholdId]).ToList(), StringComparer.Ordinal);
        var dispersion = members.Values.Where(l => l.Count > 0).Select(l =>
        {
            double cx = l.Average(c => c.X), cy = l.Average(c => c.Y);
            return l.Average(c => Math.Sqrt((c.X - cx) * (c.X - cx) + (c.Y - cy) * (c.Y - cy)));
        }).ToList();
        var pp = units.Select(u => QualityReporter.PolsbyPopper(u.Territory)).Order().ToArray();
        var gridSizes = edited.Grids.Select(g => (double)g.HouseholdCount).ToList();

        var index = new STRtree<int>();
        for (int u = 0; u < units.Count; u++) if (!units[u].Territory.IsEmpty) index.Insert(units[u].Territory.EnvelopeInternal, u);
        index.Build();
        var locators = new Dictionary<int, IndexedPointInAreaLocator>();
        int outsideOwn = 0;
        foreach (var a in edited.Assignments)
        {
            var at = location[a.HouseholdId];
            int hits = 0;
            bool own = false;
            foreach (var u in index.Query(new Envelope(at)))
            {
                if (!locators.TryGetValue(u, out var loc)) locators[u] = loc = new IndexedPointInAreaLocator(units[u].Territory);
                if (loc.Locate(at) == Location.Exterior) continue;
                hits++;
                own |= u == unitOf[a.MicroGridCode];
            }
            if (hits != 1 || !own) outsideOwn++;
        }
        var gridIndex = edited.Grids.Select((g, i) => (g.Code, i)).ToDictionary(x => x.Code, x => x.i, StringComparer.Ordinal);
        var prepared = gridTerritories.Select(PreparedGeometryFactory.Prepare).ToList();
        int outsideGrid = edited.MicroGrids.Count(m =>
            !gridIndex.TryGetValue(m.GridCode, out var g) || !prepared[g].Covers(units[unitOf[m.Code]].Territory.InteriorPoint));

        var previous = before.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode, StringComparer.Ordinal);
        int both = 0, same = 0;
        foreach (var a in edited.Assignments)
            if (previous.TryGetValue(a.HouseholdId, out var old)) { both++; if (old == a.MicroGridCode) same++; }

        return before.Report with
        {
            Version = edited.Version,
            Households = households.Count,
            MicroGrids = edited.MicroGrids.Count,
            Grids = edited.Grids.Count,
            Kinds = Enum.GetValues<MicroGridKind>().ToDictionary(k => k.ToString().ToLowerInvariant(), k => edited.MicroGrids.Count(m => m.Kind == k)),
            MicroGridHouseholds = Distribution.Of(sizes),
            ClusterShare8To12 = Share(options.ClusterMin, options.ClusterMax),
            ClusterShare5To15 = Share(options.ClusterHardMin, options.ClusterHardMax),
            UnassignedHouseholds = households.Count(h => !assigned.ContainsKey(h.Id)),
            MultiplyAssignedHouseholds = assigned.Count(kv => kv.Value > 1),
            HouseholdsOutsideOwnTerritory = outsideOwn,
            GapAreaRatio = gap,
            OverlapAreaRatio = overlap,
            NonContiguous = units.Count(u => u.Territory.NumGeometries > 1),
            PolsbyPopperMean = Math.Round(pp.Length == 0 ? 0 : pp.Average(), 4),
            PolsbyPopperP10 = Math.Round(Distribution.Percentile(pp, 10), 4),
            DispersionMMean = Math.Round(dispersion.Count == 0 ? 0 : dispersion.Average(), 1),
            DispersionMMax = Math.Round(dispersion.Count == 0 ? 0 : dispersion.Max(), 1),
            GridLevel = new GridQuality(
                Distribution.Of(gridSizes),
                gridSizes.Count == 0 ? 0 : Math.Round(gridSizes.Count(s => s >= options.GridMin && s <= options.GridMax) / (double)gridSizes.Count, 4),
                gridGap, gridOverlap,
                gridTerritories.Count(t => t.NumGeometries > 1),
                Math.Round(gridTerritories.Count == 0 ? 0 : gridTerritories.Average(QualityReporter.PolsbyPopper), 4)),
            MicroGridsOutsideGrid = outsideGrid,
            CodeStability = both == 0 ? null : Math.Round(same / (double)both, 4),
        };
    }
}
