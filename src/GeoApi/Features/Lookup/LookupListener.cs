using Npgsql;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>Keeps the lookup index current across processes: loads it at start-up, then
/// LISTENs on <c>gridspatial_publish</c> (sent in the publishing transaction) and reloads the
/// township named. After a lost connection it reloads everything, since notifications may have
/// been missed meanwhile.</summary>
public sealed class LookupListener(NpgsqlDataSource db, LookupIndex index, ILogger<LookupListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                var pending = new List<string>();
                conn.Notification += (_, e) =>
                {
                    lock (pending) pending.Add(e.Payload.Split(':')[0]);
                };
                await using (var listen = new NpgsqlCommand("LISTEN gridspatial_publish", conn))
                    await listen.ExecuteNonQueryAsync(ct);
                await index.LoadAllAsync(ct);
                while (!ct.IsCancellationRequested)
                {
                    await conn.WaitAsync(TimeSpan.FromSeconds(30), ct);
                    string[] townships;
                    lock (pending)
                    {
                        townships = pending.Distinct().ToArray();
                        pending.Clear();
                    }
                    foreach (var t in townships) await index.ReloadAsync(t, ct);
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
