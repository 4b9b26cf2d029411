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

/// <summary>Telling a process's observers of a change: the one way both the publisher and the
/// <see cref="TownshipListener"/> do it.</summary>
public static class TownshipObservers
{
    /// <summary>Tells every observer, one after another in their order (each may rely on those before it
    /// being current). One that fails does not keep the later ones from following: the first failure not
    /// <paramref name="tolerated"/> is thrown once all have been told.</summary>
    public static async Task TellAsync(this IEnumerable<ITownshipObserver> observers, Func<ITownshipObserver, Task> tell, Func<Exception, bool>? tolerated = null)
    {
        Exception? failed = null;
        foreach (var o in observers)
        {
            try { await tell(o); }
            catch (Exception e) when (tolerated?.Invoke(e) != true) { failed ??= e; }
            catch (Exception) { }
        }
        if (failed is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
    }
}
