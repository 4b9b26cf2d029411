using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Keeps every <see cref="ITownshipObserver"/> of this process current across processes:
/// LISTENs on <c>gridspatial_publish</c> (sent in a publishing transaction) and
/// <c>gridspatial_data</c> (household, village or boundary changes; a payload with a data version
/// after the code is a new data version: households or the nesting choice only), and tells the observers of
/// each township named. After a lost connection the observers load everything again, since
/// notifications may have been missed meanwhile.</summary>
public sealed class TownshipListener(NpgsqlDataSource db, IEnumerable<ITownshipObserver> observers, ILogger<TownshipListener> logger) : BackgroundService
{
    public const string PublishChannel = "gridspatial_publish", DataChannel = "gridspatial_data";

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                //-- A data notification "code:dataVersion" is a new data version (households); "code" alone any other change.
                var pending = new List<(string Channel, string Township, bool Households)>();
                conn.Notification += (_, e) =>
                {
                    var parts = e.Payload.Split(':');
                    lock (pending) pending.Add((e.Channel, parts[0], parts.Length > 1));
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {PublishChannel}; LISTEN {DataChannel}", conn))
                    await listen.ExecuteNonQueryAsync(ct);
                await observers.TellAsync(o => o.LoadAllAsync(ct));
                while (!ct.IsCancellationRequested)
                {
                    await conn.WaitAsync(TimeSpan.FromSeconds(30), ct);
                    (string Channel, string Township, bool Households)[] changes;
                    lock (pending)
                    {
                        changes = pending.Distinct().ToArray();
                        pending.Clear();
                    }
                    //-- Each township once per batch: a publish (which observers treat as a data change too) wins,
                    //-- then any change beyond households.
                    foreach (var g in changes.GroupBy(c => c.Township, StringComparer.Ordinal))
                    {
                        bool published = g.Any(c => c.Channel == PublishChannel), householdsOnly = g.All(c => c.Households);
                        await observers.TellAsync(o => published ? o.PublishedAsync(g.Key, ct)
                            : householdsOnly ? o.HouseholdsChangedAsync(g.Key, ct) : o.DataChangedAsync(g.Key, ct));
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (TransientFaults.IsTransient(e))
            {
                logger.LogWarning("Township listener lost the database; retrying: {Message}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
            catch (Exception e)
            {
                //-- Anything else (a reader broken mid-restart has thrown ArgumentOutOfRangeException from
                //-- inside Npgsql, an observer may fail): listen again and reload, never stop the host —
                //-- a BackgroundService that throws takes the whole API down with it.
                logger.LogError(e, "Township listener failed; listening again and reloading");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }
}
