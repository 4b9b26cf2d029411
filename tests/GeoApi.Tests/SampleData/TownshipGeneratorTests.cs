using GridSpatial.GeoApi.SampleData;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.OverlayNG;

namespace GridSpatial.GeoApi.Tests.SampleData;

/// <summary>The generated township is deterministic and shaped like a real one: a ridge-line
/// boundary, villages tiling it exactly, households inside their village, units only in
/// high-rise estates, and the sample's size. No database needed.</summary>
public class TownshipGeneratorTests
{
    //-- The sample's parameters (GenerateCommand, one township), without the real village list.
    private static readonly Lazy<GeneratedTownship> Sample = new(() => new TownshipGenerator(118).Generate("530627118", "木卓镇", 104.87, 27.44, 9000));

    //-- Seed 173 is a regression: a stream path grazing its village's edge made the generator throw.
    public static TheoryData<int, int, double> Townships => new()
    {
        { 118, 9000, 0.25 }, { 173, 9000, 0.25 }, { 7, 200, 0 }, { 8, 200, 0.3 }, { 9, 600, 0 }, { 10, 1500, 0.25 }, { 11, 3000, 0.3 }, { 12, 3000, 0 },
    };

    private static bool IsSample(int seed, int households) => seed == 118 && households == 9000;

    //-- Each township generated once for all the theories that read it (the 9,000-household ones take seconds each).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int, double), Lazy<GeneratedTownship>> Generated = new();

    private static GeneratedTownship Generate(int seed, int households, double urbanShare) => IsSample(seed, households)
        ? Sample.Value
        : Generated.GetOrAdd((seed, households, urbanShare), _ => new(() =>
            new TownshipGenerator(seed).Generate($"530627{seed % 100 + 100:D3}", "测试镇", 105.0, 27.0, households, urbanShare))).Value;

    /// <summary>The point a township was generated around.</summary>
    private static Coordinate Origin(int seed, int households) => IsSample(seed, households) ? new(104.87, 27.44) : new(105.0, 27.0);

