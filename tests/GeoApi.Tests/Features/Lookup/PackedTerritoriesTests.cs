using GridSpatial.GeoApi.Cli;
using GridSpatial.GeoApi.Features.Lookup;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridSpatial.GeoApi.Tests.Features.Lookup;

/// <summary>The packed territories answer every point as NTS's indexed locator does on the
/// territories they were packed from — on edges, on vertices, in holes, in exclaves — and the
/// township index built on them answers as "the lowest code whose territory holds the point" does.</summary>
public class PackedTerritoriesTests
{
    private static readonly WKTReader Wkt = new();

    [Theory]
    //-- A hole with a vertex on the shell's line, horizontal and vertical edges.
    [InlineData("POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 5, 5 5, 5 2, 2 2))")]
    //-- An exclave and a hole in the main part; rings in the other orientation.
    [InlineData("MULTIPOLYGON(((0 0, 0 10, 10 10, 10 0, 0 0), (3 3, 7 3, 7 7, 3 7, 3 3)), ((12 0, 14 0, 14 2, 12 2, 12 0)), ((4 4, 6 4, 6 6, 4 6, 4 4)))")]
    //-- Lon/lat doubles with slanted edges and a vertex touching another edge.
    [InlineData("POLYGON((104.8701 27.4401, 104.8733 27.4403, 104.8729 27.4431, 104.8717 27.4417, 104.8702 27.4429, 104.8701 27.4401))")]
    public void Locate_AnswersAsIndexedPointInAreaLocator_OnEdgesVerticesHolesAndExclaves(string wkt)
    {
        var g = Wkt.Read(wkt);
        var builder = new PackedTerritories.Builder();
        Assert.Equal(0, builder.Add(g));
        var packed = builder.Build([0]);
        var locator = new IndexedPointInAreaLocator(g);
        var points = Probes([g], new Random(1)).ToList();
        Assert.Contains(points, p => locator.Locate(p) == Location.Boundary);
        Assert.Contains(points, p => locator.Locate(p) == Location.Interior);
        Assert.Contains(points, p => locator.Locate(p) == Location.Exterior);
        foreach (var p in points) Assert.True(locator.Locate(p) == packed.Locate(0, p.X, p.Y), $"{p} in {wkt}");
    }

    [Fact]
    public void Locate_AnswersAsIndexedPointInAreaLocator_OnAPartitionedTownship()
    {
        var partition = new TownshipPartitioner(new PartitionOptions()).Partition(BenchCommand.Synthetic("530627901", 1500, 901));
        var territories = partition.MicroGrids.Select(m => m.Territory).Distinct(ReferenceEqualityComparer.Instance).Cast<Geometry>().ToList();
        var builder = new PackedTerritories.Builder();
        var numbers = territories.Select(builder.Add).ToList();
        var packed = builder.Build(Enumerable.Range(0, builder.Count).ToList());
        int boundary = 0, compared = 0;
        foreach (var (g, i) in territories.Select((g, i) => (g, i)))
        {
            var locator = new IndexedPointInAreaLocator(g);
            //-- Its own probes and its neighbours' (points on shared edges, seen from both sides).
            foreach (var p in Probes(territories.Where(o => o.EnvelopeInternal.Intersects(g.EnvelopeInternal)).Take(6), new Random(i)))
            {
                var expected = locator.Locate(p);
                Assert.True(expected == packed.Locate(numbers[i], p.X, p.Y), $"{p} in territory {i}: NTS {expected}");
                if (expected == Location.Boundary) boundary++;
                compared++;
            }
        }
        //-- Vertices, and edge midpoints where they round onto the edge: the probes a double off them are not.
        Assert.True(boundary > compared / 50, $"{boundary} of {compared} points on a boundary");
    }

