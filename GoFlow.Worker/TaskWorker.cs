using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>
/// Claims PENDING tasks in batches and runs each in its own DI scope, at most <see cref="WorkerOptions.MaxConcurrency"/>
/// at a time. Stopping the host stops claiming at once; the tasks already running get the host's shutdown timeout
/// to finish, then their cancellation token fires.
/// </summary>
internal sealed partial class TaskWorker(
    IServiceScopeFactory scopes,
    WorkAvailableSignal workAvailable,
    IOptions<WorkerOptions> options,
    TimeProvider clock,
    ILogger<TaskWorker> logger) : BackgroundService
{
    private readonly WorkerOptions _options = options.Value;
    private readonly SemaphoreSlim _freeSlots = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);
    private readonly CancellationTokenSource _cancelRunningTasks = new();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // base.StopAsync stops the claim loop and waits for it, and the loop waits for the running tasks.
        // It returns early when the host's shutdown deadline passes: the tasks still running are told to stop.
        await base.StopAsync(cancellationToken);
        await _cancelRunningTasks.CancelAsync();
    }

    public override void Dispose()
    {
        // The host may dispose the worker while StopAsync is still running (WebApplicationFactory does), so the
        // token source and the semaphore are only cancelled here, never disposed: neither holds an OS handle
        // unless its wait handle is asked for, which this class never does.
        _cancelRunningTasks.Cancel();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
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

        await WaitForRunningTasksAsync();
        LogStopped(_options.WorkerId);
    }

    private async Task ClaimAndStartAsync(CancellationToken stoppingToken)
    {
        var slots = await TakeFreeSlotsAsync(stoppingToken);
        IReadOnlyList<ClaimedTask> claimed;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var claimTasks = scope.ServiceProvider.GetRequiredService<IClaimTasks>();
            claimed = await claimTasks.ClaimAsync(
                new ClaimTasksCommand(_options.WorkerId, slots, _options.LeaseDuration), stoppingToken);
        }
        catch
        {
            _freeSlots.Release(slots);
            throw;
        }

        if (claimed.Count < slots)
        {
            _freeSlots.Release(slots - claimed.Count);
        }

        foreach (var task in claimed)
        {
            // Not awaited: each task releases its slot when it ends, and the loop goes on claiming meanwhile.
            _ = RunAsync(task);
        }

        if (claimed.Count < slots)
        {
            // The queue ran dry: sleep until this process queues a task or the poll interval passes.
            await workAvailable.WaitAsync(_options.PollInterval, clock, stoppingToken);
        }
    }

    /// <summary>Waits for at least one free slot, then takes as many more as are free, up to a batch.</summary>
    private async Task<int> TakeFreeSlotsAsync(CancellationToken stoppingToken)
    {
        await _freeSlots.WaitAsync(stoppingToken);
        var taken = 1;
        while (taken < _options.BatchSize && _freeSlots.Wait(0, CancellationToken.None))
        {
            taken++;
        }

        return taken;
    }

    private async Task RunAsync(ClaimedTask task)
    {
        var cancellationToken = _cancelRunningTasks.Token;
        try
        {
            using var logScope = logger.BeginScope(new Dictionary<string, object>
            {
                ["WorkflowId"] = task.WorkflowId.ToString(),
                ["TaskId"] = task.Id.Value,
                ["TaskName"] = task.TaskName,
                ["Attempt"] = task.Attempt,
            });
            await using var scope = scopes.CreateAsyncScope();
            var executeTask = scope.ServiceProvider.GetRequiredService<IExecuteTask>();
            await executeTask.ExecuteAsync(task, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // At-least-once: the task stays claimed and runs again once its lease has ended.
            LogTaskAbandoned(task.TaskName, task.WorkflowId.ToString(), task.Attempt);
        }
#pragma warning disable CA1031 // One task's failure must never stop the others or the loop.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // At-least-once: whatever was not recorded is retried once the task's lease has ended.
            LogTaskCrashed(exception, task.TaskName, task.WorkflowId.ToString(), task.Attempt);
        }
        finally
        {
            _freeSlots.Release();
        }
    }

    private async Task WaitForRunningTasksAsync()
    {
        // Every slot free means every task ended; StopAsync's deadline cancels the ones that take too long.
        for (var slot = 0; slot < _options.MaxConcurrency; slot++)
        {
            await _freeSlots.WaitAsync(CancellationToken.None);
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

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Task {TaskName} of workflow {WorkflowId}, attempt {Attempt}, was stopped by shutdown; it runs again after its lease ends")]
    private partial void LogTaskAbandoned(string taskName, string workflowId, int attempt);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Task {TaskName} of workflow {WorkflowId}, attempt {Attempt}, could not be recorded; it runs again after its lease ends")]
    private partial void LogTaskCrashed(Exception exception, string taskName, string workflowId, int attempt);
}
