using GoFlow.Ports.Driven;
using Microsoft.AspNetCore.Http;

namespace GoFlow.Adapters.Http.Load;

/// <summary>
/// Counts the requests this process is serving, every route included, for a worker in the same process to leave the
/// API its CPU while any is in flight (ADR 0021).
/// </summary>
internal sealed class ApiRequestsInFlight : IApiLoad
{
    private int _inFlight;

    public int RequestsInFlight => Volatile.Read(ref _inFlight);

    /// <summary>The middleware: first in the pipeline, so a request counts from the moment it is read until it is answered.</summary>
    public async Task CountAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
