using System.Diagnostics;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Grids;
using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Quality;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;

namespace GridSpatial.Partitioner;

/// <summary>Splits one township into grids and micro-grids (DESIGN §1, §8): sites, barrier
/// faces, a Voronoi tessellation noded into an exact coverage, clusters by regionalization,
/// grids one level up, codes in reading order (or carried over from a previous partition),
/// and the quality report. Deterministic: the same input in any order gives the same output.</summary>
public sealed class TownshipPartitioner(PartitionOptions options)
{
    /// <summary>Noding grid of the metric CRS: one micrometre.</summary>
    internal static readonly PrecisionModel Precision = new(1e6);

    /// <summary>Metres a simplified street may stray from the street drawn.</summary>
    private const double StreetToleranceM = 2.0;

    public PartitionOptions Options { get; } = options;

    /// <summary>Receives a line per stage, for progress on long runs.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>The partition that follows <see cref="PartitionInput.Previous"/> (version 1 without
    /// one): the version a partition file written with <c>--previous</c> carries.</summary>
    public Partition Partition(PartitionInput input) => Partition(input, (input.Previous?.Version ?? 0) + 1);

    /// <summary>The partition written as <paramref name="version"/>, which its publisher decides
    /// (the store's next version); codes born now are valid from it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A version not after the previous partition's.</exception>
    public Partition Partition(PartitionInput input, int version)
    {
        var partition = Partition(BuildingReach.Apply(input, Options), version, null) with { InputsDigest = Inputs.InputsDigest.Of(input, Options) };
        if (NestingFit.Of(partition, input, Options) is not { } nesting) return partition;
        //-- What nesting cost: the same inputs partitioned again without the layer's borders, in this run (elapsed_ms.unnested).
        var clock = Stopwatch.StartNew();
        var unnested = Partition(BuildingReach.Apply(input with { Nest = null }, Options), version, null);
        var elapsed = new Dictionary<string, long>(partition.Report.ElapsedMs) { ["unnested"] = clock.ElapsedMilliseconds };
        return partition with
        {
            Report = partition.Report with { Nesting = nesting with { Cost = NestingCost.Between(partition, unnested, version, Options) }, ElapsedMs = elapsed },
        };
    }

    /// <summary>As <see cref="Partition(PartitionInput, int)"/>, in <paramref name="projection"/>
    /// (the whole township's, when <paramref name="input"/> is a part of it) or its own; without the
    /// inputs' digest, which only a whole township's partition records, and a part's report without the
    /// stability figures (<see cref="Quality.QualityReporter.Inputs.Part"/>).</summary>
    internal Partition Partition(PartitionInput input, int version, MetricProjection? projection)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(version, input.Previous?.Version ?? 0);
        Options.Validate();
        InputValidator.Validate(input);
        var times = new StageTimes(Progress);
        var elapsed = times.Elapsed;
        void Stage(string name) => times.Stage(name);

        bool part = projection is not null;
        projection ??= MetricProjection.For(input.Township.Boundary);
        var (restorer, township, villages, villageGeoms, barriers, streets, zones) = Project(input, projection);
        var households = input.Households
            .Select(h => new Household(h.Id, projection.Forward(h.Location), h.BuildingId, h.Floor, h.Unit))
            .ToList();
        Stage("project");

        var sites = new SiteBuilder(Options).Build(households);
        Stage("sites");

        var (faces, faceLines) = new FaceBuilder(Precision).Build(township, barriers, villageGeoms, zones);
        Stage("faces");

        var tess = Tessellation.Build(township, faces, faceLines, sites, streets, Precision);
        Stage("tessellation");

