using GoFlow.Ports.Driven;
using Microsoft.Extensions.Logging;

namespace GoFlow.Application.UseCases;

/// <summary>How <see cref="ExecuteTask"/> records a result while the store may be unreachable for a while.</summary>
internal sealed partial class ExecuteTask
{
    /// <summary>The first wait before recording a result again while the store is unreachable; it doubles up to 5 s.</summary>
    private static readonly TimeSpan FirstRecordingRetry = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Writes a result, trying again while the store is unreachable (a database restart, say) so that a finished
    /// attempt is not lost to a short outage; the worker keeps the lease alive meanwhile. Stops trying when
    /// <paramref name="cancellationToken"/> fires, leaving the task to lease recovery.
    /// </summary>
    private async Task<T> RecordAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await write();
        }
        // RecordOutputAsync writes this first try out for a completion, with the same filter.
        catch (StoreUnavailableException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return await RecordAgainAsync(exception, write, cancellationToken);
        }
    }

    /// <summary>
    /// <see cref="RecordAsync{T}"/> after its first try failed with <paramref name="failure"/>: waits, doubling the
    /// wait up to 5 s, and writes again until the write succeeds or <paramref name="cancellationToken"/> fires.
    /// </summary>
    private async Task<T> RecordAgainAsync<T>(
        StoreUnavailableException failure, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        var wait = FirstRecordingRetry;
        while (true)
        {
            LogRecordingDeferred(failure, wait);
            await Task.Delay(wait, clock, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            try
            {
                return await write();
            }
            catch (StoreUnavailableException exception) when (!cancellationToken.IsCancellationRequested)
            {
                failure = exception;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The store is unreachable; recording the task's result again in {Wait}")]
    private partial void LogRecordingDeferred(Exception exception, TimeSpan wait);
}