    [Fact]
    public void Find_GivesTheLowestCodeHoldingThePoint_AndStacksFloorRuns_AlsoAfterACarriedOverReload()
    {
        var partition = new TownshipPartitioner(new PartitionOptions()).Partition(BenchCommand.Synthetic("530627902", 2500, 902));
        var micro = partition.MicroGrids;
        Assert.Contains(micro, m => m.Kind == MicroGridKind.Floor);
        var builder = new PackedTerritories.Builder();
        var rows = micro.Select(m => (Entry(m), builder.Add(m.Territory))).ToList();
        var index = TownshipIndex.Build("530627902", "镇", 1, partition.MicroGrids.Aggregate(new Envelope(), (e, m) => { e.ExpandToInclude(m.Territory.EnvelopeInternal); return e; }),
            new Dictionary<string, string>(), new Dictionary<string, int>(), builder, rows);
        //-- Every territory carried over into a fresh packing, as a reload after a publish does.
        var again = new PackedTerritories.Builder();
        var carried = Enumerable.Range(0, index.Stacks).SelectMany(s => index.Members(s).Select(e => (e, again.Add(index.Territories, s)))).ToList();
        var reloaded = TownshipIndex.Build("530627902", "镇", 2, index.Extent, new Dictionary<string, string>(), new Dictionary<string, int>(), again, carried);
        Assert.Equal(index.Stacks, reloaded.Stacks);

        var locators = micro.Select(m => (m.Code, Envelope: m.Territory.EnvelopeInternal, Locator: new IndexedPointInAreaLocator(m.Territory)))
            .OrderBy(m => m.Code, StringComparer.Ordinal).ToList();
        var stacks = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var probes = Probes(micro.Select(m => m.Territory).Distinct(ReferenceEqualityComparer.Instance).Cast<Geometry>().Take(150), new Random(3)).ToList();
        foreach (var p in probes)
        {
            var expected = locators.FirstOrDefault(l => l.Envelope.Intersects(p) && l.Locator.Locate(p) != Location.Exterior).Code;
            foreach (var i in new[] { index, reloaded })
            {
                var hit = i.Find(p.X, p.Y);
                Assert.True(expected == hit?.MicroGrid.Code, $"{p}: expected {expected}, got {hit?.MicroGrid.Code}");
                if (hit is null) continue;
                //-- The whole stack: every micro-grid with this territory, lowest code first.
                if (!stacks.TryGetValue(expected!, out var same))
                {
                    var territory = micro.First(x => x.Code == expected).Territory;
                    stacks[expected!] = same = [.. micro.Where(m => m.Territory.EqualsExact(territory)).Select(m => m.Code).Order(StringComparer.Ordinal)];
                }
                Assert.Equal(same, hit.Stack.Select(e => e.Code));
            }
        }
    }

    [Fact]
    public void ACopyMovedByWholeDegrees_AnswersEveryPointAsTheTownshipItCopies()
    {
        //-- bench lookup --copies lays out such copies to stand in for a province; a move by whole degrees keeps every
        //-- coordinate here in its binade (lon in [64, 128), lat in [16, 32)), so the copy holds exactly the same doubles plus the move.
        var (partition, index, extent) = Township903();
        const double dx = 1, dy = 2;
        Assert.True(extent.MaxX + dx < 128 && extent.MinX >= 64 && extent.MaxY + dy < 32 && extent.MinY >= 16);
        var copy = index.Shifted("530627903#1", dx, dy);
        Assert.Equal(new Envelope(extent.MinX + dx, extent.MaxX + dx, extent.MinY + dy, extent.MaxY + dy), copy.Extent);
        int hits = 0, boundary = 0;
        foreach (var p in Probes(partition.MicroGrids.Select(m => m.Territory).Take(120), new Random(4)))
        {
            var expected = index.Find(p.X, p.Y);
            var got = copy.Find(p.X + dx, p.Y + dy);
            Assert.True(expected?.StackNumber == got?.StackNumber, $"{p}: the township answers stack {expected?.StackNumber}, its copy {got?.StackNumber}");
            if (expected is null) continue;
            hits++;
            if (index.Territories.Locate(expected.StackNumber, p.X, p.Y) == Location.Boundary) boundary++;
        }
        Assert.True(hits > 1000 && boundary > 100, $"{hits} probes inside, {boundary} on a border");
    }

