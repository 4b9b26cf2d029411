using FsCheck;
using FsCheck.Xunit;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Tests;

/// <summary>Properties over random townships: whatever the households (scattered, clustered,
/// stacked in buildings, near a road), the partition tiles the township, assigns every household
/// exactly once inside its own territory, nests codes, and does not depend on input order.
/// Seeded (<see cref="Replay"/>): every run checks the same cases, so a failure replays, and the
/// default suite never changes from one run to the next; change the seed to explore further.</summary>
public class PartitionProperties
{
    private const string Replay = "(20261201,1000000007)";

    private static readonly TownshipPartitioner Partitioner = new(new PartitionOptions());

    private static List<HouseholdInput> Random(int count, int seed)
    {
        var rnd = new System.Random(seed);
        var list = new List<HouseholdInput>();
        for (int i = 0; list.Count < count; i++)
        {
            double x = 104.9002 + rnd.NextDouble() * 0.0106, y = 27.4002 + rnd.NextDouble() * 0.0096;
            if (rnd.NextDouble() < 0.1)
            {
                // A building: several households at one point, on floors.
                int n = rnd.Next(2, 45);
                for (int k = 0; k < n && list.Count < count; k++)
                    list.Add(new HouseholdInput($"b{i}-{k}", new Coordinate(x, y), $"b{i}", 1 + k / 3));
            }
            else list.Add(new HouseholdInput($"h{i}", new Coordinate(x, y)));
        }
        return list;
    }

    [Property(MaxTest = 25, Replay = Replay)]
    public bool Partition_RandomTownship_TilesAndAssignsEveryHouseholdOnce(PositiveInt size, int seed)
    {
        var households = Random(1 + size.Get % 400, seed);
        var road = new BarrierInput("road", TestData.Geom("LINESTRING (104.899 27.4047, 104.912 27.4052)"));
        var input = TestData.Input(TestData.SquareTownship, households, seed % 2 == 0 ? [road] : []);
        var p = Partitioner.Partition(input);
        PartitionAssert.Valid(p, PartitionInputSummary.Of(input));
        Assert.All(p.MicroGrids.Where(m => m.Kind == MicroGrids.MicroGridKind.Floor), m => Assert.InRange(m.HouseholdCount, 1, 30));
        Assert.Equal(households.Count, p.MicroGrids.Sum(m => m.HouseholdCount));
        return true;
    }

    [Property(MaxTest = 10, Replay = Replay)]
    public bool Partition_AnyInputOrder_GivesTheSameCodes(PositiveInt size, int seed)
    {
        var households = Random(20 + size.Get % 200, seed);
        var a = Partitioner.Partition(TestData.Input(TestData.SquareTownship, households));
        var shuffled = households.ToArray();
        new System.Random(seed).Shuffle(shuffled);
        var b = Partitioner.Partition(TestData.Input(TestData.SquareTownship, [.. shuffled]));
        return a.Assignments.SequenceEqual(b.Assignments)
            && a.MicroGrids.Select(m => m.Territory.ToText()).SequenceEqual(b.MicroGrids.Select(m => m.Territory.ToText()));
    }
}
