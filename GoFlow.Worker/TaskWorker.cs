using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Worker.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>
/// The claim loop: claims PENDING tasks in batches and runs each in its own DI scope, at most
/// <see cref="WorkerOptions.MaxConcurrency"/> handlers at a time. A slot taken for a claimed task also runs the next steps
/// its workflow hands over (ADR 0011), until a step hands over none; while a step's result waits for its record the slot
/// is lent to the claim loop (ADR 0041). The leases of the running tasks are kept by
/// <see cref="LeaseHeartbeat"/>, which finds them in <see cref="RunningAttempts"/>.
/// </summary>
/// <remarks>
/// Stopping is in two stages, as in Hangfire's stopping / shutdown tokens: when the host stops, the worker stops
/// claiming at once and lets the running tasks finish; when the host's shutdown timeout passes, their cancellation
/// token fires and the tasks still running are released back to PENDING without using up an attempt.
/// </remarks>
internal sealed partial class TaskWorker(
    IServiceScopeFactory scopes,
    RunningAttempts runningAttempts,
    WorkAvailableSignal workAvailable,
    WorkerLoopState loopState,
    WorkerShare share,
    IOptions<WorkerOptions> options,
    TimeProvider clock,
    ILogger<TaskWorker> logger) : BackgroundService
{
    /// <summary>How long a task cancelled at the shutdown deadline gets to release itself before the worker does it.</summary>
    private static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(2);

    private readonly WorkerOptions _options = options.Value;
    private readonly TaskSlots _slots = new(options.Value.MaxConcurrency);
    private readonly CancellationTokenSource _shutdownDeadline = new();

    /// <summary>Whether the last claim found all the tasks it asked for: more are likely waiting.</summary>
    private bool _backlog;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // base.StopAsync stops the claim loop and waits for it, and the loop waits for the running tasks.
        // It returns early when the host's shutdown deadline passes: the tasks still running are told to stop.
        await base.StopAsync(cancellationToken);
        await _shutdownDeadline.CancelAsync();
        if (runningAttempts.IsEmpty || ExecuteTask is null)
        {
            return;
        }

        // A handler that ignores its cancellation token keeps running; its task is handed back all the same, and
        // its late result is rejected, because the task is no longer held by this attempt.
        await Task.WhenAny(ExecuteTask, Task.Delay(ReleaseGrace, clock, CancellationToken.None));
        foreach (var running in runningAttempts.Snapshot())
        {
            await ReleaseAsync(running.Task);
        }
    }

    public override void Dispose()
    {
        // The host may dispose the worker while StopAsync is still running (WebApplicationFactory does), so the
        // token source is only cancelled here, never disposed: it holds no OS handle unless its wait handle is
        // asked for, which this class never does.
        _shutdownDeadline.Cancel();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        loopState.Started();
        try
        {
            await RunLoopAsync(stoppingToken);
            loopState.Ended();
        }
        catch
        {
            // The loop catches every failure of a poll; what still gets here kills it, and readiness must say so.
            loopState.Faulted();
            throw;
        }
    }

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        LogStarted(_options.WorkerId);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ClaimAndStartAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop outlives any one failed poll (a database outage, say): log, back off, go on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogPollFailed(exception, _options.ErrorBackoff);
                await DelayAsync(_options.ErrorBackoff, stoppingToken);
            }
        }

        // A step handed over and waiting for a handler slot is released rather than left waiting for one.
        _slots.EndTakingBack();

        // Every slot and recording place free means every task ended; StopAsync's deadline cancels the ones that take too long.
        await _slots.WhenAllFreeAsync();
        LogStopped(_options.WorkerId);
    }

    private async Task ClaimAndStartAsync(CancellationToken stoppingToken)
    {
        var room = await share.RoomAsync(() => _slots.Held, _options.BatchSize, _backlog, stoppingToken);
        var slots = await _slots.TakeAsync(room.Most, room.Enough, WorkerShare.Gather, clock, stoppingToken);
        IReadOnlyList<ClaimedTask> claimed;
        try
        {
            claimed = await ClaimAsync(slots, stoppingToken);
        }
        catch
        {
            _slots.Free(slots);
            throw;
        }

        _backlog = claimed.Count == slots;
        if (!_backlog)
        {
            _slots.Free(slots - claimed.Count);
        }

        foreach (var task in claimed)
        {
            // Not awaited: each task frees its slot when it ends, and the loop goes on claiming meanwhile.
            _ = RunInSlotAsync(task, stoppingToken);
        }

        if (!_backlog)
        {
            // The queue ran dry: sleep until this process queues a task or the poll interval passes.
            await workAvailable.WaitAsync(_options.PollInterval, clock, stoppingToken);
        }
    }

    private async Task<IReadOnlyList<ClaimedTask>> ClaimAsync(int slots, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var claimTasks = scope.ServiceProvider.GetRequiredService<IClaimTasks>();
        return await claimTasks.ClaimAsync(
            new ClaimTasksCommand(_options.WorkerId, slots), stoppingToken);
    }

    /// <summary>
    /// Runs <paramref name="task"/> in the slot taken for it, then each next step its workflow hands over, until a step
    /// hands over none; then frees what the chain holds. While a step's result waits for its record the chain gives its
    /// handler slot up for a recording place, and a step handed over takes one back before any new claim (ADR 0041),
    /// listed meanwhile, so its lease is renewed. A chain ends early once the worker stops claiming: a stopping worker
    /// asks for no hand-over, and the next step is left PENDING for any worker; a step already handed over that finds no
    /// free slot then is released to PENDING without running (TaskSlots.EndTakingBack).
    /// </summary>
    /// <remarks>
    /// Each step of the chain runs in this one method's loop rather than in a method of its own: every step waits for its
    /// group commit, and an async method that waits allocates its state and resumes through one more continuation, per
    /// step (docs/benchmarks.md, issue 16, round eight).
    /// </remarks>
    private async Task RunInSlotAsync(ClaimedTask task, CancellationToken stoppingToken)
    {
        var hold = new ChainHold(_slots);
        try
        {
            for (ClaimedTask? next = task; next is not null;)
            {
                var current = next;
                next = null;
                using var running = runningAttempts.Add(current, _shutdownDeadline.Token);
                // Past the deadline a release needs no handler slot: waiting for one could outlast the process.
                if (!_shutdownDeadline.IsCancellationRequested && !await hold.TakeHandlerSlotAsync())
                {
                    // The worker stopped claiming while the step waited for a handler slot, which handlers running on
                    // to the deadline (or ignoring it) could hold: the step has not started, so it is handed back to
                    // PENDING for any worker now, as a step a stopping worker does not ask to be handed (ADR 0041).
                    await ReleaseAsync(current);
                    break;
                }

                if (_shutdownDeadline.IsCancellationRequested)
                {
                    // Handed over after the shutdown deadline, when StopAsync may have released the running tasks
                    // already: hand it back now rather than start it and leave it to the lease sweep.
                    await ReleaseAsync(current);
                    break;
                }

                if (running.Token.IsCancellationRequested)
                {
                    // Its lease was lost while it waited for a handler slot.
                    LogLeaseLost(current.TaskName, current.WorkflowId.ToString(), current.Attempt);
                    break;
                }

                try
                {
                    using var logScope = logger.BeginScope(new TaskLogScope(current));
                    await using var scope = scopes.CreateAsyncScope();
                    var executeTask = scope.ServiceProvider.GetRequiredService<IExecuteTask>();
                    // A stopping worker asks for no hand-over: the next step is left PENDING for any worker.
                    var execution = await executeTask.ExecuteAsync(
                        current, handOver: !stoppingToken.IsCancellationRequested, hold.HandlerReturned, running.Token);
                    next = execution.NextTask;
                }
                catch (OperationCanceledException) when (_shutdownDeadline.IsCancellationRequested)
                {
                    await ReleaseAsync(current);
                }
                catch (OperationCanceledException) when (running.Token.IsCancellationRequested)
                {
                    // The heartbeat found the lease gone: another worker holds the task now, or its workflow was
                    // cancelled, and this attempt's result would be rejected anyway.
                    LogLeaseLost(current.TaskName, current.WorkflowId.ToString(), current.Attempt);
                }
#pragma warning disable CA1031 // One task's failure must never stop the others or the loop.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    // At-least-once: whatever was not recorded runs again once the task's lease has ended.
                    LogTaskCrashed(exception, current.TaskName, current.WorkflowId.ToString(), current.Attempt);
                }
            }
        }
        finally
        {
            hold.Free();
        }
    }

    private async Task ReleaseAsync(ClaimedTask task)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var releaseTask = scope.ServiceProvider.GetRequiredService<IReleaseTask>();
            if (await releaseTask.ReleaseAsync(task, CancellationToken.None))
            {
                LogReleased(task.TaskName, task.WorkflowId.ToString(), task.Attempt);
            }
        }
#pragma warning disable CA1031 // Stopping goes on; an unreleased task is taken back by the lease sweep when its lease ends.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogReleaseFailed(exception, task.TaskName, task.WorkflowId.ToString());
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, clock, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the loop ends on its next check.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId} started")]
    private partial void LogStarted(string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId} stopped")]
    private partial void LogStopped(string workerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming tasks failed; trying again in {Backoff}")]
    private partial void LogPollFailed(Exception exception, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Task {TaskName} of workflow {WorkflowId}, attempt {Attempt}, was released by shutdown; it runs again without using up an attempt")]
    private partial void LogReleased(string taskName, string workflowId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Task {TaskName} of workflow {WorkflowId} could not be released; it runs again after its lease ends")]
    private partial void LogReleaseFailed(Exception exception, string taskName, string workflowId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Task {TaskName} of workflow {WorkflowId}, attempt {Attempt}, was stopped: its lease was lost")]
    private partial void LogLeaseLost(string taskName, string workflowId, int attempt);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Task {TaskName} of workflow {WorkflowId}, attempt {Attempt}, could not be recorded; it runs again after its lease ends")]
    private partial void LogTaskCrashed(Exception exception, string taskName, string workflowId, int attempt);
}
