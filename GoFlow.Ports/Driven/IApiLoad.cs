namespace GoFlow.Ports.Driven;

/// <summary>
/// How many requests the API in this process is serving now, so that a worker in the same process can leave it the
/// CPU it needs (ADR 0021). Zero when this process serves no API.
/// </summary>
public interface IApiLoad
{
    /// <summary>Requests received and not yet answered, at this instant.</summary>
    int RequestsInFlight { get; }
}
