using System.Collections.Concurrent;
using GridSpatial.GeoApi.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridSpatial.GeoApi.Tests.Infrastructure;

/// <summary>The listener that keeps every process's memory current must outlive whatever an observer
/// or a half-broken connection throws: a fresh-clone run lost its API when a tile-stamp refresh, reading
/// while PostgreSQL restarted, threw ArgumentOutOfRangeException from inside Npgsql and the
/// BackgroundService's exception stopped the host.</summary>
[Collection("db")]
public class TownshipListenerTests(DatabaseFixture db)
{
    /// <summary>Throws the first time it hears of a township, then records what it hears.</summary>
    private sealed class FailingOnce : ITownshipObserver
    {
        public int Loads;
        public readonly ConcurrentQueue<string> Heard = new();
        private int _calls;

        public Task LoadAllAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref Loads);
            return Task.CompletedTask;
        }

        public Task PublishedAsync(string townshipCode, CancellationToken ct) => DataChangedAsync(townshipCode, ct);

        public Task DataChangedAsync(string townshipCode, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _calls) == 1) throw new ArgumentOutOfRangeException(nameof(townshipCode), "thrown by the test");
            Heard.Enqueue(townshipCode);
            return Task.CompletedTask;
        }
    }

    private async Task NotifyAsync(string payload)
    {
        await using var cmd = db.Db.CreateCommand($"SELECT pg_notify('{TownshipListener.DataChannel}', $1)");
        cmd.Parameters.AddWithValue(payload);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task Until(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 30 s: {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task ObserverThrowingAnything_ListenerReloadsAndKeepsListening_WithoutStopping()
    {
        var observer = new FailingOnce();
        var listener = new TownshipListener(db.Db, [observer], NullLogger<TownshipListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            await Until(() => observer.Loads >= 1, "the first load");
            await NotifyAsync("990000901:1");
            await Until(() => observer.Loads >= 2, "a reload after the observer threw");
            await NotifyAsync("990000902:1");
            await Until(() => observer.Heard.Contains("990000902"), "the next notification heard");
            Assert.False(listener.ExecuteTask!.IsCompleted, "the listener stopped");
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Records which kind of change it heard of each township.</summary>
    private sealed class Recording : ITownshipObserver
    {
        public readonly ConcurrentQueue<string> Heard = new();
        public int Loads;

        public Task LoadAllAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref Loads);
            return Task.CompletedTask;
        }

        public Task PublishedAsync(string townshipCode, CancellationToken ct) => Record("published", townshipCode);
        public Task DataChangedAsync(string townshipCode, CancellationToken ct) => Record("data", townshipCode);
        public Task HouseholdsChangedAsync(string townshipCode, CancellationToken ct) => Record("households", townshipCode);

        private Task Record(string kind, string township)
        {
            Heard.Enqueue($"{kind} {township}");
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ANewDataVersion_IsAHouseholdsChange_AnyOtherDataNotificationADataChange()
    {
        //-- The people snapshot holds no households: an edit of one must not reload it (#21: lookups while editing).
        var observer = new Recording();
        var listener = new TownshipListener(db.Db, [observer], NullLogger<TownshipListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            //-- Loaded once LISTEN is in place.
            await Until(() => observer.Loads >= 1, "the first load");
            await NotifyAsync("990000903:5");
            await Until(() => observer.Heard.Contains("households 990000903"), "a households change");
            await NotifyAsync("990000904");
            await Until(() => observer.Heard.Contains("data 990000904"), "a data change");
            Assert.DoesNotContain("data 990000903", observer.Heard);
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Tell_AnObserverThatThrows_DoesNotKeepTheLaterOnesFromFollowing_ItsFailureComesAfterThem()
    {
        //-- As in ApiHost: the people snapshot before the lookup index; the first failing must not leave lookups stale.
        var (failing, later) = (new FailingOnce(), new Recording());
        ITownshipObserver[] observers = [failing, later];
        var thrown = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => observers.TellAsync(o => o.PublishedAsync("990000905", CancellationToken.None)));
        Assert.Contains("thrown by the test", thrown.Message);
        Assert.Equal(["published 990000905"], later.Heard);

        //-- What the caller tolerates (the publisher: a database error, the notification reloads) is not thrown.
        var again = new FailingOnce();
        await ((ITownshipObserver[])[again, later]).TellAsync(o => o.PublishedAsync("990000906", CancellationToken.None), tolerated: e => e is ArgumentException);
        Assert.Equal(["published 990000905", "published 990000906"], later.Heard);
    }
}
