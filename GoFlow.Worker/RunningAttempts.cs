using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Worker;

/// <summary>
/// The attempts this process runs right now (one per claimed task), and the way to stop each: what the claim loop, the
/// lease heartbeat and shutdown share. The claim loop adds a task when it starts it and removes it when it ends; the heartbeat renews
/// the leases of the tasks listed and stops those whose lease was lost; shutdown releases the ones still listed.
/// </summary>
internal sealed class RunningAttempts
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TaskId, RunningAttempt> _running = [];
    private TaskCompletionSource? _whenEmpty;

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _running.Count == 0;
            }
        }
    }

    /// <summary>Lists <paramref name="task"/> until the returned handle is disposed.</summary>
    /// <param name="task">The task being started.</param>
    /// <param name="shutdownDeadline">Fires when the host's shutdown timeout passes; it stops the task too.</param>
    public RunningAttempt Add(ClaimedTask task, CancellationToken shutdownDeadline)
    {
        var running = new RunningAttempt(task, CancellationTokenSource.CreateLinkedTokenSource(shutdownDeadline), this);
        lock (_gate)
        {
            _running[task.Id] = running;
        }

        return running;
    }

    /// <summary>The tasks listed at this moment; any of them may end while the caller looks at the list.</summary>
    public IReadOnlyList<RunningAttempt> Snapshot()
    {
        lock (_gate)
        {
            return [.. _running.Values];
        }
    }

    /// <summary>
    /// Stops each task of <paramref name="asked"/> not in <paramref name="held"/>: its lease was taken over, so its
    /// result would be rejected anyway. A task that ended since <paramref name="asked"/> was taken is left alone.
    /// </summary>
    public void StopLost(IReadOnlyList<RunningAttempt> asked, IReadOnlySet<TaskId> held)
    {
        foreach (var lost in asked.Where(running => !held.Contains(running.Task.Id)))
        {
            if (IsListed(lost))
            {
                lost.Stop();
            }
        }
    }

    /// <summary>Completes when no task is listed, or throws when <paramref name="cancellationToken"/> fires first.</summary>
    public Task WhenEmptyAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_running.Count == 0)
            {
                return Task.CompletedTask;
            }

            _whenEmpty ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _whenEmpty.Task.WaitAsync(cancellationToken);
        }
    }

    internal void Remove(RunningAttempt running)
    {
        TaskCompletionSource? whenEmpty = null;
        lock (_gate)
        {
            // The same task id may be listed again by a later run (a hand-over that came back): only this run leaves.
            if (_running.TryGetValue(running.Task.Id, out var current) && current == running)
            {
                _running.Remove(running.Task.Id);
            }

            if (_running.Count == 0)
            {
                (whenEmpty, _whenEmpty) = (_whenEmpty, null);
            }
        }

        whenEmpty?.TrySetResult();
    }

    private bool IsListed(RunningAttempt running)
    {
        lock (_gate)
        {
            return _running.TryGetValue(running.Task.Id, out var current) && current == running;
        }
    }
}

/// <summary>An attempt in progress, listed in <see cref="RunningAttempts"/>: its claimed task and the token that stops it; disposing it takes it off the list.</summary>
internal sealed class RunningAttempt : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly RunningAttempts _list;

    internal RunningAttempt(ClaimedTask task, CancellationTokenSource cancellation, RunningAttempts list)
    {
        Task = task;
        Token = cancellation.Token;
        _cancellation = cancellation;
        _list = list;
    }

    public ClaimedTask Task { get; }

    /// <summary>The handler's token: fires at the shutdown deadline or when the heartbeat finds the lease lost.</summary>
    public CancellationToken Token { get; }

    public void Stop()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The task ended between the check and the cancel: there is nothing left to stop.
        }
    }

    public void Dispose()
    {
        _list.Remove(this);
        _cancellation.Dispose();
    }
}