    [Fact]
    public void FindAll_AnswersEveryPointAsFindDoes_OnOneTownshipAndOnSeveral()
    {
        //-- FindAll interleaves the points' walks through the index, warming each step's data: the answers must be Find's,
        //-- on borders and vertices too, for a township alone and for townships side by side (and points outside all).
        var (partition, township, extent) = Township903();
        var probes = Probes(partition.MicroGrids.Select(m => m.Territory).Take(150), new Random(5)).Select(p => (X: p.X, Y: p.Y)).ToList();
        foreach (var index in new[] { LookupIndex.Of([township]), LookupIndex.Of([township, township.Shifted("530627903#1", extent.Width * 0.5, 0)]) })
        {
            //-- The same points again half a township east: in the copy, in the overlap of both extents, or outside.
            var points = probes.Concat(probes.Select(p => (X: p.X + extent.Width * 0.5, p.Y))).ToArray();
            //-- Warmed (as on a province's index) and not (as on one the cache holds, like this one).
            foreach (var warm in new[] { true, false })
            {
                var hits = new LookupHit?[points.Length];
                index.FindAll(points, hits, warm);
                int found = 0;
                for (int i = 0; i < points.Length; i++)
                {
                    var expected = index.Find(points[i].X, points[i].Y);
                    Assert.True(expected?.Township == hits[i]?.Township && expected?.StackNumber == hits[i]?.StackNumber,
                        $"{points[i]} (warm: {warm}): Find {expected?.Township.Code}/{expected?.StackNumber}, FindAll {hits[i]?.Township.Code}/{hits[i]?.StackNumber}");
                    if (expected is not null) found++;
                }
                Assert.True(found > points.Length / 3 && found < points.Length, $"{found} of {points.Length} points inside a township");
            }
        }
    }

    [Fact]
    public void FindAll_OnTerritoriesOfMoreThan65535Vertices_AnswersEveryPointAsFindDoes()
    {
        //-- So many vertices that the rings are packed as ints, not ushorts: the other branch of the warming.
        var factory = new GeometryFactory();
        var builder = new PackedTerritories.Builder();
        var rows = new List<(MicroGridEntry, int)>();
        var squares = new List<Geometry>();
        for (int k = 0; k < 16; k++)
        {
            double x0 = 100 + (k % 4) * 0.01, y0 = 25 + (k / 4) * 0.01;
            //-- A square's sides cut into 1,500 pieces each (neighbours may share their common side's vertices: 78,000 distinct at least).
            var ring = Enumerable.Range(0, 6000).Select(i => (Side: i / 1500, T: (i % 1500) / 1500.0)).Select(p => p.Side switch
            {
                0 => new Coordinate(x0 + 0.01 * p.T, y0 + 1e-7 * (k + 1) * Math.Sin(p.T * 40)),
                1 => new Coordinate(x0 + 0.01, y0 + 0.01 * p.T),
                2 => new Coordinate(x0 + 0.01 * (1 - p.T), y0 + 0.01),
                _ => new Coordinate(x0, y0 + 0.01 * (1 - p.T)),
            }).ToList();
            ring.Add(ring[0].Copy());
            var square = factory.CreatePolygon(ring.ToArray());
            squares.Add(square);
            rows.Add((new MicroGridEntry($"53062790{k:D2}00000000", "g", "v", "cluster", 10, null, null), builder.Add(square)));
        }
        var extent = new Envelope(100, 100.04, 25, 25.04);
        var township = TownshipIndex.Build("530627904", "镇", 1, extent, new Dictionary<string, string>(), new Dictionary<string, int>(), builder, rows);
        Assert.True(township.Territories.WideIndices);
        var index = LookupIndex.Of([township]);
        var points = Probes(squares, new Random(6)).Where((_, i) => i % 7 == 0).Select(p => (p.X, p.Y)).ToArray();
        var hits = new LookupHit?[points.Length];
        index.FindAll(points, hits, warm: true);
        for (int i = 0; i < points.Length; i++)
            Assert.True(index.Find(points[i].X, points[i].Y)?.StackNumber == hits[i]?.StackNumber, $"{points[i]}");
        Assert.True(hits.Count(h => h is not null) > points.Length / 2);
    }

