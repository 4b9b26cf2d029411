using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Tests.Infrastructure;

/// <summary>What a PostgreSQL restart makes the driver throw is answered 503, not 500 (a fresh-clone
/// fault drill got three 500s: Npgsql, reading from a connection the restart broke, threw
/// "Received backend message BindComplete while expecting ReadyForQueryMessage" and an
/// ArgumentOutOfRangeException from inside its data reader; later, an out-of-range from a list its
/// reader indexed and "Internal Npgsql bug: unexpected value 77 of enum BackendMessageCode"); errors
/// the server reports, and our own code's, stay the request's.</summary>
public class TransientFaultsTests
{
    [Fact]
    public void IsTransient_DriverProtocolDesyncAfterARestart_IsTheDatabasesFault()
    {
        var desync = new NpgsqlException("Received backend message BindComplete while expecting ReadyForQueryMessage. Please file a bug.");
        Assert.True(TransientFaults.IsTransient(desync));
        Assert.True(TransientFaults.IsTransient(new InvalidOperationException("wrapped", desync)));
    }

    [Fact]
    public void IsTransient_OutOfRangeFromOurOwnCode_IsNot()
    {
        Exception thrown;
        try { _ = new List<int>()[1]; throw new InvalidOperationException("unreachable"); }
        catch (ArgumentOutOfRangeException e) { thrown = e; }
        Assert.False(TransientFaults.IsTransient(thrown));
        Assert.False(TransientFaults.IsTransient(new NpgsqlException("Connection string is not valid")));
    }

    [Fact]
    public void IsTransient_OutOfRangeFromAFrameworkListThatTheDriverIndexed_IsTheDatabasesFault()
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => Npgsql.DriverFrames.IndexPastTheEnd());
        Assert.True(TransientFaults.IsTransient(thrown));
    }

    [Fact]
    public void IsTransient_DriverInternalBugOnADesync_IsTheDatabasesFault_ButNotTheSameTextFromOurCode()
    {
        var desync = Assert.Throws<InvalidOperationException>(() => Npgsql.DriverFrames.InternalBug());
        Assert.True(TransientFaults.IsTransient(desync));
        Exception ours;
        try { throw new InvalidOperationException("Internal Npgsql bug: unexpected value 77 of enum BackendMessageCode."); }
        catch (InvalidOperationException e) { ours = e; }
        Assert.False(TransientFaults.IsTransient(ours));
    }
}
