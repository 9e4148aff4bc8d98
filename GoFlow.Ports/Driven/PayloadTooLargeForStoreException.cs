namespace GoFlow.Ports.Driven;

/// <summary>
/// Thrown by a store when its database refused a write as too large (MySQL's <c>max_allowed_packet</c>). Unlike
/// <see cref="StoreUnavailableException"/> it is not temporary: the same write fails the same way every time, so the
/// worker fails the task for good and the HTTP API answers 413.
/// </summary>
public sealed class PayloadTooLargeForStoreException : Exception
{
    public PayloadTooLargeForStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
