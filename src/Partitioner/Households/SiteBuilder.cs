using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Households;

/// <summary>Groups households into sites: same <c>building_id</c>, or within
/// <see cref="PartitionOptions.SiteMergeDistanceM"/> of each other (transitively).
/// The result is ordered by site key and independent of the input order.</summary>
public sealed class SiteBuilder(PartitionOptions options)
{
    public IReadOnlyList<Site> Build(IReadOnlyList<Household> households)
    {
        var sorted = households.OrderBy(h => h.Id, StringComparer.Ordinal).ToArray();
        var parent = Enumerable.Range(0, sorted.Length).ToArray();
        int Find(int i)
        {
            while (parent[i] != i) i = parent[i] = parent[parent[i]];
            return i;
        }
        void Union(int a, int b)
        {
            a = Find(a);
            b = Find(b);
            if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
        }

        var firstOfBuilding = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < sorted.Length; i++)
        {
            var b = sorted[i].BuildingId;
            if (string.IsNullOrEmpty(b)) continue;
            if (firstOfBuilding.TryGetValue(b, out var j)) Union(i, j);
            else firstOfBuilding[b] = i;
        }

        //-- At least a centimetre: locations are deduplicated at that resolution, and two sites
        // never share a Voronoi generator.
        double d = Math.Max(options.SiteMergeDistanceM, 0.01);
        {
            var cells = new Dictionary<(long, long), List<int>>();
            for (int i = 0; i < sorted.Length; i++)
            {
                var c = sorted[i].Location;
                var key = ((long)Math.Floor(c.X / d), (long)Math.Floor(c.Y / d));
                for (long dx = -1; dx <= 1; dx++)
                for (long dy = -1; dy <= 1; dy++)
                {
                    if (!cells.TryGetValue((key.Item1 + dx, key.Item2 + dy), out var near)) continue;
                    foreach (var j in near)
                        if (sorted[j].Location.Distance(c) <= d) Union(i, j);
                }
                if (!cells.TryGetValue(key, out var list)) cells[key] = list = [];
                list.Add(i);
            }
        }

        return Enumerable.Range(0, sorted.Length)
            .GroupBy(Find)
            .Select(g => MakeSite(g.Select(i => sorted[i]).ToList()))
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .ToList();
    }

    private Site MakeSite(List<Household> members)
    {
        //-- Locations are deduplicated at centimetre resolution: a Voronoi generator each.
        var locations = members
            .Select(h => new Coordinate(Math.Round(h.Location.X, 2), Math.Round(h.Location.Y, 2)))
            .Distinct()
            .OrderBy(c => c.X).ThenBy(c => c.Y)
            .ToList();
        var key = members.Select(h => h.BuildingId).Where(b => !string.IsNullOrEmpty(b)).Order(StringComparer.Ordinal).FirstOrDefault()
            ;
        key = key is null ? "h:" + members[0].Id : "b:" + key;
        return new Site(key, members, locations, members.Count >= options.BuildingMinHouseholds);
    }
}
