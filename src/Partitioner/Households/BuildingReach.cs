using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Households;

/// <summary>Which households stand at their building. A household is one of its building's
/// (<c>building_id</c>, DESIGN §1's site) only where it stands within
/// <see cref="PartitionOptions.BuildingReachM"/> of the building's footprint; for a building without
/// a footprint, only in the largest group of the building's households that lie within that
/// distance of one another. A household elsewhere keeps a building id its location contradicts (it
/// moved and the register kept its building): joined to the building it would give the building
/// land in two places, so it is partitioned as a house where it stands.</summary>
internal static class BuildingReach
{
    /// <summary><paramref name="input"/> with the building, floor and unit of every household standing
    /// away from its building cleared; the same instance when every household stands at its building.</summary>
    public static PartitionInput Apply(PartitionInput input, PartitionOptions options)
    {
        var away = Away(input, options.BuildingReachM);
        if (away.Count == 0) return input;
        var households = input.Households
            .Select(h => away.Contains(h.Id) ? h with { BuildingId = null, Floor = null, Unit = null } : h)
            .ToList();
        return input with { Households = households };
    }

    /// <summary>The ids of the households standing away from their building.</summary>
    public static HashSet<string> Away(PartitionInput input, double reachM)
    {
        var away = new HashSet<string>(StringComparer.Ordinal);
        var byBuilding = input.Households.Where(h => !string.IsNullOrEmpty(h.BuildingId))
            .GroupBy(h => h.BuildingId!, StringComparer.Ordinal).ToList();
        if (byBuilding.Count == 0) return away;
        var projection = MetricProjection.For(input.Township.Boundary);
        var footprints = new Dictionary<string, Geometry>(StringComparer.Ordinal);
        foreach (var b in input.Buildings) footprints.TryAdd(b.Id, b.Footprint);

        foreach (var building in byBuilding)
        {
            if (footprints.TryGetValue(building.Key, out var footprint))
            {
                //-- Most households stand inside their footprint (distance 0): projected only for the others.
                Geometry? metric = null;
                foreach (var h in building)
                    if (SimplePointInAreaLocator.Locate(h.Location, footprint) == Location.Exterior
                        && (metric ??= projection.Forward(footprint)).Distance(new Point(projection.Forward(h.Location))) > reachM)
                        away.Add(h.Id);
            }
            else
            {
                var members = building.OrderBy(h => h.Id, StringComparer.Ordinal)
                    .Select(h => (h.Id, At: projection.Forward(h.Location))).ToList();
                foreach (var group in Groups(members.Select(m => m.At).ToList(), reachM).Skip(1))
                    foreach (var i in group) away.Add(members[i].Id);
            }
        }
        return away;
    }

    /// <summary>Groups of points linked by steps of at most <paramref name="reachM"/>, largest first
    /// (ties: the one with the first point first), each as indexes into <paramref name="points"/>.</summary>
    private static List<List<int>> Groups(List<Coordinate> points, double reachM)
    {
        var group = new int[points.Count];
        Array.Fill(group, -1);
        var groups = new List<List<int>>();
        for (int start = 0; start < points.Count; start++)
        {
            if (group[start] >= 0) continue;
            var members = new List<int> { start };
            group[start] = groups.Count;
            for (int k = 0; k < members.Count; k++)
                for (int j = 0; j < points.Count; j++)
                    if (group[j] < 0 && points[members[k]].Distance(points[j]) <= reachM)
                    {
                        group[j] = groups.Count;
                        members.Add(j);
                    }
            groups.Add(members);
        }
        return groups.Select((g, i) => (g, i)).OrderByDescending(x => x.g.Count).ThenBy(x => x.i).Select(x => x.g).ToList();
    }
}
