namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Something a process serves from memory about townships (the lookup index, the tile
/// stamps) and keeps current: loaded whole at start-up and after a lost notification connection,
/// then told of each township that published a version or whose data changed — by the
/// <see cref="TownshipListener"/> for every process, and by the publishing process itself right
/// after its commit, so it follows before the publisher answers. Both tell the observers one after
/// another in the order they were registered, so one may rely on another being current first.</summary>
public interface ITownshipObserver
{
    Task LoadAllAsync(CancellationToken ct);

    Task PublishedAsync(string townshipCode, CancellationToken ct);

    Task DataChangedAsync(string townshipCode, CancellationToken ct);

    /// <summary>A new data version of the township: its households changed (an edit or import) or its
    /// nesting choice did; nothing else. An observer that holds neither need not reload. By default a data change.</summary>
    Task HouseholdsChangedAsync(string townshipCode, CancellationToken ct) => DataChangedAsync(townshipCode, ct);
}
