using GridSpatial.GeoApi.Infrastructure;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridSpatial.GeoApi.Tests.Infrastructure;

public class ReshapedTests
{
    private static readonly WKTReader Wkt = new();

    [Theory]
    //-- A vertex added on an edge, and a ring that starts elsewhere: the same land.
    [InlineData("POLYGON((0 0, 0.001 0, 0.001 0.001, 0 0.001, 0 0))", "POLYGON((0 0, 0.0005 0, 0.001 0, 0.001 0.001, 0 0.001, 0 0))", false)]
    [InlineData("POLYGON((0 0, 0.001 0, 0.001 0.001, 0 0.001, 0 0))", "POLYGON((0.001 0, 0.001 0.001, 0 0.001, 0 0, 0.001 0))", false)]
    //-- The same area, other land: an edge moved across.
    [InlineData("POLYGON((0 0, 0.001 0, 0.001 0.001, 0 0.001, 0 0))", "POLYGON((0.0001 0, 0.0011 0, 0.0011 0.001, 0.0001 0.001, 0.0001 0))", true)]
    //-- A corner pulled in.
    [InlineData("POLYGON((0 0, 0.001 0, 0.001 0.001, 0 0.001, 0 0))", "POLYGON((0 0, 0.001 0, 0.0009 0.0009, 0 0.001, 0 0))", true)]
    public void Between_CountsLandThatChanged_NotVerticesOrRingStart(string before, string after, bool reshaped) =>
        Assert.Equal(reshaped, Reshaped.Between(Wkt.Read(before), Wkt.Read(after)));
}
