using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Tests.Infrastructure;

/// <summary>What a PostgreSQL restart makes the driver throw is answered 503, not 500 (a fresh-clone
/// fault drill got three 500s: Npgsql, reading from a connection the restart broke, threw
/// "Received backend message BindComplete while expecting ReadyForQueryMessage" and an
/// ArgumentOutOfRangeException from inside its data reader); errors the server reports stay the request's.</summary>
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
}