    [Fact]
    public void APointWithoutCoordinates_IsInNoTerritory_EvenWhereOneTerritoryOwnsTheFirstCell()
    {
        //-- One square over the whole extent: every cell of the grid is owned by it, the first one too, where a
        //-- NaN coordinate would land ((int) of NaN is 0). One township and two, one at a time and interleaved.
        var square = new GeometryFactory().ToGeometry(new Envelope(100, 100.01, 25, 25.01));
        TownshipIndex Township(string code, double dx)
        {
            var builder = new PackedTerritories.Builder();
            var moved = square.Copy();
            moved.Apply(new NetTopologySuite.Geometries.Utilities.AffineTransformation().Translate(dx, 0));
            var rows = new List<(MicroGridEntry, int)> { (new MicroGridEntry(code + "001000000", "g", "v", "cluster", 10, null, null), builder.Add(moved)) };
            return TownshipIndex.Build(code, "镇", 1, moved.EnvelopeInternal, new Dictionary<string, string>(), new Dictionary<string, int>(), builder, rows);
        }
        foreach (var index in new[] { LookupIndex.Of([Township("530627905", 0)]), LookupIndex.Of([Township("530627905", 0), Township("530627906", 0.02)]) })
        {
            Assert.NotNull(index.Find(100.005, 25.005));
            (double, double)[] points = [(double.NaN, 25.005), (100.005, double.NaN), (double.NaN, double.NaN), (100.0001, 25.0001)];
            foreach (var warm in new[] { true, false })
            {
                var hits = new LookupHit?[points.Length];
                index.FindAll(points, hits, warm);
                Assert.Equal([true, true, true, false], hits.Select(h => h is null));
            }
            foreach (var (x, y) in points.Take(3)) Assert.Null(index.Find(x, y));
        }
    }

    [Fact]
    public void RoundedRings_DecideEveryPointMoreThanAStepFromAnEdge_AndLeaveTheNearerOnesToTheExactRings()
    {
        //-- The quick form rounds vertices to 1/4,000 of a territory's box: a point off an edge by more than a step is
        //-- answered by it and must be NTS's answer; nearer, it may only answer what NTS answers or leave it to the exact rings.
        var (partition, index, _) = Township903();
        var quick = index.Territories.Quick;
        var territoryOf = partition.MicroGrids.ToDictionary(m => m.Code, m => m.Territory, StringComparer.Ordinal);
        var rnd = new Random(8);
        int far = 0, near = 0, nearLeft = 0, random = 0, randomLeft = 0;
        for (int t = 0; t < index.Stacks; t++)
        {
            var g = territoryOf[index.Members(t)[0].Code];
            var locator = new IndexedPointInAreaLocator(g);
            var box = quick.Box(t);
            double step = Math.Max(box.Width, box.Height) / QuantizedRings.Steps;
            void Check(Coordinate p, bool beyondAStep)
            {
                var expected = locator.Locate(p);
                var got = quick.Locate(t, p.X, p.Y);
                Assert.True(got is null || got == expected, $"{p} in stack {t}: NTS {expected}, rounded rings {got}");
                Assert.True(quick.Holds(t, p.X, p.Y) == (expected != Location.Exterior), $"{p} in stack {t}");
                if (beyondAStep) { Assert.True(got is not null, $"{p}, {expected}, more than a step from every edge, left undecided"); far++; }
                else { near++; if (got is null) nearLeft++; }
            }
            var cs = g.Coordinates;
            for (int i = 1; i < cs.Length; i++)
            {
                double dx = cs[i].X - cs[i - 1].X, dy = cs[i].Y - cs[i - 1].Y, length = Math.Sqrt(dx * dx + dy * dy);
                if (length < 8 * step) continue;
                var mid = new Coordinate((cs[i - 1].X + cs[i].X) / 2, (cs[i - 1].Y + cs[i].Y) / 2);
                foreach (double off in new[] { 0.05, 0.3, 0.7, 1.0, -0.05, -0.3, -0.7, -1.0 })
                    Check(new Coordinate(mid.X - dy / length * off * step, mid.Y + dx / length * off * step), false);
                //-- Well clear of this edge; still perhaps near another one (a vertex close by): must be answered only when
                //-- clear of all by 3.6 steps (within a step of a rounded segment's line, a point up to ~2.8 steps from the
                //-- segment, ~3.5 from the true edge, may be left to the exact rings).
                foreach (double off in new[] { 4.0, -4.0 })
                {
                    var p = new Coordinate(mid.X - dy / length * off * step, mid.Y + dx / length * off * step);
                    Check(p, g.Boundary.Distance(new Point(p)) > 3.6 * step);
                }
            }
            for (int i = 0; i < 50; i++)
            {
                var p = new Coordinate(box.MinX + rnd.NextDouble() * box.Width, box.MinY + rnd.NextDouble() * box.Height);
                var got = quick.Locate(t, p.X, p.Y);
                Assert.True(got is null || got == locator.Locate(p), $"{p} in stack {t}");
                random++;
                if (got is null) randomLeft++;
            }
        }
        //-- Most points within a step of an edge go to the exact rings, and hardly any random one does.
        Assert.True(far > 1000 && nearLeft > near / 2, $"{far} points beyond a step, {nearLeft} of {near} within one left to the exact rings");
        Assert.True(randomLeft * 100 < random, $"{randomLeft} of {random} random points left to the exact rings");
    }