    [Fact]
    public void Write_SameSeed_IdenticalFiles()
    {
        var a = Path.Combine(Path.GetTempPath(), "gs-gen-a-" + Guid.NewGuid().ToString("N")[..8]);
        var b = Path.Combine(Path.GetTempPath(), "gs-gen-b-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            SampleWriter.Write(new TownshipGenerator(21).Generate("530627121", "甲镇", 104.9, 27.5, 2500), a);
            SampleWriter.Write(new TownshipGenerator(21).Generate("530627121", "甲镇", 104.9, 27.5, 2500), b);
            var files = Directory.GetFiles(a).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["barriers.geojson", "buildings.geojson", "households.geojson", "streets.geojson", "township.geojson", "villages.geojson"], files);
            Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(a, f!)), File.ReadAllBytes(Path.Combine(b, f!))));
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
        }
    }

    [Theory]
    [MemberData(nameof(Townships))]
    public void Generate_Boundary_SimpleRidgeLikePolygon(int seed, int households, double urbanShare)
    {
        var boundary = Metric(Generate(seed, households, urbanShare).Township.Boundary, Origin(seed, households));
        var polygon = Assert.IsType<Polygon>(Assert.Single(Enumerable.Range(0, boundary.NumGeometries).Select(boundary.GetGeometryN)));
        Assert.True(polygon.IsValid && polygon.IsSimple, "the boundary is a valid simple polygon");
        Assert.Equal(0, polygon.NumInteriorRings);
        double pp = 4 * Math.PI * polygon.Area / (polygon.Length * polygon.Length);
        Assert.InRange(pp, 0.3, 0.7);
        var c = polygon.Centroid.Coordinate;
        double far = 10 * Math.Sqrt(polygon.Area);
        int simple = Enumerable.Range(0, 360).Count(d =>
        {
            var ray = polygon.Factory.CreateLineString([c, new Coordinate(c.X + far * Math.Cos(d * Math.PI / 180), c.Y + far * Math.Sin(d * Math.PI / 180))]);
            return ray.Intersection(polygon.ExteriorRing).NumGeometries <= 2;
        });
        Assert.True(simple >= 324, $"only {simple} of 360 rays from the centroid cross the boundary at most twice (no star)");
        //-- The extent test townships are spaced by: about a circle of radius max(800 m, √(households/(π·90)) km).
        double radius = Math.Max(800, Math.Sqrt(households / (Math.PI * 90.0)) * 1000);
        Assert.InRange(polygon.Area / (Math.PI * radius * radius), 0.7, 1.3);
        Assert.True(polygon.Coordinates.Max(p => p.Distance(c)) < 1.6 * radius, "no point farther than 1.6 radii from the centroid");
        Assert.True(polygon.Coordinates.Max(p => p.Distance(new Coordinate(0, 0))) < 1.48 * radius, "no point farther than 1.47 radii from the township's centre point");
    }

    [Theory]
    [MemberData(nameof(Townships))]
    public void Generate_Villages_TileTheTownshipExactly(int seed, int households, double urbanShare)
    {
        var t = Generate(seed, households, urbanShare);
        var villages = t.Villages.Select(v => v.Boundary).ToList();
        double area = t.Township.Boundary.Area;
        var union = UnaryUnionNG.Union(t.Township.Boundary.Factory.BuildGeometry(villages), t.Township.Boundary.PrecisionModel);
        Assert.True(Math.Abs(union.Area - area) <= 1e-9 * area, $"union {union.Area} vs township {area}");
        Assert.True(Math.Abs(villages.Sum(v => v.Area) - area) <= 1e-9 * area, "the villages' areas add up to the township's: no overlap");
        Assert.True(union.SymmetricDifference(t.Township.Boundary).Area <= 1e-9 * area);
        for (int i = 0; i < villages.Count; i++)
        {
            Assert.True(villages[i].IsValid && villages[i].NumGeometries == 1, $"village {t.Villages[i].Code} is one valid polygon");
            for (int j = i + 1; j < villages.Count; j++)
                Assert.True(villages[i].Intersection(villages[j]).Area <= 1e-12 * area, $"villages {t.Villages[i].Code} and {t.Villages[j].Code} overlap");
        }
        Assert.Equal(t.Villages.Count, t.Villages.Select(v => v.Code).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Townships))]
    public void Generate_Households_InsideTheirVillageAndNearTheRequestedCount(int seed, int households, double urbanShare)
    {
        var t = Generate(seed, households, urbanShare);
        var villages = t.Villages.ToDictionary(v => v.Code, v => new NetTopologySuite.Algorithm.Locate.IndexedPointInAreaLocator(v.Boundary));
        Assert.All(t.Households, h => Assert.Equal(Location.Interior, villages[h.VillageCode].Locate(h.Location.Coordinate)));
        Assert.InRange(t.Households.Count, households * 0.97, households);
        Assert.Equal(t.Households.Count, t.Households.Select(h => h.Id).Distinct().Count());
        var buildings = t.Buildings.ToDictionary(b => b.Id);
        Assert.All(t.Households, h => Assert.Equal(h.VillageCode, buildings[h.BuildingId].VillageCode));
        Assert.All(t.Households, h => Assert.InRange(h.Persons, 1, 6));
        Assert.All(t.Streets, s => Assert.Contains(s.Kind, new[] { "lane", "street", "track", "path", "ditch", "stream" }));
        Assert.All(t.Barriers, b => Assert.Contains(b.Kind, new[] { "river", "road" }));
    }

    [Theory]
    [MemberData(nameof(Townships))]
    public void Generate_Units_TwoToFourPerHighRiseBuildingAtTheirOwnEntrances(int seed, int households, double urbanShare)
    {
        var t = Generate(seed, households, urbanShare);
        var buildings = t.Buildings.ToDictionary(b => b.Id);
        Assert.All(t.Households, h => Assert.Equal("residential", buildings[h.BuildingId].Use));
        foreach (var h in t.Households.Where(h => h.Unit is not null))
        {
            var b = buildings[h.BuildingId];
            Assert.InRange(b.Floors, 6, 30);
            Assert.InRange(int.Parse(h.Unit!, System.Globalization.CultureInfo.InvariantCulture), 1, 4);
            Assert.InRange(h.Floor!.Value, 1, b.Floors);
            Assert.Matches(@"小区|花园|苑|家园|名居|湾", h.Address);
            Assert.EndsWith($"{h.Unit}单元{h.Room}室", h.Address, StringComparison.Ordinal);
        }
        Assert.All(t.Households.Where(h => h.Unit is null), h => Assert.True(h.Floor is null && buildings[h.BuildingId].Floors <= 5));
        //-- 2–4 units per building, numbered 1…n; each unit's households at its own entrance along the building.
        foreach (var building in t.Households.Where(h => h.Unit is not null).GroupBy(h => h.BuildingId))
        {
            var units = building.GroupBy(h => h.Unit!).ToList();
            Assert.InRange(units.Count, 2, 4);
            Assert.Equal(Enumerable.Range(1, units.Count).Select(u => $"{u}"), units.Select(u => u.Key).Order(Partitioner.Households.BuildingUnit.Order));
            Assert.All(units, u => Assert.Single(u.Select(h => (h.Location.X, h.Location.Y)).Distinct()));
            Assert.Equal(units.Count, units.Select(u => (u.First().Location.X, u.First().Location.Y)).Distinct().Count());
        }
    }

    [Fact]
    public void Generate_SampleParameters_LooksLikeAValleyTownship()
    {
        var t = Sample.Value;
        Assert.True(t.Households.Count >= 8000, $"{t.Households.Count} households");
        var rural = t.Villages.Where(v => string.CompareOrdinal(v.Code[9..], "200") >= 0).ToList();
        Assert.InRange(rural.Count, 8, 12);
        //-- Natural villages are the 组 of the rural addresses: 3–10 per village.
        foreach (var v in rural)
        {
            int groups = t.Households.Where(h => h.VillageCode == v.Code).Select(h => h.Address[..(h.Address.IndexOf('组', StringComparison.Ordinal) + 1)]).Distinct().Count();
            Assert.InRange(groups, 3, 10);
        }
        //-- Villages differ in size, as real ones do (every village had 643 households once).
        var sizes = rural.Select(v => t.Households.Count(h => h.VillageCode == v.Code)).ToList();
        Assert.True(sizes.Max() >= 1.5 * sizes.Min(), $"village sizes {string.Join(", ", sizes)}");
        int estates = t.Households.Where(h => h.Unit is not null).Select(h => h.Address[..h.Address.IndexOf('栋', StringComparison.Ordinal)].TrimEnd("0123456789".ToCharArray())).Distinct().Count();
        Assert.InRange(estates, 2, 4);
        var uses = t.Buildings.GroupBy(b => b.Use).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(uses.GetValueOrDefault("school") >= 2 && uses.GetValueOrDefault("market") >= 1 && uses.GetValueOrDefault("shop") >= 10, string.Join(", ", uses));
        var kinds = t.Streets.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(new[] { "lane", "street", "track", "path", "ditch", "stream" }, k => Assert.True(kinds.GetValueOrDefault(k) > 0, $"no {k}"));
        Assert.Contains(t.Barriers, b => b.Kind == "river");
        Assert.True(t.Barriers.Count(b => b.Kind == "road") >= 3, "a provincial road and county roads");
    }

    /// <summary>Metres east and north of the point the township was generated around (a local equirectangular projection).</summary>
    private static Geometry Metric(Geometry lonLat, Coordinate o) => Partitioner.Projection.CoordinateMapper.Map(lonLat,
            c => new Coordinate((c.X - o.X) * 111320 * Math.Cos(o.Y * Math.PI / 180), (c.Y - o.Y) * 110540), new GeometryFactory());
}
