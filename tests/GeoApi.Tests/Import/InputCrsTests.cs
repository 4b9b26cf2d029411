using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Tests.Import;

/// <summary>The CRS registry against independent references: PostGIS (PROJ) for every CGCS2000
/// Gauss–Krüger zone, GDAL's own .prj files for the WKT matching, and the round trip of the
/// GCJ-02 and BD-09 formulas for their documented inverse error.</summary>
[Collection("db")]
public class InputCrsTests(DatabaseFixture db)
{
    [Fact]
    public async Task GaussKrugerZones_AgreeWithPostgisWithinOneMillimetre()
    {
        var zones = InputCrs.All.Where(c => c.Kind == CrsKind.GaussKruger).ToList();
        Assert.Equal(64, zones.Count);
        Assert.Equal(Enumerable.Range(4491, 64), zones.Select(z => z.Epsg));
        foreach (var zone in zones)
        {
            //-- A point 1.2° east of the central meridian, where a wrong parameter shows.
            var p = new Coordinate(zone.CentralMeridian + 1.2, 30.5);
            var ours = zone.FromWgs84(p);
            await using var cmd = db.Db.CreateCommand("SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4490), $3) g) x");
            cmd.Parameters.AddWithValue(p.X);
            cmd.Parameters.AddWithValue(p.Y);
            cmd.Parameters.AddWithValue(zone.Epsg);
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            double dx = ours.X - r.GetDouble(0), dy = ours.Y - r.GetDouble(1);
            Assert.True(Math.Sqrt(dx * dx + dy * dy) < 0.001, $"{zone.Code}: ({ours.X}, {ours.Y}) against PostGIS ({r.GetDouble(0)}, {r.GetDouble(1)})");
            var back = zone.ToWgs84(ours);
            Assert.True(ReferenceTownship.Metres(p.X, p.Y, back.X, back.Y) < 0.001, $"{zone.Code} round trip");
        }
    }

    [SkippableFact]
    public async Task FromPrj_PrjWrittenByGdal_NamesTheSameCrs()
    {
        Skip.If(!Gdal.CanWrite, "ogr2ogr (gdal-bin) is not installed");
        var dir = Directory.CreateTempSubdirectory("gs-prj-").FullName;
        try
        {
            var point = Path.Combine(dir, "p.geojson");
            await File.WriteAllTextAsync(point, """{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[105.1,30.2]}}]}""");
            foreach (var epsg in new[] { 4326, 4490, 4491, 4496, 4501, 4502, 4507, 4512, 4513, 4518, 4533, 4534, 4544, 4554 })
            {
                var shp = Path.Combine(dir, $"p{epsg}.shp");
                await Gdal.Ogr2ogrAsync("-f", "ESRI Shapefile", "-t_srs", $"EPSG:{epsg}", shp, point);
                var wkt = await File.ReadAllTextAsync(Path.ChangeExtension(shp, ".prj"));
                Assert.True(InputCrs.FromPrj(wkt)?.Epsg == epsg, $"EPSG:{epsg}: {wkt} → {InputCrs.FromPrj(wkt)}");
            }
            Assert.Null(InputCrs.FromPrj("""PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],UNIT["Meter",1.0]]"""));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Gcj02AndBd09_InverseAcrossChina_WithinOneCentimetre()
    {
        double worstGcj = 0, worstBd = 0;
        for (double lon = 75; lon <= 134; lon += 1.7)
            for (double lat = 18.5; lat <= 53; lat += 1.3)
            {
                var p = new Coordinate(lon, lat);
                var gcj = InputCrs.Gcj02Crs.ToWgs84(Gcj02.FromWgs84(p));
                var bd = InputCrs.Bd09Crs.ToWgs84(Bd09.FromWgs84(p));
                worstGcj = Math.Max(worstGcj, ReferenceTownship.Metres(p.X, p.Y, gcj.X, gcj.Y));
                worstBd = Math.Max(worstBd, ReferenceTownship.Metres(p.X, p.Y, bd.X, bd.Y));
            }
        Assert.True(worstGcj < 0.01, $"GCJ-02 inverse off by {worstGcj} m");
        Assert.True(worstBd < 0.01, $"BD-09 inverse off by {worstBd} m");
    }

    [Theory]
    [InlineData("EPSG:4544", "EPSG:4544")]
    [InlineData("4544", "EPSG:4544")]
    [InlineData("urn:ogc:def:crs:EPSG::4518", "EPSG:4518")]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/4496", "EPSG:4496")]
    [InlineData("http://www.opengis.net/def/crs/OGC/1.3/CRS84", "EPSG:4326")]
    [InlineData("wgs84", "EPSG:4326")]
    [InlineData("CGCS2000", "EPSG:4490")]
    [InlineData("GCJ-02", "GCJ-02")]
    [InlineData("bd09", "BD-09")]
    [InlineData("EPSG:3857", null)]
    [InlineData("EPSG:4555", null)]
    [InlineData("epsg:4544'--", null)]
    public void TryParse_NamesRequestsUse_FindTheRegistryEntry(string text, string? code)
    {
        Assert.Equal(code is not null, InputCrs.TryParse(text, out var crs));
        if (code is not null) Assert.Equal(code, crs.Code);
    }

    [Theory]
    [InlineData(104.6, 104.6, true, new[] { 4523 })]
    [InlineData(101.4, 104.6, true, new[] { 4522, 4523 })]
    [InlineData(108.2, 108.2, false, new[] { 4545 })]
    [InlineData(73.0, 76.0, true, new[] { 4513 })]
    [InlineData(9.5, 9.6, true, new int[0])]
    public void ThreeDegreeZonesCovering_AnExtent_ListsTheZonesWhoseBandsItTouches(double west, double east, bool prefix, int[] epsg)
    {
        var zones = InputCrs.ThreeDegreeZonesCovering(west, east, prefix);
        Assert.Equal(epsg, zones.Select(z => z.Epsg));
        Assert.All(zones, z => Assert.True(z.ZoneWidth == 3 && z.ZonePrefix == prefix));
    }

    [Fact]
    public async Task WebMercator_AgreesWithPostgisWithinOneMillimetreBothWays()
    {
        var crs = InputCrs.Epsg3857;
        Assert.False(InputCrs.TryParse("EPSG:3857", out _));
        Assert.DoesNotContain(crs, InputCrs.All);
        foreach (var p in new[] { new Coordinate(104.6, 25.1), new Coordinate(121.47, 31.23), new Coordinate(87.6, 43.8), new Coordinate(-70.1, -33.4) })
        {
            var ours = crs.FromWgs84(p);
            await using var cmd = db.Db.CreateCommand("SELECT ST_X(g), ST_Y(g) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 3857) g) x");
            cmd.Parameters.AddWithValue(p.X);
            cmd.Parameters.AddWithValue(p.Y);
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.True(ours.Distance(new Coordinate(r.GetDouble(0), r.GetDouble(1))) < 0.001, $"{p}: {ours} against PostGIS ({r.GetDouble(0)}, {r.GetDouble(1)})");
            var back = crs.ToWgs84(ours);
            Assert.True(ReferenceTownship.Metres(p.X, p.Y, back.X, back.Y) < 0.001, $"{p} round trip");
        }
        Assert.True(crs.NorthingFirst is false && InputCrs.Epsg4490.NorthingFirst && InputCrs.FromEpsg(4523)!.NorthingFirst);
    }
}