    /// <summary>A synthetic township of 1,200 households partitioned, its index and its territories' extent.</summary>
    private static (Partition Partition, TownshipIndex Index, Envelope Extent) Township903()
    {
        var partition = new TownshipPartitioner(new PartitionOptions()).Partition(BenchCommand.Synthetic("530627903", 1200, 903));
        var builder = new PackedTerritories.Builder();
        var rows = partition.MicroGrids.Select(m => (Entry(m), builder.Add(m.Territory))).ToList();
        var extent = partition.MicroGrids.Aggregate(new Envelope(), (e, m) => { e.ExpandToInclude(m.Territory.EnvelopeInternal); return e; });
        return (partition, TownshipIndex.Build("530627903", "镇", 1, extent, new Dictionary<string, string>(), new Dictionary<string, int>(), builder, rows), extent);
    }

    internal static MicroGridEntry Entry(MicroGrid m) =>
        new(m.Code, m.GridCode, m.VillageCode, m.Kind.ToString().ToLowerInvariant(), m.HouseholdCount, m.FloorFrom, m.FloorTo) { Unit = m.Unit };

    /// <summary>Every vertex, every edge's midpoint, points a hair off both, and random points over the envelope.</summary>
    internal static IEnumerable<Coordinate> Probes(IEnumerable<Geometry> territories, Random rnd)
    {
        foreach (var g in territories)
        {
            var e = g.EnvelopeInternal;

            for (int r = 0; r < g.NumGeometries; r++)
            {
                var polygon = (Polygon)g.GetGeometryN(r);
                foreach (var ring in new[] { polygon.ExteriorRing }.Concat(polygon.InteriorRings))
                {
                    var cs = ring.Coordinates;
                    for (int i = 1; i < cs.Length; i++)
                    {
                        var mid = new Coordinate((cs[i - 1].X + cs[i].X) / 2, (cs[i - 1].Y + cs[i].Y) / 2);
                        //-- And the doubles next to each: a hair off, as near as a point can be without being on it.
                        foreach (var c in new[] { cs[i], mid })
                        {
                            yield return c.Copy();
                            yield return new Coordinate(Math.BitIncrement(c.X), c.Y);
                            yield return new Coordinate(c.X, Math.BitDecrement(c.Y));
                        }
                    }
                }
            }
            for (int i = 0; i < 20; i++)
                yield return new Coordinate(e.MinX - e.Width * 0.1 + rnd.NextDouble() * e.Width * 1.2, e.MinY - e.Height * 0.1 + rnd.NextDouble() * e.Height * 1.2);
        }
    }
}