        var siteAdjacency = tess.OwnerAdjacency(o => o);
        var clusterBuilder = new ClusterBuilder(Options);
        var previousOfHousehold = input.Previous?.MicroGridOfHousehold;
        //-- A site new to the township, or moved out of its micro-grid's territory, joins the previous
        //-- micro-grid whose territory holds it (DESIGN §8.7): kept with its old one, it would make both
        //-- territories change although neither's households did.
        //-- Clusters start from previous clusters only: a house seeded with a building's code (moved out
        //-- of it, or new in its territory) would stand alone as a cluster of one.
        var previousTerritories = input.Previous is null ? null : PreviousTerritories.Of(input.Previous, restorer);
        var previousClusters = input.Previous?.MicroGrids.Where(m => m.Kind == "cluster").Select(m => m.Code).ToHashSet(StringComparer.Ordinal);
        var previousSite = previousOfHousehold is null ? null
            : sites.Select(s => Majority(s.Households.Where(h => previousOfHousehold.TryGetValue(h.Id, out var c) && previousClusters!.Contains(c)
                    && previousTerritories!.Holds(c, h.Location)).ToList(), previousOfHousehold, c => c)
                ?? previousTerritories!.Holding(s.Locations[0], previousClusters!)).ToList();
        var previousMicroGridSize = previousOfHousehold?.Values.GroupBy(c => c, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var previousGridSize = previousOfHousehold?.Values.GroupBy(c => c[..^3], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var clusters = clusterBuilder.Build(sites, tess.SiteFace, faces, siteAdjacency, previousSite, previousMicroGridSize, tess.OwnerOffGuide(o => o));
        var drafts = MakeDrafts(sites, clusters, clusterBuilder.AttachedToBuilding, tess.EmptyUnitVillage.Count, previousOfHousehold);
        Stage("micro_grids");

        // Territory units: a cluster, a building with its floor runs, or a village's empty land.
        var unitOfSite = new int[sites.Count];
        var unitOfEmpty = new int[tess.EmptyUnitVillage.Count];
        var unitDrafts = new List<List<MicroGridDraft>>();
        foreach (var d in drafts)
        {
            int unit = d.Kind == MicroGridKind.Floor && d.Sites.Count == 1 && unitOfSite[d.Sites[0]] > 0
                ? unitOfSite[d.Sites[0]] - 1
                : unitDrafts.Count;
            if (unit == unitDrafts.Count) unitDrafts.Add([]);
            unitDrafts[unit].Add(d);
            d.Unit = unit;
            foreach (var s in d.Sites) unitOfSite[s] = unit + 1;
            if (d.EmptyUnit >= 0) unitOfEmpty[d.EmptyUnit] = unit;
        }
        for (int s = 0; s < sites.Count; s++) unitOfSite[s]--;
        int UnitOfOwner(int owner) => owner >= 0 ? unitOfSite[owner] : unitOfEmpty[-1 - owner];

        var piecesOfUnit = new List<Polygon>[unitDrafts.Count];
        for (int u = 0; u < piecesOfUnit.Length; u++) piecesOfUnit[u] = [];
        for (int p = 0; p < tess.Pieces.Count; p++) piecesOfUnit[UnitOfOwner(tess.Owner[p])].Add(tess.Pieces[p]);
        var unitTerritory = piecesOfUnit.Select(ps => Union(ps, township.Factory)).ToArray();
        var unitVillage = unitDrafts.Select(ds => ds[0].EmptyUnit >= 0
            ? tess.EmptyUnitVillage[ds[0].EmptyUnit]
            : faces[tess.SiteFace[ds[0].Sites[0]]].Village).ToArray();
        var unitAdjacency = tess.OwnerAdjacency(UnitOfOwner);
        var unitOffGuide = tess.OwnerOffGuide(UnitOfOwner);
        //-- A nesting township's territories are drawn afresh (KeptTerritories keeps a territory by its
        //-- village alone and would keep one across a departmental border); codes stay stable all the same.
        if (input.Previous is { } previous && zones is null
            && new KeptTerritories(Precision).Keep(township, barriers, villageGeoms, streets, sites,
                new KeptTerritories.Units(unitDrafts.Select(ds => (IReadOnlyList<Household>)ds.SelectMany(d => d.Households).ToList()).ToList(), unitVillage, unitOfSite,
                    unitDrafts.Select((ds, u) => (ds[0].EmptyUnit, u)).Where(x => x.EmptyUnit >= 0).ToDictionary(x => tess.EmptyUnitVillage[x.EmptyUnit], x => x.u),
                    unitTerritory),
                previous, previousTerritories!) is { } stay)
        {
            unitTerritory = stay.Territories;
            unitAdjacency = stay.Adjacency;
        }
        var unitWeight = unitDrafts.Select(ds => ds.Sum(d => d.Households.Count)).ToArray();
        var unitPosition = unitDrafts.Select((ds, u) => ds[0].Households.Count > 0
            ? Centre(ds.SelectMany(d => d.Households))
            : unitTerritory[u].InteriorPoint.Coordinate).ToArray();
        var unitKey = unitDrafts.Select(ds => ds[0].Sites.Count > 0 ? sites[ds[0].Sites[0]].Key : $"~empty:{ds[0].EmptyUnit:D6}").ToArray();
        Stage("territories");

        var previousGrid = previousOfHousehold is null ? null
            : unitDrafts.Select(ds => Majority(ds.SelectMany(d => d.Households).ToList(), previousOfHousehold, c => c.Length > 3 ? c[..^3] : c)).ToList();
        //-- Nesting at grid level: grids are made per village and zone, so none crosses a departmental border.
        var unitZone = unitDrafts.Select(ds => ds[0].EmptyUnit >= 0 ? tess.EmptyUnitZone[ds[0].EmptyUnit] : faces[tess.SiteFace[ds[0].Sites[0]]].Zone).ToArray();
        var gridGroup = zones?.Level == NestLevel.Grid
            ? unitVillage.Select((v, u) => v * (zones.Units.Count + 1) + unitZone[u]).ToArray()
            : unitVillage;
        var gridUnits = new GridBuilder(Options).Build(unitKey, unitWeight, unitPosition, gridGroup, unitAdjacency, previousGrid, previousGridSize, unitOffGuide);
        var gridTerritory = gridUnits.Select(us => Unite.Of(us.Select(u => unitTerritory[u]).ToList(), township.Factory, Precision)).ToArray();
        Stage("grids");

        var villageAreas = new double[villages.Count];
        var villageNorth = new double[villages.Count];
        for (int v = 0; v < villages.Count; v++)
        {
            var g = input.Villages.Count > 0 ? villageGeoms[v] : township;
            villageAreas[v] = g.Area;
            villageNorth[v] = g.EnvelopeInternal.MaxY;
        }
        var gridVillage = gridUnits.Select(us => unitVillage[us[0]]).ToArray();
        var assigner = new CodeAssigner(input.Previous, previousTerritories is null ? null : previousTerritories.Of);
        var gridCodes = assigner.AssignGrids(
            gridUnits.Select((us, g) => new CodeAssigner.Unit(
                villages[gridVillage[g]].Code, gridTerritory[g].InteriorPoint.Coordinate, unitKey[us[0]],
                us.SelectMany(u => unitDrafts[u]).SelectMany(d => d.Households).Select(h => h.Id).ToList()) { Territory = gridTerritory[g] }).ToList(),
            parent => villageAreas[villages.FindIndex(v => v.Code == parent)],
            parent => villageNorth[villages.FindIndex(v => v.Code == parent)]);
        for (int g = 0; g < gridUnits.Count; g++)
            foreach (var u in gridUnits[g])
                foreach (var d in unitDrafts[u]) d.GridCode = gridCodes[g];

        var gridIndexOfCode = gridCodes.Select((c, g) => (c, g)).ToDictionary(x => x.c, x => x.g);
        var mgCodes = assigner.AssignMicroGrids(
            drafts.Select(d => new CodeAssigner.Unit(d.GridCode, unitPosition[d.Unit],
                d.TieKey(unitKey[d.Unit]), d.Households.Select(h => h.Id).ToList()) { Territory = unitTerritory[d.Unit] }).ToList(),
            parent => gridTerritory[gridIndexOfCode[parent]].Area,
            parent => gridTerritory[gridIndexOfCode[parent]].EnvelopeInternal.MaxY);
        for (int i = 0; i < drafts.Count; i++) drafts[i].Code = mgCodes[i];
        var history = assigner.History(version);
        Stage("codes");

        // Back to lon/lat, with the township's own vertices restored exactly.
        var lonLatUnit = unitTerritory.Select(t => restorer.Inverse(t)).ToArray();
        var gridOut = gridUnits.Select((us, g) => new Grid(gridCodes[g], villages[gridVillage[g]].Code,
                us.Sum(u => unitWeight[u]), restorer.Inverse(gridTerritory[g])))
            .OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
        var mgOut = drafts.Select(d => new MicroGrid(d.Code, d.GridCode, villages[unitVillage[d.Unit]].Code, d.Kind,
                d.Households.Count, d.BuildingId, d.FloorFrom, d.FloorTo, lonLatUnit[d.Unit]) { Unit = d.BuildingUnit })
            .OrderBy(m => m.Code, StringComparer.Ordinal).ToList();
        var assignments = drafts.SelectMany(d => d.Households.Select(h => new Assignment(h.Id, d.Code, d.GridCode)))
            .OrderBy(a => a.HouseholdId, StringComparer.Ordinal).ToList();
        Stage("output");

        var report = new QualityReporter(Options).Compute(new QualityReporter.Inputs(
            input, projection, version, township, households, faces, tess.SiteFace, sites,
            drafts, unitTerritory, gridUnits, gridTerritory, unitDrafts, clusterBuilder.StrandedHamlets,
            assignments, input.Previous, lonLatUnit) { Part = part }, elapsed);
        Stage("report");
        return new Partition(input.Township.Code, input.Township.Name, version,
            villages.Select(v => new VillageUnit(v.Code, v.Name, v.Boundary)).ToList(),
            gridOut, mgOut, assignments, history, report with { ElapsedMs = new Dictionary<string, long>(elapsed) });
    }

    /// <summary>The inputs in <paramref name="projection"/>'s metres: township and village
    /// boundaries (their vertices remembered for the way back), villages in code order (the
    /// township itself, segment 000, when none are given; no village geometries then), barriers
    /// noded with the boundaries (with the borders of the departmental units it nests in, whose
    /// zones come along), and streets simplified to <see cref="StreetToleranceM"/>.</summary>
    internal static Projected Project(PartitionInput input, MetricProjection projection)
    {
        var restorer = new LonLatRestorer(projection, Precision);
        var township = restorer.ToMetric(input.Township.Boundary);
        var villages = input.Villages.Count > 0
            ? input.Villages.OrderBy(v => v.Code, StringComparer.Ordinal).ToList()
            : [new VillageInput(input.Township.Code + "000", input.Township.Name, input.Township.Boundary)];
        List<Geometry> villageGeoms = input.Villages.Count > 0
            ? villages.Select(v => restorer.ToMetric(v.Boundary)).ToList()
            : [];
        var zones = NestZones.Of(input, projection);
        var barriers = input.Barriers.OrderBy(b => b.Id, StringComparer.Ordinal).Select(b => projection.Forward(b.Line))
            .Concat(zones?.BordersIn(township) ?? []).ToList();
        //-- Streets guide borders to within metres: their bends below StreetToleranceM are noise here.
        var streets = input.Streets.OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => Precise(DouglasPeuckerSimplifier.Simplify(projection.Forward(s.Line), StreetToleranceM))).ToList();
        var noded = new BoundaryNoder().Node(township, villageGeoms.Concat(barriers).ToList());
        return new Projected(restorer, township, villages, noded.Take(villageGeoms.Count).ToList(), noded.Skip(villageGeoms.Count).ToList(), streets, zones);
    }

