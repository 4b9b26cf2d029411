using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.Partitioner.Tests;

/// <summary>The inputs digest stored with every version decides whether a recompute may stay local:
/// its bytes may not change from one release to the next, and a layer changed in place must change it
/// even though the digest of a layer list is kept between recomputes.</summary>
public class InputsDigestTests
{
    private static PartitionInput Input() => new(
        new TownshipInput("530627118", "测试镇", TestData.Geom(TestData.SquareTownship)), TestData.Hamlets(40),
        new List<BuildingInput> { new BuildingInput("b2", TestData.Geom("POLYGON ((104.905 27.405, 104.9051 27.405, 104.9051 27.4051, 104.905 27.4051, 104.905 27.405))"), 6),
         new BuildingInput("b1", TestData.Geom("POLYGON ((104.903 27.403, 104.9031 27.403, 104.9031 27.4031, 104.903 27.4031, 104.903 27.403))")) },
        new List<BarrierInput> { new BarrierInput("r1", TestData.Geom("LINESTRING (104.9 27.405, 104.911 27.405)"), "river") },
        [new VillageInput("530627118201", "西村", TestData.Geom(TestData.SquareTownship))], null)
    {
        Streets = [new StreetInput("s1", TestData.Geom("LINESTRING (104.905 27.4, 104.905 27.41)"), "lane")],
    };

    [Fact]
    public void Digest_IsTheOneEarlierReleasesStored_ForTheSameInputs() =>
        Assert.Equal("83e8cecb39b6c95bd62f45e3c5779d7fac3dc26baa28c642ece9623ee05c384a", InputsDigest.Of(Input(), new PartitionOptions()));

    [Fact]
    public void Digest_OfALayerChangedInPlace_ChangesThoughTheListWasDigestedBefore()
    {
        var input = Input();
        var options = new PartitionOptions();
        var first = InputsDigest.Of(input, options);
        Assert.Equal(first, InputsDigest.Of(input, options));

        //-- A vertex of a building moved in place: same list, same feature object.
        var moved = input.Buildings[0].Footprint.Coordinates[0];
        input.Buildings[0].Footprint.Apply(new Shift(moved));
        var afterMove = InputsDigest.Of(input, options);
        Assert.NotEqual(first, afterMove);

        //-- A barrier replaced in the same list.
        var barriers = (List<BarrierInput>)input.Barriers;
        barriers[0] = barriers[0] with { Line = TestData.Geom("LINESTRING (104.9 27.406, 104.911 27.406)") };
        Assert.NotEqual(afterMove, InputsDigest.Of(input, options));
    }

    /// <summary>Moves the first coordinate equal to <paramref name="at"/> 1 m east, in place.</summary>
    private sealed class Shift(NetTopologySuite.Geometries.Coordinate at) : NetTopologySuite.Geometries.IEntireCoordinateSequenceFilter
    {
        public bool Done { get; private set; }
        public bool GeometryChanged => Done;
        public void Filter(NetTopologySuite.Geometries.CoordinateSequence seq)
        {
            for (int i = 0; i < seq.Count && !Done; i++)
                if (seq.GetX(i) == at.X && seq.GetY(i) == at.Y) { seq.SetX(i, at.X + 0.00001); Done = true; }
        }
    }
}
