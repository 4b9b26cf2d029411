namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>No people register yet: nobody is registered for any unit.</summary>
public sealed class NoPeople : INoticeMapPeople
{
    public Task<IReadOnlyList<NoticeMapPerson>> ForAsync(string code, int version, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<NoticeMapPerson>>([]);
}
