using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.Partitioner.Territories;

/// <summary>Territories that stay put (DESIGN §1): a unit whose households are exactly those of
/// a previous micro-grid (or of one building's floor runs), none of them moved out of its
/// previous territory and no other household inside it, keeps that territory exactly. The units
/// that changed share the rest of the township, tessellated afresh; when the rest cannot give a
/// changed unit one connected territory, the kept units around it are released (those it touches,
/// then those between its parts, then twice as far around each time it falls apart again, its whole
/// village when nothing kept is near), a few times at most,
/// before giving up (then every territory is recomputed).</summary>
internal sealed class KeptTerritories(PrecisionModel precision)
{
    /// <summary>Territory of every unit (metric), their adjacency, and how many were kept.</summary>
    public sealed record Result(Geometry[] Territories, Dictionary<(int, int), double> Adjacency, int Kept);

    //-- Each attempt after the first releases further around a unit that fell apart (its own extent,
    //-- then twice as far each time): enough attempts to reach as far as the doubling from the start did.
    private const int Attempts = 8;

    /// <summary>Metres of tolerance for a kept territory's containment.</summary>
    private const double Spare = 1e-3;

    public sealed record Units(
        IReadOnlyList<IReadOnlyList<Household>> Households,
        IReadOnlyList<int> Village,
        IReadOnlyList<int> UnitOfSite,
        IReadOnlyDictionary<int, int> EmptyUnitOfVillage,
        IReadOnlyList<Geometry> Fresh);

    public Result? Keep(Geometry township, IReadOnlyList<Geometry> barriers, IReadOnlyList<Geometry> villages, IReadOnlyList<Geometry> streets,
        IReadOnlyList<Site> sites, Units units, PreviousPartition previous, PreviousTerritories previousTerritories)
    {
        var kept = Candidates(township, villages, units, previous, previousTerritories);
        //-- Every unit as before: the fresh tessellation gives back exactly the previous territories
        //-- (it is deterministic), without the round trip through lon/lat.
        if (kept.Count == units.Households.Count(h => h.Count > 0)) return null;
        var fellApart = new Dictionary<int, int>();
        for (int attempt = 0; attempt < Attempts && kept.Count > 0; attempt++)
        {
            Result? result;
            HashSet<int>? release;
            try
            {
                release = Tessellate(township, barriers, villages, streets, sites, units, kept, fellApart, out result);
            }
            catch (TopologyException)
            {
                //-- The rest of the township came out too thin to tessellate (kept borders a hair apart):
                //-- every territory is recomputed, as before keeping existed.
                return null;
            }
            if (result is not null) return Sound(result, township, units) ? result : null;
            //-- No release can mend it: every territory is recomputed.
            if (release is null) return null;
            foreach (var u in release) kept.Remove(u);
        }
        return null;
    }

    /// <summary>The guarantees of a fresh tessellation, checked once more: the territories cover the
    /// township's area and every household lies inside its own unit's.</summary>
    private static bool Sound(Result result, Geometry township, Units units)
    {
        double area = result.Territories.Sum(t => t.Area);
        if (Math.Abs(area - township.Area) > 1e-9 * township.Area + 1e-6) return false;
        for (int u = 0; u < units.Households.Count; u++)
        {
            if (units.Households[u].Count == 0) continue;
            var inside = new IndexedPointInAreaLocator(result.Territories[u]);
            if (units.Households[u].Any(h => inside.Locate(h.Location) != Location.Interior)) return false;
        }
        return true;
    }

    /// <summary>Whether a territory is in no more pieces than <paramref name="reference"/> (its kept
    /// territory, or the fresh one its cluster was made on), one at least.</summary>
    private static bool NoMorePiecesThan(Geometry territory, Geometry reference) =>
        territory.NumGeometries <= Math.Max(1, reference.NumGeometries);

