using GridSpatial.GeoApi.Features.NoticeMaps;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>The people register behind the notice maps' 网格员 section: a grid's responsible people
/// (inherited ones included, as lookups answer them), a village's page lists those of its grids, each
/// with the grid's short serial. Through <see cref="ResponsiblePeople"/>: names and phones only for
/// keys with the <c>people</c> permission (roles for the others), every read audited.</summary>
public sealed class NoticeMapPeople(UnitDirectory units, ResponsiblePeople responsible) : INoticeMapPeople
{
    public async Task<IReadOnlyList<NoticeMapPerson>> ForAsync(HttpContext http, string code, int version, CancellationToken ct)
    {
        var township = code[..9];
        bool village = code.Length == 12;
        List<string> grids = village
            ? (await units.ForAsync(township, ct, version)).Current.Values.Where(u => u.Level == "grid" && u.VillageCode == code)
                .Select(u => u.Code).Order(StringComparer.Ordinal).ToList()
            : [code];
        if (grids.Count == 0) return [];
        var people = await responsible.ForUnitsAsync(http, township, grids, version, ct);
        return grids.SelectMany(g => people[g].People.Select(p => new NoticeMapPerson(p.RoleLabel, p.Name, p.Phone, village ? $"第{g[^3..]}网格" : null))).ToList();
    }
}
