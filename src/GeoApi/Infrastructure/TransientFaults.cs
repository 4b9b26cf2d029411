using System.Net.Sockets;
using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Which failures are the database's passing trouble rather than the request's fault:
/// a lost or refused connection, a server shutting down or starting (57P01–57P03), a
/// serialization failure or deadlock, an exhausted resource, a lock wait that timed out.
/// Found anywhere in the exception's chain, since Hangfire and other libraries wrap them.
/// Such a failure is retried where the step is idempotent and otherwise answered 503 with
/// Retry-After, never 500.</summary>
public static class TransientFaults
{
    /// <summary>What a client is told to wait before trying again, in seconds.</summary>
    public const int RetryAfterSeconds = 2;

    public static bool IsTransient(Exception? exception)
    {
        for (int depth = 0; exception is not null && depth < 16; depth++)
        {
            switch (exception)
            {
                case PostgresException p when p.IsTransient || IsTransientState(p.SqlState):
                    return true;
                case NpgsqlException { IsTransient: true }:
                    return true;
                //-- A connection the server dropped mid-result can leave the driver's protocol state broken:
                //-- it then throws from its own code ("Received backend message … while expecting …", or an
                //-- ArgumentOutOfRangeException inside NpgsqlDataReader). The database failed, not the request.
                case NpgsqlException and not PostgresException when exception.Message.Contains("while expecting", StringComparison.Ordinal):
                    return true;
                //-- (Also thrown from a framework collection that Npgsql's reader indexes, so the first frame
                //-- outside System.* decides.) Its "Internal Npgsql bug: unexpected value … of enum
                //-- BackendMessageCode" is the same desync; the driver's other InvalidOperationExceptions are misuse.
                case ArgumentOutOfRangeException when ThrownInsideNpgsql(exception):
                    return true;
                case InvalidOperationException when exception.Message.StartsWith("Internal Npgsql bug", StringComparison.Ordinal) && ThrownInsideNpgsql(exception):
                    return true;
                //-- Hangfire's DistributedLockTimeoutException (and PostgreSQL storage's lock exception) are TimeoutExceptions.
                case TimeoutException or SocketException:
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsTransient);
            }
            exception = exception.InnerException;
        }
        return false;
    }

    private static bool ThrownInsideNpgsql(Exception exception)
    {
        foreach (var frame in new System.Diagnostics.StackTrace(exception, false).GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType?.FullName;
            if (type is null || type.StartsWith("System.", StringComparison.Ordinal)) continue;
            return type.StartsWith("Npgsql.", StringComparison.Ordinal);
        }
        return false;
    }

    //-- Class 08 (connection), 53 (resources), 57P0x (shutdown, crash, starting up), 40001/40P01,
    //-- 55P03 (lock not available) and 25P02 (a transaction the broken connection left aborted).
    private static bool IsTransientState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
        || state is "57P01" or "57P02" or "57P03" or "40001" or "40P01" or "55P03" or "25P02";
}