    /// <summary>Units whose households and previous territory allow keeping it, with that territory (metric).</summary>
    private static Dictionary<int, Geometry> Candidates(Geometry township, IReadOnlyList<Geometry> villages, Units units, PreviousPartition previous, PreviousTerritories previousTerritories)
    {
        var members = previous.MicroGridOfHousehold.GroupBy(kv => kv.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        //-- A vertex a previous Voronoi edge put on the township's (or a village's) edge comes back from
        //-- lon/lat a micrometre off it: containment is checked with a millimetre to spare.
        var preparedTownship = PreparedGeometryFactory.Prepare(township.Buffer(Spare));
        var preparedVillages = villages.Select(v => PreparedGeometryFactory.Prepare(v.Buffer(Spare))).ToArray();
        var result = new Dictionary<int, Geometry>();
        var locators = new Dictionary<int, IndexedPointInAreaLocator>();
        for (int u = 0; u < units.Households.Count; u++)
        {
            var hh = units.Households[u];
            if (hh.Count == 0) continue;
            var codes = new HashSet<string>(StringComparer.Ordinal);
            bool known = true;
            foreach (var h in hh)
            {
                if (previous.MicroGridOfHousehold.TryGetValue(h.Id, out var c)) codes.Add(c);
                else { known = false; break; }
            }
            //-- Same households: every one was in these codes, and these codes held no one else.
            if (!known || codes.Sum(c => members.GetValueOrDefault(c)) != hh.Count) continue;
            var territories = codes.Select(previousTerritories.Of).ToList();
            if (territories.Any(t => t is null) || territories.Skip(1).Any(t => !t!.EqualsExact(territories[0]!))) continue;
            var metric = territories[0]!;
            if (!metric.IsValid || !preparedTownship.Covers(metric)) continue;
            if (villages.Count > 0 && !preparedVillages[units.Village[u]].Covers(metric)) continue;
            var inside = new IndexedPointInAreaLocator(metric);
            if (hh.Any(h => inside.Locate(h.Location) != Location.Interior)) continue;
            result[u] = metric;
            locators[u] = inside;
        }
        //-- No other unit's household may stand in a kept territory.
        var index = new STRtree<int>();
        foreach (var (u, t) in result) index.Insert(t.EnvelopeInternal, u);
        var foreign = new HashSet<int>();
        for (int u = 0; u < units.Households.Count; u++)
            foreach (var h in units.Households[u])
                foreach (var k in index.Query(new Envelope(h.Location)))
                    //-- Its boundary included, as Intersects has it; the locator made above answers in log time (Intersects
                    //-- built a topology graph for each of a township's households: a tenth of a local recompute).
                    if (k != u && locators[k].Locate(h.Location) != Location.Exterior) foreign.Add(k);
        foreach (var k in foreign) result.Remove(k);
        return result;
    }

    /// <summary>One attempt: the township minus the kept territories, tessellated among the sites
    /// of the other units. Null result with the kept units to release when a changed unit's land
    /// falls apart or does not unite, or land is left that no changed unit reaches; null release
    /// when no release can help (a changed unit falls apart with nothing kept left in its village).</summary>
    private HashSet<int>? Tessellate(Geometry township, IReadOnlyList<Geometry> barriers, IReadOnlyList<Geometry> villages,
        IReadOnlyList<Geometry> streets, IReadOnlyList<Site> sites, Units units, Dictionary<int, Geometry> kept, Dictionary<int, int> fellApart, out Result? result)
    {
        result = null;
        var keptUnits = kept.Keys.Order().ToList();
        var rest = Rest(township, kept);
        var freeSites = Enumerable.Range(0, sites.Count).Where(s => !kept.ContainsKey(units.UnitOfSite[s])).ToList();
        var territories = new Geometry[units.Households.Count];
        var release = new HashSet<int>();
        if (!rest.IsEmpty)
        {
            if (freeSites.Count == 0) return Around(rest, kept);
            var (faces, faceLines) = new FaceBuilder(precision).Build(rest, barriers, villages);
            var tess = Tessellation.Build(rest, faces, faceLines, freeSites.Select(s => sites[s]).ToList(), streets, precision);
            //-- Land of a village whose households all kept their territories: a kept unit must take it.
            if (tess.EmptyUnitVillage.Any(v => !units.EmptyUnitOfVillage.ContainsKey(v))) return Around(rest, kept);
            var pieces = new List<Polygon>[territories.Length];
            for (int p = 0; p < tess.Pieces.Count; p++)
            {
                int owner = tess.Owner[p];
                int u = owner >= 0 ? units.UnitOfSite[freeSites[owner]] : units.EmptyUnitOfVillage[tess.EmptyUnitVillage[-1 - owner]];
                (pieces[u] ??= []).Add(tess.Pieces[p]);
            }
            for (int u = 0; u < territories.Length; u++)
            {
                if (kept.ContainsKey(u) || pieces[u] is null) continue;
                try
                {
                    territories[u] = Unite.Of(pieces[u], township.Factory, precision);
                }
                catch (TopologyException)
                {
                    //-- Its pieces do not unite (the rest is a hair thin between kept borders around it):
                    //-- release the kept units its pieces touch, as for land that fell apart.
                    foreach (var k in keptUnits)
                        if (pieces[u].Any(p => p.EnvelopeInternal.Intersects(kept[k].EnvelopeInternal) && kept[k].Intersects(p))) release.Add(k);
                    continue;
                }
                //-- A changed unit whose land fell apart: release the kept units it touches, else those
                //-- near it (its parts are kept apart by changed land that kept borders pushed there).
                if (!NoMorePiecesThan(territories[u], units.Fresh[u]))
                {
                    //-- First the kept units it touches; when it falls apart again, those within its own extent (what
                    //-- lies between its parts), then twice as far around it each time.
                    int times = fellApart[u] = fellApart.GetValueOrDefault(u) + 1;
                    var touching = times > 1 ? [] : keptUnits.Where(k => kept[k].Intersects(territories[u])).ToList();
                    var extent = territories[u].EnvelopeInternal;
                    for (int grow = Math.Max(0, times - 2); touching.Count == 0 && grow <= 5; grow++)
                    {
                        var near = new Envelope(extent);
                        if (grow > 0) near.ExpandBy(Math.Max(extent.Width, extent.Height) * (1 << (grow - 1)));
                        touching = keptUnits.Where(k => kept[k].EnvelopeInternal.Intersects(near)).ToList();
                    }
                    //-- Changed land alone keeps its parts apart (its cluster was made on the fresh tessellation's
                    //-- adjacency): release its whole village, whose land is then tessellated as afresh.
                    if (touching.Count == 0) touching = keptUnits.Where(k => units.Village[k] == units.Village[u]).ToList();
                    if (touching.Count == 0) return null;
                    release.UnionWith(touching);
                }
            }
            if (release.Count > 0) return release;
        }
        for (int u = 0; u < territories.Length; u++)
            territories[u] = kept.TryGetValue(u, out var t) ? t : territories[u] ?? units.Fresh[u];
        //-- Kept borders came back through lon/lat: node everything once more so the coverage is exact.
        territories = Renoded.Of(territories, township.Factory, precision);
        //-- Renoding may cut a sliver off a territory where borders a micrometre apart cross: a kept unit so
        //-- cut is released (its land is tessellated afresh in the next attempt), a changed one releases the
        //-- kept units near it; one with none near gives up keeping (null release: every territory afresh).
        for (int u = 0; u < territories.Length; u++)
        {
            if (NoMorePiecesThan(territories[u], kept.TryGetValue(u, out var before) ? before : units.Fresh[u])) continue;
            if (kept.ContainsKey(u)) { release.Add(u); continue; }
            var near = keptUnits.Where(k => kept[k].IsWithinDistance(territories[u], Spare)).ToList();
            if (near.Count == 0) return null;
            release.UnionWith(near);
        }
        if (release.Count > 0) return release;
        result = new Result(territories, SharedEdges.Of(territories), kept.Count);
        return release;
    }

    /// <summary>The township outside the kept territories: their borders and the township's noded
    /// together and polygonized (robust where kept borders are a micrometre off after the round trip
    /// through lon/lat); slivers under a square metre are left for <see cref="Renoded"/>.</summary>
    private Geometry Rest(Geometry township, Dictionary<int, Geometry> kept)
    {
        var factory = township.Factory;
        //-- The borders between two kept territories bound no free land: left out, the noder has half the linework
        //-- or less (it was most of a local recompute's cost here).
        var noded = FaceBuilder.Node(factory.BuildGeometry([SharedEdges.Unshared(kept.Values, factory), township.Boundary]), precision);
        var index = new STRtree<IndexedPointInAreaLocator>();
        foreach (var t in kept.Values) index.Insert(t.EnvelopeInternal, new IndexedPointInAreaLocator(t));
        var inTownship = new IndexedPointInAreaLocator(township);
        var free = FaceBuilder.Polygonize(noded).Where(f =>
        {
            if (f.Area < 1) return false;
            var at = f.InteriorPoint.Coordinate;
            //-- Outside every kept territory, its boundary included: two kept territories without their shared border
            //-- make one face, whose interior point may lie on that border.
            return inTownship.Locate(at) == Location.Interior && index.Query(new Envelope(at)).All(l => l.Locate(at) == Location.Exterior);
        }).ToList<Geometry>();
        return Unite.Of(free, factory, precision);
    }

    /// <summary>The kept units that touch <paramref name="land"/>.</summary>
    private static HashSet<int> Around(Geometry land, Dictionary<int, Geometry> kept) =>
        kept.Where(kv => kv.Value.Intersects(land)).Select(kv => kv.Key).ToHashSet();
}
