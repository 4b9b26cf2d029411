using System.Text.Json;
using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.Partitioner;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Features.Editing;

/// <summary>What an edit would draw, for the viewer to show on the map before publishing: the
/// territory (GeoJSON) of every unit the diff lists as added or reshaped, and every household that
/// would change micro-grid, at its location, with where it goes from and to.</summary>
public sealed record EditPreview(IReadOnlyList<EditPreview.Unit> Units, IReadOnlyList<EditPreview.MovedHousehold> Households)
{
    public sealed record Unit(string Code, string Level, string Change, JsonElement Geometry);

    public sealed record MovedHousehold(string Id, string From, string To, double Lon, double Lat);

    /// <summary>The preview of <paramref name="after"/> for the units of <paramref name="changes"/> (already limited to what the caller may see).</summary>
    public static EditPreview Of(Partition before, Partition after, IReadOnlyList<UnitChange> changes, IReadOnlyList<HouseholdInput> households,
        Func<string, bool> shown)
    {
        var territories = after.Grids.Select(g => (g.Code, g.Territory)).Concat(after.MicroGrids.Select(m => (m.Code, m.Territory)))
            .GroupBy(x => x.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Territory, StringComparer.Ordinal);
        var units = changes.Where(c => c.Change != "removed" && territories.ContainsKey(c.Code))
            .Select(c => new Unit(c.Code, c.Level, c.Change, JsonSerializer.SerializeToElement(territories[c.Code], Partitioner.Files.PartitionJson.Options)))
            .ToList();
        var old = before.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode, StringComparer.Ordinal);
        var where = households.ToDictionary(h => h.Id, h => h.Location, StringComparer.Ordinal);
        var moved = after.Assignments
            .Where(a => old.TryGetValue(a.HouseholdId, out var o) && o != a.MicroGridCode && (shown(o) || shown(a.MicroGridCode)) && where.ContainsKey(a.HouseholdId))
            .Select(a => new MovedHousehold(a.HouseholdId, old[a.HouseholdId], a.MicroGridCode, where[a.HouseholdId].X, where[a.HouseholdId].Y))
            .OrderBy(h => h.Id, StringComparer.Ordinal).ToList();
        return new EditPreview(units, moved);
    }
}
