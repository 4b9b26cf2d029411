namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>The responsible people (网格长, 网格员, …) a notice map lists for a unit, as the caller may
/// see them: names and phones only for keys with the <c>people</c> permission, roles for the others.
/// The people register provides it (<c>People/NoticeMapPeople</c>).</summary>
public interface INoticeMapPeople
{
    /// <summary>The people of the unit <paramref name="code"/> (a grid, or a village's grids) at
    /// <paramref name="version"/>, in the order the page lists them, for the caller of <paramref name="http"/>.</summary>
    Task<IReadOnlyList<NoticeMapPerson>> ForAsync(HttpContext http, string code, int version, CancellationToken ct);
}
