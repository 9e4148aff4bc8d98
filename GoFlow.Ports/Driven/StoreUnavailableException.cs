namespace GoFlow.Ports.Driven;

/// <summary>
/// Thrown by a store when it cannot reach its database (down, restarting, unreachable). Callers treat it as
/// temporary: the worker backs off and polls again, the HTTP API answers 503.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
