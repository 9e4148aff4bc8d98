using System.Diagnostics.Metrics;

namespace GoFlow.Ports.Driven;

/// <summary>
/// How every store runs a transaction that its database may roll back as a transient conflict: a deadlock, a lock wait
/// timeout, a write lock still busy after the busy timeout, or any other error the database documents as "the
/// transaction was rolled back, run it again". The store runs the whole transaction again, at once, up to
/// <see cref="MaxAttempts"/> times with a short jittered backoff, so that a conflict never reaches a caller as a failure
/// of its own: a group commit is retried as a group, an API request inside the request. A conflict that outlasts the
/// attempts becomes <see cref="StoreUnavailableException"/>, which callers already treat as temporary (the worker writes
/// the result again later while it keeps the lease alive, the API answers 503 with Retry-After).
/// </summary>
/// <remarks>
/// One policy for every store, written once here so that the stores cannot drift; which errors are transient conflicts
/// is each store's to say, since only it knows its database's codes.
/// </remarks>
public static class TransientConflictRetry
{
    /// <summary>How many times a transaction runs before a persisting conflict is given up to the caller: 5.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The engine's meter (the name every GoFlow instrument is published under).</summary>
    public const string MeterName = "GoFlow";

    /// <summary>The counter of transactions run again after a transient conflict, tagged with the store.</summary>
    public const string RetriesInstrument = "goflow.store.transaction.retries";

    /// <summary>The wait before the second run: 10 ms, doubling before each further run, its second half random.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(10);

    // A static meter rather than one from IMeterFactory: the stores are created by their own registration and this
    // counter is the only instrument they publish; listeners subscribe by name either way.
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        RetriesInstrument, "{transaction}", "Store transactions run again after a transient conflict (deadlock, lock wait timeout, busy).");

    /// <summary>
    /// Runs <paramref name="transaction"/>, which must open, run and commit a whole transaction of its own, again while
    /// it fails with an error <paramref name="isTransientConflict"/> accepts.
    /// </summary>
    /// <param name="store">The store's name, for the counter's tag and the message.</param>
    /// <param name="database">Which database of that store, for the message (a file's path, say); null when it goes without saying.</param>
    /// <exception cref="StoreUnavailableException">The conflict persisted through <see cref="MaxAttempts"/> runs.</exception>
    public static async Task<T> RunAsync<T>(
        Func<Task<T>> transaction, Func<Exception, bool> isTransientConflict, string store, string? database = null)
    {
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction();
            }
            catch (Exception exception) when (isTransientConflict(exception))
            {
                if (attempt >= MaxAttempts)
                {
                    throw new StoreUnavailableException(
                        $"The {store} database {database}{(database is null ? "" : " ")}rolled the transaction back as a conflict " +
                        $"{MaxAttempts} times in a row: {exception.Message}",
                        exception);
                }

                Retries.Add(1, new KeyValuePair<string, object?>("store", store));
                var jittered = (backoff / 2) + (backoff / 2 * Random.Shared.NextDouble());
                // Not cancellable: the waits are a few milliseconds, and a transaction already begun is best finished.
                await Task.Delay(jittered, CancellationToken.None);
                backoff *= 2;
            }
        }
    }
}
