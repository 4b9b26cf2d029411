using GridSpatial.Partitioner.Editing;
using GridSpatial.Partitioner.Incremental;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>Recomputing only the grids whose households changed (DESIGN §8, issue #21 item 1):
/// every other grid, micro-grid and assignment is carried over as published.</summary>
public class LocalRecomputeTests
{
    private static readonly PartitionOptions Options = new();

    /// <summary>Two villages (west and east halves of the square township), about 2,400 households: 8 grids or so.</summary>
    private static PartitionInput Township(IEnumerable<HouseholdInput> households) => TestData.Input(TestData.SquareTownship, households, villages:
    [
        new VillageInput("530627118201", "西村", TestData.Geom("POLYGON ((104.9 27.4, 104.9055 27.4, 104.9055 27.41, 104.9 27.41, 104.9 27.4))")),
        new VillageInput("530627118202", "东村", TestData.Geom("POLYGON ((104.9055 27.4, 104.911 27.4, 104.911 27.41, 104.9055 27.41, 104.9055 27.4))")),
    ]);

    private static readonly List<HouseholdInput> Households = TestData.Hamlets(2400, seed: 5);
    private static readonly Lazy<Partition> First = new(() => new TownshipPartitioner(Options).Partition(Township(Households)));

    private static LocalRecompute.Result Recompute(List<HouseholdInput> households, Partition? current = null)
    {
        var published = current ?? First.Value;
        return new LocalRecompute(Options).Partition(Township(households), published, published.Version + 1)
            ?? throw new Xunit.Sdk.XunitException("the change could not be confined to some grids");
    }

    /// <summary>Everything of <paramref name="before"/> outside <paramref name="recomputed"/> is in
    /// <paramref name="after"/> with the same code, households and land (a vertex a new border put
    /// on an edge aside).</summary>
    private static void CarriedOver(Partition before, Partition after, IReadOnlySet<string> recomputed)
    {
        var grids = after.Grids.ToDictionary(g => g.Code);
        foreach (var g in before.Grids.Where(g => !recomputed.Contains(g.Code)))
        {
            Assert.True(grids.TryGetValue(g.Code, out var now), $"grid {g.Code} is gone");
            Assert.Equal(g.HouseholdCount, now.HouseholdCount);
            Assert.True(g.Territory.EqualsTopologically(now.Territory), $"grid {g.Code} moved");
        }
        var micro = after.MicroGrids.ToDictionary(m => m.Code);
        foreach (var m in before.MicroGrids.Where(m => !recomputed.Contains(m.GridCode)))
        {
            Assert.True(micro.TryGetValue(m.Code, out var now), $"micro-grid {m.Code} is gone");
            Assert.Equal(m with { Territory = now.Territory }, now);
            Assert.True(m.Territory.EqualsTopologically(now.Territory), $"micro-grid {m.Code} moved");
        }
        var assigned = after.Assignments.ToDictionary(a => a.HouseholdId);
        foreach (var a in before.Assignments.Where(a => !recomputed.Contains(a.GridCode)))
            Assert.Equal(a, assigned[a.HouseholdId]);
        var codes = after.Codes.ToDictionary(c => c.Code);
        foreach (var c in before.Codes.Where(c => !recomputed.Contains(c.Code.Length > 15 ? c.Code[..15] : c.Code)))
            Assert.Equivalent(c, codes[c.Code]);
    }

    [Fact]
    public void Recompute_HouseholdMovedWithinItsOwnTerritory_ChangesNothingButTheVersion()
    {
        var first = First.Value;
        var territory = first.MicroGrids.ToDictionary(m => m.Code, m => m.Territory);
        var mover = first.Assignments.Select(a => (a, h: Households.First(h => h.Id == a.HouseholdId)))
            .First(x => territory[x.a.MicroGridCode].Contains(new Point(new Coordinate(x.h.Location.X + 1e-5, x.h.Location.Y)))).h;
        var moved = Households.Select(h => h.Id == mover.Id ? h with { Location = new Coordinate(h.Location.X + 1e-5, h.Location.Y) } : h).ToList();

        var result = Recompute(moved);

        Assert.Empty(result.Recomputed);
        Assert.Equal(first.Version + 1, result.Partition.Version);
        Assert.Equal(first.Grids, result.Partition.Grids);
        Assert.Equal(first.MicroGrids, result.Partition.MicroGrids);
        Assert.Equal(first.Assignments, result.Partition.Assignments);
        PartitionAssert.Valid(result.Partition, PartitionInputSummary.Of(Township(moved)));
    }

    [Fact]
    public void Recompute_OneHouseholdAdded_RecomputesOnlyTheGridWhoseLandHoldsIt()
    {
        var first = First.Value;
        var near = Households[1234];
        var added = Households.Append(new HouseholdInput("new0001", new Coordinate(near.Location.X + 2e-5, near.Location.Y + 1e-5))).ToList();
        var holder = first.Grids.Single(g => g.Territory.Contains(new Point(added[^1].Location)));

        var result = Recompute(added);

        Assert.Equal([holder.Code], result.Recomputed);
        var p = result.Partition;
        PartitionAssert.Valid(p, PartitionInputSummary.Of(Township(added)));
        CarriedOver(first, p, result.Recomputed);
        Assert.Equal(holder.HouseholdCount + 1, p.Grids.Single(g => g.Code == holder.Code).HouseholdCount);
        Assert.Equal(holder.Code, p.Assignments.Single(a => a.HouseholdId == "new0001").GridCode);
        Assert.True(p.Report.GapAreaRatio <= 1e-9 && p.Report.OverlapAreaRatio <= 1e-9, $"gap {p.Report.GapAreaRatio}, overlap {p.Report.OverlapAreaRatio}");
        Assert.Equal(first.Grids.Count, p.Grids.Count);
    }

    [Fact]
    public void MicroRegions_OneHouseholdAdded_RedrawsOnlyTheMicroGridsAroundIt_EveryOtherKeepsItsLandAndTheGridItsOwn()
    {
        var first = First.Value;
        var near = Households[1234];
        var added = Households.Append(new HouseholdInput("new0002", new Coordinate(near.Location.X + 2e-5, near.Location.Y + 1e-5))).ToList();
        var input = Township(added);
        var holder = first.Grids.Single(g => g.Territory.Contains(new Point(added[^1].Location)));
        var changed = ChangedGrids.MicroGrids(input.Households, first)!;

        var result = new MicroRegions(Options).Try(input, first, changed, first.Version + 1, Projection.MetricProjection.For(input.Township.Boundary));

        Assert.NotNull(result);
        var p = result.Merged;
        Assert.Equal([holder.Code], result.Grids);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        var grid = p.Grids.Single(g => g.Code == holder.Code);
        Assert.True(holder.Territory.EqualsTopologically(grid.Territory), "the grid's land moved");
        Assert.Equal(holder.HouseholdCount + 1, grid.HouseholdCount);
        var inGrid = first.MicroGrids.Count(m => m.GridCode == holder.Code);
        Assert.True(result.MicroGrids.Count * 4 <= inGrid, $"{result.MicroGrids.Count} of the grid's {inGrid} micro-grids partitioned afresh");
        //-- Every micro-grid outside the recomputed land: same code, households and land.
        var after = p.MicroGrids.ToDictionary(m => m.Code);
        foreach (var m in first.MicroGrids.Where(m => !result.MicroGrids.Contains(m.Code)))
        {
            Assert.True(after.TryGetValue(m.Code, out var now), $"micro-grid {m.Code} is gone");
            Assert.Equal(m with { Territory = now.Territory }, now);
            //-- A vertex a new border put on its edge aside (it lies on the edge to within rounding).
            Assert.True(m.Territory.SymmetricDifference(now.Territory).Area <= 1e-9 * m.Territory.Area, $"micro-grid {m.Code} moved");
        }
    }

    [Fact]
    public void MicroRegions_HouseholdAddedInsideAClusterWithRoom_RedrawsThatClusterAlone_AndNoOtherTerritoryGainsAVertex()
    {
        var first = First.Value;
        var territory = first.MicroGrids.ToDictionary(m => m.Code);
        //-- A household beside another, inside the land of a cluster that can take one more.
        var (host, near) = first.Assignments.Select(a => (m: territory[a.MicroGridCode], h: Households.First(h => h.Id == a.HouseholdId)))
            .First(x => x.m.Kind == MicroGrids.MicroGridKind.Cluster && x.m.HouseholdCount < Options.ClusterMax
                && x.m.Territory.Contains(new Point(new Coordinate(x.h.Location.X + 2e-5, x.h.Location.Y + 1e-5))));
        var added = Households.Append(new HouseholdInput("new0003", new Coordinate(near.Location.X + 2e-5, near.Location.Y + 1e-5))).ToList();
        var input = Township(added);

        var result = new MicroRegions(Options).Try(input, first, ChangedGrids.MicroGrids(input.Households, first)!, first.Version + 1,
            Projection.MetricProjection.For(input.Township.Boundary));

        Assert.NotNull(result);
        Assert.Equal([host.Code], result.MicroGrids);
        PartitionAssert.Valid(result.Merged, PartitionInputSummary.Of(input));
        foreach (var now in result.Merged.MicroGrids)
        {
            var before = territory[now.Code].Territory;
            //-- Its own land again, the same vertices (its rings may start elsewhere); every other vertex for vertex.
            if (now.Code == host.Code) Assert.True(before.Normalized().EqualsExact(now.Territory.Normalized()), "the cluster's land was redrawn with other vertices");
            else Assert.True(before.EqualsExact(now.Territory), $"micro-grid {now.Code} gained or lost a vertex");
        }
        Assert.Equal(host.HouseholdCount + 1, result.Merged.MicroGrids.Single(m => m.Code == host.Code).HouseholdCount);
    }

    [Fact]
    public void MicroRegions_GridAlreadyAboveItsBand_StaysOneLevelDownWhenAHouseholdLeavesIt_NotWhenOneJoinsIt()
    {
        var first = First.Value;
        var territory = first.MicroGrids.ToDictionary(m => m.Code);
        var (host, leaving) = first.Assignments.Select(a => (m: territory[a.MicroGridCode], h: Households.First(h => h.Id == a.HouseholdId)))
            .First(x => x.m.Kind == MicroGrids.MicroGridKind.Cluster && x.m.HouseholdCount > Options.ClusterMin);
        var grid = first.Grids.Single(g => g.Code == host.GridCode);
        //-- The published grid two households above a band that ends below it.
        var tight = Options with { GridMax = grid.HouseholdCount - 2, GridTarget = Math.Min(Options.GridTarget, grid.HouseholdCount - 2) };
        MicroRegions.Result? Try(List<HouseholdInput> households)
        {
            var input = Township(households);
            return new MicroRegions(tight).Try(input, first, ChangedGrids.MicroGrids(input.Households, first)!, first.Version + 1,
                Projection.MetricProjection.For(input.Township.Boundary));
        }

        var left = Try([.. Households.Where(h => h.Id != leaving.Id)]);
        var joined = Try([.. Households, new HouseholdInput("new0004", new Coordinate(leaving.Location.X + 2e-5, leaving.Location.Y + 1e-5))]);

        Assert.NotNull(left);
        Assert.Equal([grid.Code], left.Grids);
        Assert.Equal(grid.HouseholdCount - 1, left.Merged.Grids.Single(g => g.Code == grid.Code).HouseholdCount);
        Assert.Null(joined);
    }

    [Fact]
    public void Recompute_GridAlreadyAboveItsBandThatAHouseholdLeaves_IsRedrawnAlone_ItsNeighboursNotWidenedInto()
    {
        var first = First.Value;
        var grid = first.Grids.OrderByDescending(g => g.HouseholdCount).First();
        //-- A pin keeps the change at the grid level (pins are the grid level's to give back).
        var pinned = first.MicroGrids.First(m => m.GridCode == grid.Code && m.Kind == MicroGrids.MicroGridKind.Cluster);
        var leaving = first.Assignments.First(a => a.GridCode == grid.Code && a.MicroGridCode != pinned.Code).HouseholdId;
        var households = Households.Where(h => h.Id != leaving).ToList();
        var input = Township(households);
        //-- The published grid two households above a band that ends below it.
        var tight = Options with { GridMax = grid.HouseholdCount - 2, GridTarget = Math.Min(Options.GridTarget, grid.HouseholdCount - 2) };
        var published = first with
        {
            MicroGrids = [.. first.MicroGrids.Select(m => m.Code == pinned.Code ? m with { Pinned = true } : m)],
            InputsDigest = Inputs.InputsDigest.Of(Partitioner.Households.BuildingReach.Apply(input, tight), tight),
        };

        var result = new LocalRecompute(tight).Partition(input, published, first.Version + 1);

        Assert.NotNull(result);
        Assert.Equal([grid.Code], result.Recomputed);
        Assert.Equal(grid.HouseholdCount - 1, result.Partition.Grids.Single(g => g.Code == grid.Code).HouseholdCount);
        PartitionAssert.Valid(result.Partition, PartitionInputSummary.Of(input));
        CarriedOver(published, result.Partition, result.Recomputed);
    }

    [Fact]
    public void ChangedGrids_AHouseholdThatJoinsATowerFromACluster_ChangesTheTowersFloorRunsAndItsCluster()
    {
        //-- The tower's households now split between its floor runs and a cluster: the split is the partitioner's to make again.
        var at = new Coordinate(Households[700].Location.X + 3e-5, Households[700].Location.Y);
        var tower = Enumerable.Range(1, 60).Select(i => new HouseholdInput($"t{i:D2}", at, "tower", 1 + (i - 1) / 4)).ToList();
        var first = new TownshipPartitioner(Options).Partition(Township(Households.Concat(tower)));
        var runs = first.MicroGrids.Where(m => m.BuildingId == "tower").Select(m => m.Code).ToList();
        var joiner = Households[701];
        var cluster = first.Assignments.Single(a => a.HouseholdId == joiner.Id).MicroGridCode;
        Assert.DoesNotContain(cluster, runs);
        var input = Township(Households.Select(h => h.Id == joiner.Id ? h with { BuildingId = "tower", Floor = 1 } : h).Concat(tower));

        var changed = ChangedGrids.MicroGrids(input.Households, first)!;

        Assert.Superset(runs.Append(cluster).ToHashSet(), changed);
    }

    [Fact]
    public void MicroRegions_OneHouseholdLeftATower_RedrawsOnlyTheTowersFloorRunsTogether_OnTheTowersOwnLand()
    {
        //-- A tower of 60 households (4 a floor) beside a hamlet: its floor runs share one territory.
        var at = new Coordinate(Households[700].Location.X + 3e-5, Households[700].Location.Y);
        var tower = Enumerable.Range(1, 60).Select(i => new HouseholdInput($"t{i:D2}", at, "tower", 1 + (i - 1) / 4)).ToList();
        var before = Township(Households.Concat(tower));
        var first = new TownshipPartitioner(Options).Partition(before);
        var runs = first.MicroGrids.Where(m => m.BuildingId == "tower").ToList();
        Assert.True(runs.Count > 1 && runs.All(r => ReferenceEquals(r.Territory, runs[0].Territory)), "the tower is one stack of floor runs");
        var input = Township(Households.Concat(tower.Where(h => h.Id != "t07")));
        var changed = ChangedGrids.MicroGrids(input.Households, first)!;

        var result = new MicroRegions(Options).Try(input, first, changed, first.Version + 1, Projection.MetricProjection.For(input.Township.Boundary));

        Assert.NotNull(result);
        Assert.Equal(runs.Select(r => r.Code).Order(), result.MicroGrids.Order());
        var p = result.Merged;
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        var after = p.MicroGrids.Where(m => m.BuildingId == "tower").ToList();
        Assert.Equal(59, after.Sum(m => m.HouseholdCount));
        Assert.All(after, m => Assert.True(m.Territory.EqualsTopologically(runs[0].Territory), $"floor run {m.Code} left the tower's land"));
        var grid = runs[0].GridCode;
        Assert.True(first.Grids.Single(g => g.Code == grid).Territory.EqualsTopologically(p.Grids.Single(g => g.Code == grid).Territory), "the grid's land moved");
        var now = p.MicroGrids.ToDictionary(m => m.Code);
        foreach (var m in first.MicroGrids.Where(m => m.BuildingId != "tower"))
        {
            Assert.True(now.TryGetValue(m.Code, out var kept), $"micro-grid {m.Code} is gone");
            Assert.Equal(m with { Territory = kept.Territory }, kept);
            Assert.True(m.Territory.SymmetricDifference(kept.Territory).Area <= 1e-9 * m.Territory.Area, $"micro-grid {m.Code} moved");
        }
    }

    /// <summary>Four tower blocks of <paramref name="sizes"/> households (4 a floor) around an empty yard in the
    /// township's south-west corner, where no house stands (hamlets start 150 m in): the township partitioned
    /// with them, and its input once a house (no building of its own) was moved into the yard.</summary>
    private static (Partition First, PartitionInput Moved, string Mover) TowerYard(params int[] sizes)
    {
        var c = new Coordinate(104.9006, 27.4006);
        Assert.DoesNotContain(Households, h => h.Location.Distance(c) < 5e-4);
        var at = new[] { (0.0, 1.5e-4), (1.5e-4, 0.0), (0.0, -1.5e-4), (-1.5e-4, 0.0) }.Select(d => new Coordinate(c.X + d.Item1, c.Y + d.Item2)).ToList();
        var towers = at.Select((p, k) => new BuildingInput($"tower{k}", TestData.Geom(FormattableString.Invariant(
            $"POLYGON (({p.X - 4e-5} {p.Y - 4e-5}, {p.X + 4e-5} {p.Y - 4e-5}, {p.X + 4e-5} {p.Y + 4e-5}, {p.X - 4e-5} {p.Y + 4e-5}, {p.X - 4e-5} {p.Y - 4e-5}))")), 10)).ToList();
        var residents = at.SelectMany((p, k) => Enumerable.Range(1, sizes[k]).Select(i => new HouseholdInput($"t{k}-{i:D2}", p, $"tower{k}", 1 + (i - 1) / 4))).ToList();
        PartitionInput With(IEnumerable<HouseholdInput> households) => Township(households.Concat(residents)) with { Buildings = towers };
        var mover = Households[1500].Id;
        var yard = new Coordinate(c.X + 1e-5, c.Y + 2e-5);
        return (new TownshipPartitioner(Options).Partition(With(Households)), With(Households.Select(h => h.Id == mover ? h with { Location = yard } : h)), mover);
    }

    /// <summary>The micro-grid that holds the household in <paramref name="p"/>.</summary>
    private static MicroGrid MicroGridOf(Partition p, string household) =>
        p.MicroGrids.Single(m => m.Code == p.Assignments.Single(a => a.HouseholdId == household).MicroGridCode);

    [Fact]
    public void MicroRegions_HouseMovedAmongTowerBlocks_StandsAloneThereWithoutRedrawingTheGridsAround()
    {
        //-- A house (no building of its own) moved into a yard among four full tower blocks touches only
        //-- them: it is stranded there, as a whole recompute strands it, and only the towers' land and the
        //-- micro-grid it left are redrawn.
        var (first, input, mover) = TowerYard(40, 40, 40, 40);
        Assert.Equal(first.Report.StrandedHamlets + 1, new TownshipPartitioner(Options).Partition(input).Report.StrandedHamlets);
        var changed = ChangedGrids.MicroGrids(input.Households, first)!;

        var result = new MicroRegions(Options).Try(input, first, changed, first.Version + 1, Projection.MetricProjection.For(input.Township.Boundary));

        Assert.NotNull(result);
        var left = MicroGridOf(first, mover).Code;
        Assert.All(result.MicroGrids, m => Assert.True(m == left || first.MicroGrids.Single(f => f.Code == m).BuildingId?.StartsWith("tower") == true, $"{m} redrawn"));
        Assert.Equal(1, MicroGridOf(result.Merged, mover).HouseholdCount);
        PartitionAssert.Valid(result.Merged, PartitionInputSummary.Of(input));
        var local = new LocalRecompute(Options).Partition(input, first, first.Version + 1)!;
        Assert.Equal(first.Report.StrandedHamlets + 1, local.Partition.Report.StrandedHamlets);
    }

    [Fact]
    public void Recompute_HouseMovedBesideABuildingWithRoom_JoinsItAsAWholeRecomputeDoes_NotLeftAlone()
    {
        //-- The same yard with a small block of 20 households (no floor runs) on its west side: a whole
        //-- partition attaches the house to that block, so the house is not stranded for good and the local
        //-- recompute must reach the block too.
        var (first, input, mover) = TowerYard(40, 40, 40, 20);
        Assert.Equal("tower3", MicroGridOf(new TownshipPartitioner(Options).Partition(input), mover).BuildingId);

        var local = new LocalRecompute(Options).Partition(input, first, first.Version + 1)!;

        Assert.Equal("tower3", MicroGridOf(local.Partition, mover).BuildingId);
        Assert.Equal(first.Report.StrandedHamlets, local.Partition.Report.StrandedHamlets);
        PartitionAssert.Valid(local.Partition, PartitionInputSummary.Of(input));
    }

    [Fact]
    public void Recompute_HouseholdMovedToAGridFarAway_RecomputesBothGridsApartAndLosesNoOne()
    {
        var first = First.Value;
        var (from, to) = first.Grids.SelectMany(a => first.Grids.Select(b => (a, b)))
            .First(x => x.a.Code != x.b.Code && !x.a.Territory.Intersects(x.b.Territory));
        var mover = first.Assignments.First(a => a.GridCode == from.Code).HouseholdId;
        var host = Households.Single(h => h.Id == first.Assignments.First(a => a.GridCode == to.Code).HouseholdId).Location;
        var moved = Households.Select(h => h.Id == mover ? h with { Location = new Coordinate(host.X + 2e-5, host.Y + 1e-5) } : h).ToList();

        var result = Recompute(moved);

        Assert.Equal(new[] { from.Code, to.Code }.Order(), result.Recomputed.Order());
        var p = result.Partition;
        PartitionAssert.Valid(p, PartitionInputSummary.Of(Township(moved)));
        CarriedOver(first, p, result.Recomputed);
        Assert.Equal(to.Code, p.Assignments.Single(a => a.HouseholdId == mover).GridCode);
        Assert.Equal(Households.Count, p.Assignments.Count);
    }

    [Fact]
    public void Recompute_TwelveMovesInARow_KeepsAnExactCoverageThatEveryNextMoveCanStillRecomputeLocally()
    {
        var rnd = new Random(3);
        var households = Households.ToList();
        var p = First.Value;
        for (int step = 0; step < 12; step++)
        {
            int from = rnd.Next(households.Count), to = rnd.Next(households.Count);
            var at = households[to].Location;
            households[from] = households[from] with { Location = new Coordinate(at.X + 2e-5, at.Y + 2e-5) };
            var result = Recompute(households, p);
            Assert.True(result.Recomputed.Count < p.Grids.Count, $"step {step}: every grid recomputed");
            p = result.Partition;
            try
            {
                PartitionAssert.Valid(p, PartitionInputSummary.Of(Township(households)));
            }
            catch (Xunit.Sdk.XunitException e)
            {
                throw new Xunit.Sdk.XunitException($"step {step}, grids recomputed {string.Join(",", result.Recomputed)}: {e.Message}");
            }
            Assert.True(p.Report.NonContiguous == 0, $"step {step}: {p.Report.NonContiguous} non-contiguous");
            //-- Neighbouring grids share their borders vertex for vertex: their union is one polygon per village.
            foreach (var village in p.Grids.GroupBy(g => g.VillageCode))
                Assert.IsType<Polygon>(NetTopologySuite.Coverage.CoverageUnion.Union(village.Select(g => g.Territory).ToArray()));
        }
    }

    [Fact]
    public void Recompute_AfterABarrierWasAdded_RecomputesTheWholeTownship_AndSaysWhy()
    {
        var first = First.Value;
        Assert.NotNull(first.InputsDigest);
        var near = Households[1234];
        var added = Households.Append(new HouseholdInput("new0003", new Coordinate(near.Location.X + 2e-5, near.Location.Y + 1e-5))).ToList();
        var withRiver = Township(added) with
        {
            Barriers = [new BarrierInput("river", TestData.Geom("LINESTRING (104.9 27.405, 104.911 27.4052)"), "river")],
        };

        Assert.Null(new LocalRecompute(Options).Partition(withRiver, first, first.Version + 1));
        var whole = new LocalRecompute(Options).Recompute(withRiver, first, first.Version + 1);
        Assert.Equal(first.Grids.Select(g => g.Code).Order(), whole.Recomputed.Order());
        Assert.Equal(InputsDigest.Of(withRiver, Options), whole.Partition.InputsDigest);
        Assert.StartsWith("inputs other than households changed", whole.WholeBecause);
        //-- A local recompute has nothing to explain.
        var moved = Households.Select((h, i) => i == 7 ? h with { Location = new Coordinate(h.Location.X + 1e-6, h.Location.Y) } : h).ToList();
        Assert.Null(new LocalRecompute(Options).Recompute(Township(moved), first, first.Version + 1).WholeBecause);
    }

    [Fact]
    public void Recompute_GridEmptiedBelowItsBand_RecomputesItWithItsNeighboursInTheVillage()
    {
        var first = First.Value;
        var grid = first.Grids.Where(g => first.Grids.Count(o => o.VillageCode == g.VillageCode) > 1).OrderBy(g => g.Code, StringComparer.Ordinal).First();
        var gone = first.Assignments.Where(a => a.GridCode == grid.Code).Take(grid.HouseholdCount - Options.GridMin / 2)
            .Select(a => a.HouseholdId).ToHashSet();
        var remaining = Households.Where(h => !gone.Contains(h.Id)).ToList();

        var result = Recompute(remaining);
        Assert.True(first.Grids.Count >= 6, $"{first.Grids.Count} grids");

        Assert.Contains(grid.Code, result.Recomputed);
        Assert.True(result.Recomputed.Count > 1, "the grid's neighbours were not recomputed with it");
        Assert.All(result.Recomputed, c => Assert.Equal(grid.VillageCode, first.Grids.Single(g => g.Code == c).VillageCode));
        var p = result.Partition;
        PartitionAssert.Valid(p, PartitionInputSummary.Of(Township(remaining)));
        CarriedOver(first, p, result.Recomputed);
        Assert.All(p.Grids.Where(g => g.VillageCode == grid.VillageCode),
            g => Assert.InRange(g.HouseholdCount, Options.GridMin, Options.GridMax));
    }

    [Fact]
    public void Recompute_AfterStaffSplitAMicroGridInOneVillage_LeavesTheSplitAsDrawnWhenAHouseholdIsAddedInTheOther()
    {
        var first = First.Value;
        var target = first.MicroGrids.First(m => m.VillageCode == "530627118201" && m.HouseholdCount >= 10 && m.Territory is Polygon);
        var env = target.Territory.EnvelopeInternal;
        var line = new LineString([new Coordinate(env.Centre.X, env.MinY - 1e-4), new Coordinate(env.Centre.X, env.MaxY + 1e-4)]);
        var context = new EditContext(Township(Households).Township, Households, first.Version + 1);
        var split = new PartitionEditor(Options).Apply(first, context, new Edit(EditKind.Split, [target.Code], line));
        var east = first.Grids.First(g => g.VillageCode == "530627118202");
        var inEast = first.Assignments.First(a => a.GridCode == east.Code).HouseholdId;
        var at = Households.Single(h => h.Id == inEast).Location;
        var added = Households.Append(new HouseholdInput("new0002", new Coordinate(at.X + 1e-5, at.Y))).ToList();

        var result = Recompute(added, split);

        Assert.Equal(first.MicroGrids.Count + 1, split.MicroGrids.Count);
        Assert.NotEmpty(result.Recomputed);
        Assert.All(result.Recomputed, c => Assert.Equal("530627118202", c[..12]));
        CarriedOver(split, result.Partition, result.Recomputed);
    }

    [Fact]
    public void RegionMerge_VertexNearTwoEdgeVerticesAMicrometreApart_TakesTheNearer()
    {
        //-- An earlier merge can leave two edge vertices a micrometre apart; a region vertex a few
        //-- micrometres off takes the nearer one (the other folded a territory's ring over itself).
        var input = Township(Households);
        var a = new Coordinate(104.905, 27.405);
        var b = new Coordinate(a.X, a.Y + 9e-12);
        var v = new Coordinate(a.X + 7e-11, a.Y + 8e-12);
        var snap = RegionMerge.EdgeSnap([a, b], Projection.MetricProjection.For(input.Township.Boundary));
        var ring = TestData.Geom(FormattableString.Invariant($"POLYGON (({v.X} {v.Y}, {v.X + 1e-4} {v.Y}, {v.X + 1e-4} {v.Y + 1e-4}, {v.X} {v.Y}))"));

        var snapped = snap(ring);

        Assert.Equal(b, snapped.Coordinates[0]);
        Assert.True(snapped.IsValid);
    }

    [Fact]
    public void ReportBasis_RemembersAboutOneFacePerHousehold_WhileHouseholdsKeepMoving()
    {
        var input = Township(Households);
        var projection = Projection.MetricProjection.For(input.Township.Boundary);
        var basis = ReportBasis.For(input, InputsDigest.Of(input, Options), projection);
        var households = Households.ToList();
        var rnd = new Random(9);
        int[] first = [];
        for (int round = 0; round < 5; round++)
        {
            var faces = basis.FacesOf(households, households.Select(h => projection.Forward(h.Location)).ToList());
            if (round == 0) first = faces;
            Assert.True(basis.Remembered <= 2 * households.Count, $"round {round}: {basis.Remembered} locations remembered for {households.Count} households");
            //-- A thousand households moved a hair each time: new locations, the same faces.
            for (int k = 0; k < 1000; k++)
            {
                int i = rnd.Next(households.Count);
                households[i] = households[i] with { Location = new Coordinate(households[i].Location.X + 1e-7, households[i].Location.Y) };
            }
        }
        Assert.Equal(first, basis.FacesOf(Households, Households.Select(h => projection.Forward(h.Location)).ToList()));
        Assert.All(first, f => Assert.True(f >= 0));
    }
}
