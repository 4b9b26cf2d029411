using GridSpatial.GeoApi.Features.Partitions;
using GridSpatial.GeoApi.Features.Tiles;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>An API process's own publishes: its lookup index and tile stamps follow before the
/// publishing request (an edit) or job answers.</summary>
public sealed class LocalPublishRefresh(LookupIndex index, TileStamps stamps) : IPublishObserver
{
    public async Task PublishedAsync(string townshipCode, CancellationToken ct)
    {
        await stamps.RefreshAsync(townshipCode, ct);
        await index.ReloadAsync(townshipCode, ct);
    }
}
