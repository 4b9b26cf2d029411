using GridSpatial.GeoApi.Cli;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Tests.Cli;

/// <summary><c>bench partition --churn</c>: the churn the issue #15 figures are measured after.</summary>
public class ChurnBenchTests
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private static readonly Polygon Township = Factory.CreatePolygon(
        [new(104.9, 27.4), new(104.911, 27.4), new(104.911, 27.41), new(104.9, 27.41), new(104.9, 27.4)]);

    private static List<HouseholdInput> Households()
    {
        var rnd = new Random(3);
        return Enumerable.Range(0, 500).Select(i => new HouseholdInput($"h{i:D3}",
            new Coordinate(104.901 + rnd.NextDouble() * 0.009, 27.401 + rnd.NextDouble() * 0.008), i % 5 == 0 ? $"b{i / 50}" : null)).ToList();
    }

    [Fact]
    public void Churn_OnePercent_RemovesMovesAndAddsFiveWithinFiftyMetresTheSameInAnyOrder()
    {
        var households = Households();
        var churned = ChurnBench.Churn(households, Township, 0.01, 7);
        var shuffled = ChurnBench.Churn(households.OrderBy(h => h.Location.X).ToList(), Township, 0.01, 7);
        Assert.Equal(churned, shuffled);

        var before = households.ToDictionary(h => h.Id);
        Assert.Equal(5, households.Count(h => !churned.Any(c => c.Id == h.Id)));
        var moved = churned.Where(c => before.TryGetValue(c.Id, out var b) && !b.Location.Equals2D(c.Location)).ToList();
        Assert.Equal(5, moved.Count);
        Assert.All(moved, m => Assert.Null(m.BuildingId));
        var added = churned.Where(c => !before.ContainsKey(c.Id)).ToList();
        Assert.Equal(5, added.Count);
        Assert.Equal(churned.Count, churned.Select(c => c.Id).Distinct().Count());
        //-- Within 50 m (a degree of latitude is 110.5 km; of longitude at 27.4° N, 98.8 km).
        Assert.All(moved, m => Assert.True(Metres(before[m.Id].Location, m.Location) <= 50.01));
        Assert.All(churned, c => Assert.True(Township.Contains(Factory.CreatePoint(c.Location))));
    }

    private static double Metres(Coordinate a, Coordinate b) =>
        Math.Sqrt(Math.Pow((a.X - b.X) * 111_320 * Math.Cos(a.Y * Math.PI / 180), 2) + Math.Pow((a.Y - b.Y) * 110_540, 2));
}
