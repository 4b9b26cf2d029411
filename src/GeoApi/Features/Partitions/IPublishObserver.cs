namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>Told, in the publishing process, right after a version is committed, so that what
/// this process serves (lookup index, tile stamps) follows before the publisher answers; other
/// processes follow on the <c>gridspatial_publish</c> notification.</summary>
public interface IPublishObserver
{
    Task PublishedAsync(string townshipCode, CancellationToken ct);
}
