using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Npgsql;

namespace GridSpatial.GeoApi.Cli;

/// <summary>PostgreSQL restarted under mixed reads and writes, cycle after cycle, through every
/// API given (one with its in-process job server, one without): what every caller saw. The
/// contract it checks (issue "Trust"): no 500 ever; each write either done or answered 503 with
/// Retry-After; every API answering from the database again within 10 s of the restart; no
/// Hangfire job left without a state and no township left dirty without a job. Used by
/// <c>bench faults</c> and by the fault tests.</summary>
public sealed class FaultDrill(IReadOnlyList<HttpClient> apis, NpgsqlDataSource db, string township, IReadOnlyList<(string Id, double Lon, double Lat)> households,
    Func<CancellationToken, Task> restart)
{
    public sealed record Outcome(int Cycles, long Requests, long Ok, long Unavailable, long ServerErrors, long OtherErrors, long WritesDone, long Writes503,
        int LostWrites, int UnknownJobs, bool Settled, TimeSpan WorstRecovery, IReadOnlyList<string> Failures)
    {
        public bool Passed => ServerErrors == 0 && OtherErrors == 0 && LostWrites == 0 && UnknownJobs == 0 && Settled && WorstRecovery < TimeSpan.FromSeconds(10);
    }

    private long _requests, _ok, _unavailable, _serverErrors, _otherErrors, _writesDone, _writes503;
    private readonly ConcurrentQueue<string> _failures = new();
    //-- Per household: the value of the last write answered 2xx, and the values of writes answered 503 after it.
    private readonly ConcurrentDictionary<string, (int Confirmed, List<int> Unconfirmed)> _writes = new();

    public async Task<Outcome> RunAsync(int cycles, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int workersPerApi = 3;
        var load = Enumerable.Range(0, apis.Count * workersPerApi).Select(w => Task.Run(() => LoadAsync(apis[w % apis.Count], w, apis.Count * workersPerApi, stop.Token), ct)).ToList();
        var worst = TimeSpan.Zero;
        for (int c = 0; c < cycles; c++)
        {
            await Task.Delay(1500, ct);
            await restart(ct);
            db.Clear();
            worst = Max(worst, await RecoveryAsync(ct));
            await Task.Delay(1500, ct);
        }
        await stop.CancelAsync();
        await Task.WhenAll(load);
        int lost = await LostWritesAsync(ct);
        bool settled = await SettledAsync(TimeSpan.FromSeconds(90), ct);
        //-- A job the last restart left without a state is swept once it is StatelessJobAge old, at the next sweep.
        int unknown = await UnknownJobsAsync(Features.Partitions.RecomputeScheduler.StatelessJobAge + Features.Partitions.RecomputeScheduler.SweepInterval + TimeSpan.FromSeconds(15), ct);
        return new Outcome(cycles, _requests, _ok, _unavailable, _serverErrors, _otherErrors, _writesDone, _writes503, lost, unknown, settled, worst, [.. _failures.Take(20)]);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task LoadAsync(HttpClient http, int worker, int workers, CancellationToken ct)
    {
        int value = worker * 1_000_000;
        //-- Households are split between workers, so each household's writes are sequential.
        var own = households.Where((_, k) => k % workers == worker).ToList();
        for (long i = 0; !ct.IsCancellationRequested; i++)
        {
            var h = households[(int)((i * workers + worker) % households.Count)];
            var mine = own[(int)(i / 10 % own.Count)];
            (HttpMethod Method, string Path, string? Body) op = (i % 10) switch
            {
                0 or 1 => (HttpMethod.Get, $"/api/townships/{township}", null),
                2 => (HttpMethod.Get, $"/api/townships/{township}/report", null),
                3 or 4 => (HttpMethod.Get, FormattableString.Invariant($"/api/lookup?lon={h.Lon}&lat={h.Lat}"), null),
                5 => (HttpMethod.Get, $"/api/households/{h.Id}/grid", null),
                6 or 7 => (HttpMethod.Patch, $"/api/households/{mine.Id}", $"{{\"properties\":{{\"persons\":{++value % 1_000_000 + 1}}}}}"),
                8 => (HttpMethod.Post, $"/api/townships/{township}/partition", null),
                _ => (HttpMethod.Get, $"/api/townships/{township}/versions", null),
            };
            await SendAsync(http, op.Method, op.Path, op.Body, op.Method == HttpMethod.Patch ? (mine.Id, value % 1_000_000 + 1) : null, ct);
            try { await Task.Delay(5, ct); } catch (OperationCanceledException) { return; }
        }
    }

    private async Task SendAsync(HttpClient http, HttpMethod method, string path, string? body, (string Id, int Value)? write, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        Interlocked.Increment(ref _requests);
        using var timeout = new CancellationTokenSource(AnswerWithin);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            int status = (int)response.StatusCode;
            if (status < 400 || status == 404 && method == HttpMethod.Get) Interlocked.Increment(ref _ok);
            else if (status == 503 && response.Headers.RetryAfter is not null) Interlocked.Increment(ref _unavailable);
            else if (status >= 500) Fail(ref _serverErrors, $"{method} {path}: {status} {Truncate(await response.Content.ReadAsStringAsync(CancellationToken.None))}");
            else Fail(ref _otherErrors, $"{method} {path}: {status} {Truncate(await response.Content.ReadAsStringAsync(CancellationToken.None))}");
            if (write is { } w && method != HttpMethod.Post)
            {
                if (status < 300)
                {
                    Interlocked.Increment(ref _writesDone);
                    _writes[w.Id] = (w.Value, []);
                }
                else if (status == 503)
                {
                    Interlocked.Increment(ref _writes503);
                    _writes.AddOrUpdate(w.Id, _ => (0, [w.Value]), (_, old) => (old.Confirmed, [.. old.Unconfirmed, w.Value]));
                }
            }
        }
        catch (HttpRequestException e)
        {
            Fail(ref _otherErrors, $"{method} {path}: {e.Message}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            //-- A request left hanging is as bad as a 500: what the database was doing says why.
            Fail(ref _otherErrors, $"{method} {path}: no answer within {AnswerWithin.TotalSeconds:F0} s; {await WaitsAsync()}");
        }
    }

    /// <summary>Longer than any retry or timeout of the service (connection 15 s, command 30 s).</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(45);

    /// <summary>The sessions of this database that wait (on a lock or the client) or run, and Hangfire's lock rows.</summary>
    private async Task<string> WaitsAsync()
    {
        try
        {
            await using var cmd = db.CreateCommand("""
                SELECT coalesce(string_agg(format('[pid %s %s %s/%s for %s: %s]', pid, state, wait_event_type, wait_event, now() - xact_start, left(query, 160)), ' '), 'no session waits')
                       || '; hangfire locks: ' || coalesce((SELECT string_agg(format('%s since %s', resource, acquired), ', ') FROM hangfire.lock), 'none')
                FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
                """);
            return await cmd.ExecuteScalarAsync() as string ?? "";
        }
        catch (NpgsqlException e)
        {
            return $"database not readable: {e.Message}";
        }
    }

    private void Fail(ref long counter, string what)
    {
        Interlocked.Increment(ref counter);
        if (_failures.Count < 100) _failures.Enqueue(what);
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] : s;

    /// <summary>From the restart: until every API answers a database read (the report) with 200.</summary>
    private async Task<TimeSpan> RecoveryAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        foreach (var api in apis)
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    using var r = await api.GetAsync(new Uri($"/api/townships/{township}/report", UriKind.Relative), ct);
                    if (r.StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException) { }
                await Task.Delay(50, ct);
            }
        return clock.Elapsed;
    }

    /// <summary>Households whose stored value is neither the last confirmed write nor a later unconfirmed (503) one.</summary>
    private async Task<int> LostWritesAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, coalesce(persons, 0) FROM household WHERE township_code = $1 AND id = ANY($2)");
        cmd.Parameters.AddWithValue(township);
        cmd.Parameters.AddWithValue(_writes.Keys.ToArray());
        int lost = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (confirmed, unconfirmed) = _writes[r.GetString(0)];
            int stored = r.GetInt32(1);
            //-- Only 503s (confirmed 0): the writes may not have happened, and the old value stays.
            if (stored == confirmed || unconfirmed.Contains(stored) || confirmed == 0) continue;
            lost++;
            _failures.Enqueue($"household {r.GetString(0)}: stored {stored}, last confirmed write {confirmed}");
        }
        return lost;
    }

    /// <summary>Whether the township ends clean (its latest data published, no job waiting) within the time.</summary>
    private async Task<bool> SettledAsync(TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            await using var cmd = db.CreateCommand("SELECT dirty_since IS NULL FROM township_state WHERE township_code = $1");
            cmd.Parameters.AddWithValue(township);
            if (await cmd.ExecuteScalarAsync(ct) is true) return true;
            await Task.Delay(250, ct);
        }
        _failures.Enqueue($"township {township} still dirty after {timeout}: {await DirtyStateAsync(ct)}; {await WaitsAsync()}");
        return false;
    }

    /// <summary>The township's queue bookkeeping and the states of the jobs it names, to tell a stuck claim from a stuck job.</summary>
    private async Task<string> DirtyStateAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT format('now %s; dirty_since %s, data_version %s, enqueued_data_version %s, enqueued_at %s, queued_job_id %s (%s), last_job_id %s (%s), queued_force %s; queue rows of the queued job: %s',
                   now(), s.dirty_since, s.data_version, s.enqueued_data_version, s.enqueued_at, s.queued_job_id, q.statename, s.last_job_id, l.statename, s.queued_force,
                   (SELECT string_agg(format('%s fetched %s', jq.queue, jq.fetchedat), ', ') FROM hangfire.jobqueue jq WHERE jq.jobid = s.queued_job_id))
            FROM township_state s
            LEFT JOIN hangfire.job q ON q.id = s.queued_job_id
            LEFT JOIN hangfire.job l ON l.id = s.last_job_id
            WHERE s.township_code = $1
            """);
        cmd.Parameters.AddWithValue(township);
        return await cmd.ExecuteScalarAsync(ct) as string ?? "no township_state row";
    }

    /// <summary>Jobs without a state (created, never queued), once the sweeper has had its time.</summary>
    private async Task<int> UnknownJobsAsync(TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var cmd = db.CreateCommand("SELECT count(*) FROM hangfire.job WHERE statename IS NULL");
            var n = (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
            if (n == 0 || clock.Elapsed > timeout)
            {
                if (n > 0) _failures.Enqueue($"{n} jobs without a state after {timeout}");
                return n;
            }
            await Task.Delay(500, ct);
        }
    }

    /// <summary>Restarts the local cluster of scripts/pg.sh (fast shutdown: sessions are terminated, as in a failover).</summary>
    public static async Task RestartLocalPostgresAsync(string dataDir, CancellationToken ct)
    {
        var pgCtl = "/usr/lib/postgresql/15/bin/pg_ctl";
        var command = $"{pgCtl} -D {dataDir} restart -m fast -w -t 60 -l {dataDir}/server.log";
        var psi = Environment.UserName == "root" ? new ProcessStartInfo("su", ["postgres", "-s", "/bin/bash", "-c", command]) : new ProcessStartInfo("bash", ["-c", command]);
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync(ct);
        _ = await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"pg_ctl restart failed ({p.ExitCode}): {await error}");
    }

    public static string Describe(Outcome o) => string.Create(CultureInfo.InvariantCulture,
        $"{o.Cycles} restarts: {o.Requests:N0} requests, {o.Ok:N0} answered, {o.Unavailable:N0} × 503 with Retry-After, {o.ServerErrors} × 500, {o.OtherErrors} other errors; " +
        $"writes {o.WritesDone:N0} done, {o.Writes503:N0} × 503, {o.LostWrites} lost; jobs without a state {o.UnknownJobs}; settled {o.Settled}; worst recovery {o.WorstRecovery.TotalSeconds:F1} s");
}
