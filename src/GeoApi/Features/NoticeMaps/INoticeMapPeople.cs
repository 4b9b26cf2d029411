namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>The responsible people (网格长, 网格员, …) a notice map lists for a unit. The people
/// register is another feature: it provides an implementation; until then <see cref="NoPeople"/>
/// answers none and the page says 未登记 (not registered).</summary>
public interface INoticeMapPeople
{
    /// <summary>The people of the unit <paramref name="code"/> (a grid or village) at
    /// <paramref name="version"/>, in the order the page lists them.</summary>
    Task<IReadOnlyList<NoticeMapPerson>> ForAsync(string code, int version, CancellationToken ct);
}
