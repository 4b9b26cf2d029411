namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Registers the recurring jobs (each feature's registration, given by the host) once the
/// service is up, not while it starts. Registering takes Hangfire's lock on each job, and a process
/// killed while it held one (a worker killed mid-schedule, a node lost) leaves the lock behind until
/// it is swept (<see cref="HangfireLockSweep"/>; before that, until <c>DistributedLockTimeout</c>, 10
/// minutes): registering at start-up then threw after Hangfire's wait and the process exited, again on
/// every restart until the lock went. Here the service
/// answers at once and the registration is retried until it holds (the previous registration,
/// stored in the database, stays in force meanwhile).</summary>
public sealed class RecurringJobRegistration(IServiceProvider services, IConfiguration config,
    IReadOnlyList<Action<IServiceProvider, IConfiguration>> registrations, ILogger<RecurringJobRegistration> logger) : BackgroundService
{
    /// <summary>Between attempts after a lock held elsewhere or a database fault.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        //-- Hangfire's registration blocks (up to its lock wait): off the start-up path.
        await Task.Yield();
        for (int attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Run(() =>
                {
                    foreach (var register in registrations) register(services, config);
                }, stoppingToken);
                logger.LogInformation("Recurring jobs registered ({Attempts} attempt(s)).", attempt);
                return;
            }
            catch (Exception e) when (TransientFaults.IsTransient(e))
            {
                if (attempt == 1 || attempt % 12 == 0)
                    logger.LogWarning("Recurring jobs not registered yet (attempt {Attempt}): {Reason}; the stored schedule stays in force, retrying every {Delay} s.",
                        attempt, e.Message, RetryDelay.TotalSeconds);
            }
            try { await Task.Delay(RetryDelay, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
