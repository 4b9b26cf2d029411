using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.OverlayNG;
using Xunit;

namespace GridSpatial.Partitioner.Tests.Territories;

/// <summary>The land of a site with several locations is one piece even where another site's
/// locations stand between them (wedge: a household 50 m from its building, beside a tower's
/// entrance, joined to its building by a link that crossed the tower's).</summary>
public class SiteLinksTests
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(1e6));

    private static List<Household> Building(string id, int perEntrance, params (double X, double Y)[] entrances) =>
        entrances.SelectMany((e, u) => Enumerable.Range(1, perEntrance)
            .Select(k => new Household($"{id}-{u + 1}-{k:D2}", new Coordinate(e.X, e.Y), id, k, $"{u + 1}"))).ToList();

    private static Geometry LandOf(Tessellation t, int site) =>
        CoverageUnion.Union(Factory.BuildGeometry(Enumerable.Range(0, t.Pieces.Count).Where(p => t.Owner[p] == site).Select(p => t.Pieces[p]).ToList()));

    [Theory]
    [InlineData("POINT (52 102.2)", "POINT (88 59)")]
    [InlineData("POINT (58 97.8)", "POINT (30 140)")]
    public void Build_LinksOfTwoSitesCross_EachSiteLandIsOnePolygon(string leafWkt, string farWkt)
    {
        var reader = new WKTReader(Factory.GeometryServices);
        var (leaf, far) = (reader.Read(leafWkt).Coordinate, reader.Read(farWkt).Coordinate);
        var township = reader.Read("POLYGON ((0 0, 200 0, 200 200, 0 200, 0 0))");
        //-- A tower of three entrances 16 m apart, and a building with a household at each end of a 56 m
        //-- link that crosses the tower's between its first two entrances.
        var households = Building("TOWER", 8, (50, 100), (66, 97.3), (82, 94.6))
            .Concat(Building("FAR", 8, (far.X, far.Y)))
            .Append(new Household("FAR-9-01", leaf, "FAR", 3))
            .Append(new Household("HOUSE", new Coordinate(45, 80), null, null))
            .ToList();
        var sites = new SiteBuilder(new PartitionOptions()).Build(households);
        var (faces, lines) = new FaceBuilder(TownshipPartitioner.Precision).Build(township, [], []);

        var t = Tessellation.Build(township, faces, lines, sites, [], TownshipPartitioner.Precision);

        for (int s = 0; s < sites.Count; s++)
        {
            var land = LandOf(t, s);
            Assert.True(land.NumGeometries == 1, $"{sites[s].Key}: {land.NumGeometries} polygons {land}");
            foreach (var at in sites[s].Locations) Assert.True(land.Covers(Factory.CreatePoint(at)), $"{sites[s].Key} misses {at}");
        }
    }
}
