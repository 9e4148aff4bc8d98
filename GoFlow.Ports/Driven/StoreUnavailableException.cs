namespace GoFlow.Ports.Driven;

/// <summary>
/// Thrown by a store when it cannot reach its database (down, restarting, unreachable), or when its database kept
/// rolling a transaction back as a transient conflict through every run of <see cref="TransientConflictRetry"/>.
/// Nothing of the failed operation was written. Callers treat it as temporary: the worker backs off and polls again
/// (or writes a finished result again), the HTTP API answers 503 with Retry-After.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
