using GoFlow.Ports.Driven;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// Turns the driver's "the server cannot be reached" failures (down, refusing, restarting, the connection lost in the
/// middle of a command) into the port's <see cref="StoreUnavailableException"/>, which callers treat as temporary: the
/// worker backs off, the API answers 503. Every public method of the two stores runs through <see cref="RunAsync{T}"/>,
/// which also runs a transaction the server rolled back as a conflict (a deadlock, a lock wait timeout) again, whole
/// (<see cref="TransientConflictRetry"/>): each operation opens, runs and commits its own transaction inside it.
/// A write the server refuses as larger than its packet limit becomes <see cref="PayloadTooLargeForStoreException"/>:
/// the connection is lost with it, but trying again cannot help. Anything else (a broken invariant, bad SQL, a
/// constraint) passes through unchanged: it is a bug, not an outage.
/// </summary>
internal static class MySqlAvailability
{
    // MariaDB's ER_CONNECTION_KILLED ("Connection was killed"), sent when a server shuts down or an admin kills the
    // session; MySqlErrorCode has no name for it.
    private const int MariaDbConnectionKilled = 1927;

    private static readonly HashSet<MySqlErrorCode> ServerUnavailableCodes =
    [
        MySqlErrorCode.UnableToConnectToHost,
        MySqlErrorCode.ServerShutdown,
        MySqlErrorCode.ConnectionCountError,
        MySqlErrorCode.ClientInteractionTimeout,
        (MySqlErrorCode)MariaDbConnectionKilled,
    ];

    public static async Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await TransientConflictRetry.RunAsync(operation, IsTransientConflict, "MySQL");
        }
        catch (Exception exception) when (IsPacketTooLarge(exception))
        {
            throw new PayloadTooLargeForStoreException(
                $"The MySQL server refused the write as larger than its max_allowed_packet: {exception.Message}", exception);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            throw new StoreUnavailableException($"The MySQL database cannot be reached: {exception.Message}", exception);
        }
    }

    public static Task RunAsync(Func<Task> operation) =>
        RunAsync(async () =>
        {
            await operation();
            return true;
        });

    /// <summary>
    /// Whether the server rolled the transaction back and asks for it to be run again: a deadlock (1213, the whole
    /// transaction rolled back) or a lock wait timeout (1205, the statement rolled back; the retry rolls back the rest
    /// when it disposes the transaction). A packet too large, a constraint or bad SQL is not one: running it again
    /// cannot help.
    /// </summary>
    public static bool IsTransientConflict(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    /// <summary>
    /// Whether <paramref name="exception"/> is the server's or the driver's "packet too large". The driver reports it
    /// with the failed socket write inside, which <see cref="IsConnectionFailure"/> would take for an outage.
    /// </summary>
    public static bool IsPacketTooLarge(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.PacketTooLarge };

    /// <summary>Whether <paramref name="exception"/>, or any exception inside it, says the server could not be reached.</summary>
    public static bool IsConnectionFailure(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case MySqlException mySql when ServerUnavailableCodes.Contains(mySql.ErrorCode):
                // The transport failed: refused, reset, or closed halfway through a response (EndOfStreamException).
                case System.Net.Sockets.SocketException:
                case IOException:
                case MySqlProtocolException:
                    return true;
                default:
                    continue;
            }
        }

        return false;
    }
}
