using GridSpatial.GeoApi.Features.Tiles;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>Keeps the lookup index current across processes: loads it at start-up, then
/// LISTENs on <c>gridspatial_publish</c> (sent in the publishing transaction) and reloads the
/// township named. After a lost connection it reloads everything, since notifications may have
/// been missed meanwhile. It also LISTENs on <c>gridspatial_data</c> (household or boundary
/// changes) and keeps the tile stamps current.</summary>
public sealed class LookupListener(NpgsqlDataSource db, LookupIndex index, TileStamps stamps, ILogger<LookupListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                var pending = new List<(string Channel, string Township)>();
                conn.Notification += (_, e) =>
                {
                    lock (pending) pending.Add((e.Channel, e.Payload.Split(':')[0]));
                };
                await using (var listen = new NpgsqlCommand("LISTEN gridspatial_publish; LISTEN gridspatial_data", conn))
                    await listen.ExecuteNonQueryAsync(ct);
                await index.LoadAllAsync(ct);
                await stamps.LoadAllAsync(ct);
                while (!ct.IsCancellationRequested)
                {
                    await conn.WaitAsync(TimeSpan.FromSeconds(30), ct);
                    (string Channel, string Township)[] changes;
                    lock (pending)
                    {
                        changes = pending.Distinct().ToArray();
                        pending.Clear();
                    }
                    foreach (var t in changes.Where(c => c.Channel == "gridspatial_publish").Select(c => c.Township).Distinct())
                        await index.ReloadAsync(t, ct);
                    foreach (var t in changes.Select(c => c.Township).Distinct())
                        await stamps.RefreshAsync(t, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                logger.LogWarning(e, "Lookup listener lost the database; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }
}
