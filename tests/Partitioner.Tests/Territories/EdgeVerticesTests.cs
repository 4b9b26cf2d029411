using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Xunit;

namespace GridSpatial.Partitioner.Tests.Territories;

/// <summary>Vertices that noding put on a block's edge go into the pieces of the block across it, so
/// shared edges match vertex for vertex — and only there. A real township of the province bench
/// (530115002: rows of buildings) had two such vertices a micrometre apart at a corner where a border
/// inside the block meets the street: each was taken by both segments at the corner, four pieces
/// folded there (b, a, b), and neither the coverage union nor the overlay union could unite them.</summary>
public class EdgeVerticesTests
{
    private static readonly WKTReader Wkt = new();

    [Fact]
    public void A_vertex_beside_a_corner_goes_into_the_street_side_only_and_no_piece_folds()
    {
        //-- The block above the street y = 0 is split at A = (5, 0) by a border running north; noding in the
        //-- block below put B on the street a micrometre east of A.
        var above = (Polygon)Wkt.Read("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))");
        var below = (Polygon)Wkt.Read("POLYGON ((0 -10, 10 -10, 10 0, 0 0, 0 -10))");
        var west = (Polygon)Wkt.Read("POLYGON ((0 0, 5 0, 5 5, 5 10, 0 10, 0 0))");
        var east = (Polygon)Wkt.Read("POLYGON ((5 0, 10 0, 10 10, 5 10, 5 5, 5 0))");
        var b = new Coordinate(5.000001, 0.0000004);
        var vertices = new EdgeVertices();
        vertices.Add(below, [b]);

        var pieces = vertices.Apply([west, east], _ => above);

        Assert.All(pieces, p => Assert.True(p.IsValid, $"{p} is not valid"));
        Assert.DoesNotContain(b, pieces[0].Coordinates);
        Assert.Equal(1, pieces[1].Coordinates.Count(c => c.Equals2D(b)));
        Assert.Equal(new Coordinate(5, 0), pieces[1].Coordinates[0]);
        Assert.Equal(b, pieces[1].Coordinates[1]);
    }
}