    internal sealed record Projected(LonLatRestorer Restorer, Geometry Township, List<VillageInput> Villages, List<Geometry> VillageGeoms,
        List<Geometry> Barriers, List<Geometry> Streets, NestZones? Zones);

    private List<MicroGridDraft> MakeDrafts(IReadOnlyList<Site> sites, List<List<int>> clusters, IReadOnlyDictionary<int, List<int>> attached, int emptyUnits,
        IReadOnlyDictionary<string, string>? previous)
    {
        var drafts = new List<MicroGridDraft>();
        var floorSplitter = new FloorSplitter(Options);
        var clusterOfSite = new Dictionary<int, int>();
        for (int c = 0; c < clusters.Count; c++) foreach (var s in clusters[c]) clusterOfSite[s] = c;
        var emitted = new HashSet<int>();
        for (int s = 0; s < sites.Count; s++)
        {
            var site = sites[s];
            if (site.IsBuilding)
            {
                if (site.Weight > Options.FloorSplitAboveHouseholds)
                {
                    foreach (var run in floorSplitter.Split(site.Households, previous))
                        drafts.Add(new MicroGridDraft(MicroGridKind.Floor, [s], run.Households)
                            { BuildingId = site.BuildingId, FloorFrom = run.FloorFrom, FloorTo = run.FloorTo, BuildingUnit = run.Unit });
                }
                else
                {
                    //-- Houses too few to stand alone, with no other neighbour in their face, join the building's micro-grid.
                    var extra = attached.GetValueOrDefault(s) ?? [];
                    drafts.Add(new MicroGridDraft(MicroGridKind.Building, [s, .. extra],
                        site.Households.Concat(extra.SelectMany(e => sites[e].Households)).OrderBy(h => h.Id, StringComparer.Ordinal).ToList())
                        { BuildingId = site.BuildingId });
                }
            }
            else if (clusterOfSite.TryGetValue(s, out var c) && emitted.Add(c))
            {
                var members = clusters[c];
                drafts.Add(new MicroGridDraft(MicroGridKind.Cluster, members,
                    members.SelectMany(m => sites[m].Households).OrderBy(h => h.Id, StringComparer.Ordinal).ToList()));
            }
        }
        for (int k = 0; k < emptyUnits; k++)
            drafts.Add(new MicroGridDraft(MicroGridKind.Cluster, [], []) { EmptyUnit = k });
        return drafts;
    }

    /// <summary>The previous code (mapped by <paramref name="level"/>) most of the households had; ties go to the smaller code.</summary>
    private static string? Majority(IReadOnlyList<Household> households, IReadOnlyDictionary<string, string> previous, Func<string, string> level)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var h in households)
            if (previous.TryGetValue(h.Id, out var c)) counts[level(c)] = counts.GetValueOrDefault(level(c)) + 1;
        return counts.Count == 0 ? null : counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key;
    }

    private static Geometry Precise(Geometry g)
    {
        g.Apply(CoordinateMapper.Precise(Precision));
        g.GeometryChanged();
        return g;
    }

    private static Geometry Union(List<Polygon> pieces, GeometryFactory factory) => Unite.Of(pieces, factory, Precision);

    private static Coordinate Centre(IEnumerable<Household> households)
    {
        double x = 0, y = 0;
        int n = 0;
        foreach (var h in households) { x += h.Location.X; y += h.Location.Y; n++; }
        return new Coordinate(x / n, y / n);
    }
}
