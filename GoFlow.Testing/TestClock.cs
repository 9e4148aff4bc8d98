using Microsoft.Extensions.Time.Testing;

namespace GoFlow.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows when each of its timers is due, so that <see cref="GoFlowTestHost"/>
/// can move time straight to the next one, and which of them a task handler started: a handler that awaits a timer of
/// this clock (<c>Task.Delay(delay, timeProvider, token)</c>) is waiting for time to pass, and time may then skip.
/// </summary>
/// <remarks>
/// Everything that waits in the engine waits on this clock: retry backoff (a task's due time), an attempt's timeout
/// (a <see cref="CancellationTokenSource"/> created on it) and a handler's own delays, when the handler takes
/// <see cref="TimeProvider"/> from its constructor.
/// </remarks>
internal sealed class TestClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    // Set for the duration of a handler's call (and the code it awaits), by TrackedTaskHandler: the timers created
    // meanwhile are that handler's.
    private static readonly AsyncLocal<bool> InHandler = new();

    private readonly Lock _lock = new();
    private readonly HashSet<TrackedTimer> _timers = [];
    private TaskCompletionSource _handlerWaits = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Marks the calling async flow as a handler's, until that async method returns.</summary>
    public static void EnterHandler() => InHandler.Value = true;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this, InHandler.Value);

        // Scheduled before the fake timer exists: a timer due at once may fire inside base.CreateTimer.
        tracked.Schedule(GetUtcNow(), dueTime, period);
        tracked.Inner = base.CreateTimer(
            callbackState =>
            {
                tracked.Fired();
                callback(callbackState);
            },
            state,
            dueTime,
            period);
        return tracked;
    }

    /// <summary>
    /// Completes when a timer that a running handler started is pending, that is when the handler waits for time to
    /// pass; at once if one is pending already.
    /// </summary>
    public Task WhenAHandlerWaitsAsync()
    {
        lock (_lock)
        {
            if (_timers.Any(timer => timer.IsHandlers && timer.Due is not null))
            {
                return Task.CompletedTask;
            }

            if (_handlerWaits.Task.IsCompleted)
            {
                _handlerWaits = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _handlerWaits.Task;
        }
    }

    /// <summary>Moves time to the earliest pending timer and fires it (and any others due then).</summary>
    /// <returns>False when no timer is pending: time did not move.</returns>
    public bool AdvanceToNextTimer()
    {
        DateTimeOffset? next;
        lock (_lock)
        {
            next = _timers.Where(timer => timer.Due is not null).Min(timer => timer.Due);
        }

        if (next is null)
        {
            return false;
        }

        AdvanceTo(next.Value);
        return true;
    }

    /// <summary>Moves time forward to <paramref name="moment"/>, firing the timers due until then; never back.</summary>
    public void AdvanceTo(DateTimeOffset moment)
    {
        var now = GetUtcNow();
        Advance(moment > now ? moment - now : TimeSpan.Zero);
    }

    private void Track(TrackedTimer timer)
    {
        lock (_lock)
        {
            _timers.Add(timer);
            if (timer.IsHandlers && timer.Due is not null)
            {
                _handlerWaits.TrySetResult();
            }
        }
    }

    private void Forget(TrackedTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    /// <summary>A timer of the fake clock, and when it fires next (null: not scheduled).</summary>
    private sealed class TrackedTimer(TestClock clock, bool isHandlers) : ITimer
    {
        private TimeSpan _period;

        public ITimer? Inner { get; set; }

        public bool IsHandlers { get; } = isHandlers;

        public DateTimeOffset? Due { get; private set; }

        public void Schedule(DateTimeOffset now, TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            Due = dueTime == Timeout.InfiniteTimeSpan ? null : now + dueTime;
            clock.Track(this);
        }

        public void Fired()
        {
            // A one-shot timer is done; a periodic one is due again a period after it was due.
            Due = Due is { } due && _period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan ? due + _period : null;
            clock.Track(this);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Schedule(clock.GetUtcNow(), dueTime, period);
            return Inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            clock.Forget(this);
            Inner?.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            clock.Forget(this);
            if (Inner is not null)
            {
                await Inner.DisposeAsync();
            }
        }
    }
}
