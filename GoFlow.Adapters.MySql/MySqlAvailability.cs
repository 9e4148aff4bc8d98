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
/// the connection is lost with it, but trying again cannot help (<see cref="IsPacketTooLarge"/>). Anything else (a
/// broken invariant, bad SQL, a constraint) passes through unchanged: it is a bug, not an outage.
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
            return await RunAgainIfCutOffAsync(operation);
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
    /// Runs <paramref name="operation"/> (again on a conflict), and once more when a large statement of it was cut off
    /// (<see cref="IsLargeWriteCutOff"/>): either the server hung up on a statement over its packet limit, or the
    /// connection was lost while a large one was on its way. A statement too large is cut off again (or refused with
    /// the server's own error), while an outage shows as one the second time (the next connection fails) or has
    /// passed; so a lost connection never fails a task for good.
    /// </summary>
    private static async Task<T> RunAgainIfCutOffAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await TransientConflictRetry.RunAsync(operation, IsTransientConflict, "MySQL");
        }
        catch (Exception exception) when (IsLargeWriteCutOff(exception))
        {
            return await TransientConflictRetry.RunAsync(operation, IsTransientConflict, "MySQL");
        }
    }

    /// <summary>
    /// Whether the server rolled the transaction back and asks for it to be run again: a deadlock (1213, the whole
    /// transaction rolled back) or a lock wait timeout (1205, the statement rolled back; the retry rolls back the rest
    /// when it disposes the transaction). A packet too large, a constraint or bad SQL is not one: running it again
    /// cannot help.
    /// </summary>
    public static bool IsTransientConflict(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    /// <summary>
    /// Whether <paramref name="exception"/> says the server refused a statement as larger than its max_allowed_packet:
    /// the server's own error (ER_NET_PACKET_TOO_LARGE), which the client reads when it finished sending before the
    /// server hung up; or, once the operation was run again (<see cref="RunAsync{T}"/>), the driver's
    /// <see cref="IsLargeWriteCutOff"/>, which is what the client gets when the server hangs up while the statement is
    /// still being sent (the larger it is, the likelier). Both come with the connection lost, which
    /// <see cref="IsConnectionFailure"/> would take for an outage.
    /// </summary>
    public static bool IsPacketTooLarge(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.PacketTooLarge } || IsLargeWriteCutOff(exception);

    /// <summary>
    /// Whether <paramref name="exception"/> is the driver's "Error submitting N MB packet; ensure 'max_allowed_packet' is
    /// greater than N MB": MySqlConnector raises it, with no server error code and the failed socket write inside,
    /// when sending a statement of more than 4 MiB fails at the transport. That is what a statement over the server's
    /// packet limit gets, and also what a connection lost while a large statement is sent gets: the driver cannot tell
    /// them apart, and neither can one failure. Its message is the only sign of it (MySqlAvailabilityTests pins it
    /// against the server).
    /// </summary>
    public static bool IsLargeWriteCutOff(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.None, InnerException: { } transport } driver
        && driver.Message.Contains("'max_allowed_packet'", StringComparison.Ordinal)
        && IsConnectionFailure(transport);

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
