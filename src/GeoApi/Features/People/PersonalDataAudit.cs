using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using GridSpatial.GeoApi.Features.Access;
using Npgsql;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>Every read of personal information (names and phones) leaves a row in the audit log:
/// who (the key), what (the request and the people read), when, action <c>read_personal</c>. Reads
/// are queued in memory and written in batches about every half second, so a lookup answering
/// names costs no database round trip; the queue is written out on shutdown.</summary>
public sealed class PersonalDataAudit(NpgsqlDataSource db, ILogger<PersonalDataAudit> logger) : BackgroundService
{
    public const string Action = "read_personal";

    private sealed record Entry(string? Township, string Actor, string What, long[] People, DateTime At);

    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Records that <paramref name="user"/> read the names and phones of <paramref name="people"/>
    /// (nothing when the caller may not see them or no one was read).</summary>
    public void Record(ClaimsPrincipal user, string? township, HttpRequest request, IEnumerable<long> people)
    {
        if (!user.SeesPeople()) return;
        var ids = people.Distinct().Order().ToArray();
        if (ids.Length == 0) return;
        _queue.Writer.TryWrite(new Entry(township, user.Actor(), $"{request.Method} {request.Path}{request.QueryString}", ids, DateTime.UtcNow));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Entry>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), stoppingToken);
                await FlushAsync(batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FlushAsync(batch, CancellationToken.None);
        }
    }

    private async Task FlushAsync(List<Entry> batch, CancellationToken ct)
    {
        while (_queue.Reader.TryRead(out var e)) batch.Add(e);
        if (batch.Count == 0) return;
        try
        {
            await using var cmd = db.CreateCommand("""
                INSERT INTO audit_log (township_code, at, actor, action, entity, detail)
                SELECT t, at, a, $5, 'person', jsonb_build_object('what', w, 'people', p::jsonb)
                FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $6::text[]) AS x(t, at, a, w, p)
                """);
            cmd.Parameters.AddWithValue(batch.Select(e => e.Township).ToArray());
            cmd.Parameters.AddWithValue(batch.Select(e => e.At).ToArray());
            cmd.Parameters.AddWithValue(batch.Select(e => e.Actor).ToArray());
            cmd.Parameters.AddWithValue(batch.Select(e => e.What).ToArray());
            cmd.Parameters.AddWithValue(Action);
            cmd.Parameters.AddWithValue(batch.Select(e => JsonSerializer.Serialize(e.People)).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
            batch.Clear();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            //-- Kept for the next flush: an audit row is never dropped for a passing fault, and a fault never
            //-- escapes this BackgroundService (that would stop the host).
            logger.LogWarning("Personal data audit not written yet ({Count} reads): {Message}", batch.Count, e.Message);
        }
    }
}
