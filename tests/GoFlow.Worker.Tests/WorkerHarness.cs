using System.Collections.Concurrent;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Worker.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace GoFlow.Worker.Tests;

/// <summary>
/// The worker's hosted services over mocked driving ports, sharing one <see cref="RunningAttempts"/> as the host's
/// container would. Every setup of <see cref="IExecuteTask"/> goes through <see cref="OnExecute(Func{ClaimedTask, CancellationToken, Task{AttemptResult}})"/>,
/// so the tests follow a change of that port in one place.
/// </summary>
internal sealed class WorkerHarness
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly Mock<IExecuteTask> _executeTask = new();

    public Mock<IClaimTasks> ClaimTasks { get; } = new();

    public Mock<IRenewLeases> RenewLeases { get; } = new();

    public Mock<IRecoverExpiredTasks> RecoverExpiredTasks { get; } = new();

    public Mock<IReleaseTask> ReleaseTask { get; } = new();

    public WorkAvailableSignal WorkAvailable { get; } = new();

    /// <summary>What the API in the worker's process reports as in flight (<see cref="IApiLoad"/>); 0 unless a test sets it.</summary>
    public int ApiRequestsInFlight { get; set; }

    public WorkerLoopState LoopState { get; } = new();

    public RunningAttempts RunningAttempts { get; } = new();

    /// <summary>The claims the worker asked for, in order (recorded by <see cref="ClaimReturns"/>).</summary>
    public ConcurrentQueue<ClaimTasksCommand> Claims { get; } = new();

    /// <summary>The lease each run asked for its next step, by task (null: no hand-over).</summary>
    public ConcurrentDictionary<TaskId, bool> HandOversAsked { get; } = new();

    public WorkerOptions Options { get; } = new()
    {
        PollInterval = TimeSpan.FromHours(1),
        HeartbeatInterval = TimeSpan.FromHours(1),
        RecoveryInterval = TimeSpan.FromHours(1),
        ErrorBackoff = TimeSpan.FromMilliseconds(10),
        BatchSize = 10,
        MaxConcurrency = 4,
        WorkerId = "worker-under-test",
    };

    public static List<ClaimedTask> Tasks(int count) =>
    [
        .. Enumerable.Range(1, count).Select(i => new ClaimedTask(
            new TaskId(i),
            WorkflowId.New(DateTimeOffset.UnixEpoch.AddDays(i)),
            "OrderProcess",
            0,
            "ValidateOrder",
            "{}",
            1,
            3,
            "worker-under-test",
            DateTimeOffset.UnixEpoch.AddDays(1))),
    ];

    /// <summary>Reads until <paramref name="done"/> holds, failing at the deadline with the last value.</summary>
    public static async Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > Deadline)
            {
                Assert.Fail($"Timed out waiting; last value {value}");
            }

            // A short pause between reads, not a wait standing in for the condition.
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }
    }

    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> unless it is higher already, from any thread.</summary>
    public static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value
               && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>Runs every task the worker executes through <paramref name="run"/>; the whole run counts as its handler's.</summary>
    public void OnExecute(Func<ClaimedTask, CancellationToken, Task<AttemptResult>> run) =>
        OnExecute((task, _, token) => run(task, token));

    /// <summary>
    /// Runs every task the worker executes through <paramref name="run"/>, which may tell the worker when the task's
    /// handler returned (the action) and its record is what is left (ADR 0041).
    /// </summary>
    public void OnExecute(Func<ClaimedTask, Action, CancellationToken, Task<AttemptResult>> run) =>
        _executeTask.Setup(e => e.ExecuteAsync(
                It.IsAny<ClaimedTask>(), It.IsAny<bool>(), It.IsAny<Action>(), It.IsAny<CancellationToken>()))
            .Returns((ClaimedTask task, bool handOver, Action handlerReturned, CancellationToken token) =>
            {
                HandOversAsked[task.Id] = handOver;
                return run(task, handlerReturned, token);
            });

    /// <summary>Runs <paramref name="task"/> through <paramref name="run"/>, whatever the other tasks do.</summary>
    public void OnExecute(ClaimedTask task, Func<CancellationToken, Task<AttemptResult>> run) =>
        OnExecute(task, (_, token) => run(token));

    /// <summary>
    /// Runs <paramref name="task"/> through <paramref name="run"/>, whatever the other tasks do; it may tell the worker
    /// when the handler returned (the action).
    /// </summary>
    public void OnExecute(ClaimedTask task, Func<Action, CancellationToken, Task<AttemptResult>> run) =>
        _executeTask.Setup(e => e.ExecuteAsync(task, It.IsAny<bool>(), It.IsAny<Action>(), It.IsAny<CancellationToken>()))
            .Returns((ClaimedTask _, bool handOver, Action handlerReturned, CancellationToken token) =>
            {
                HandOversAsked[task.Id] = handOver;
                return run(handlerReturned, token);
            });

    public void VerifyNeverExecuted(ClaimedTask task) =>
        _executeTask.Verify(
            e => e.ExecuteAsync(task, It.IsAny<bool>(), It.IsAny<Action>(), It.IsAny<CancellationToken>()), Times.Never);

    /// <summary>Hands out <paramref name="tasks"/> as claims ask for them, then nothing.</summary>
    public void ClaimReturns(IReadOnlyList<ClaimedTask> tasks)
    {
        var remaining = new ConcurrentQueue<ClaimedTask>(tasks);
        ClaimTasks.Setup(c => c.ClaimAsync(It.IsAny<ClaimTasksCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimTasksCommand command, CancellationToken _) =>
            {
                Claims.Enqueue(command);
                var batch = new List<ClaimedTask>();
                while (batch.Count < command.MaxTasks && remaining.TryDequeue(out var task))
                {
                    batch.Add(task);
                }

                return batch;
            });
    }

    /// <summary>Releases every task asked to be released; the answer completes once <paramref name="watched"/> is.</summary>
    public Task ReleaseAllWatching(ClaimedTask watched)
    {
        var released = new TaskCompletionSource();
        ReleaseTask.Setup(r => r.ReleaseAsync(It.IsAny<ClaimedTask>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimedTask task, CancellationToken _) =>
            {
                if (task == watched)
                {
                    released.TrySetResult();
                }

                return true;
            });
        return released.Task;
    }

    /// <summary>Renews every lease asked for, handing each command to <paramref name="renewed"/> first.</summary>
    public void RenewAll(Action<RenewLeasesCommand> renewed) =>
        RenewLeases.Setup(r => r.RenewAsync(It.IsAny<RenewLeasesCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((RenewLeasesCommand command, CancellationToken _) =>
            {
                renewed(command);
                return [.. command.Tasks.Select(t => t.Id)];
            });

    public TaskWorker CreateWorker(ILogger<TaskWorker>? logger = null) =>
        new(Scopes(), RunningAttempts, WorkAvailable, LoopState, CreateShare(),
            Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, logger ?? NullLogger<TaskWorker>.Instance);

    private WorkerShare CreateShare()
    {
        var apiLoad = new Mock<IApiLoad>();
        apiLoad.Setup(load => load.RequestsInFlight).Returns(() => ApiRequestsInFlight);
        return new WorkerShare(apiLoad.Object, Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System);
    }

    public LeaseHeartbeat CreateHeartbeat() =>
        new(Scopes(), RunningAttempts, Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System,
            NullLogger<LeaseHeartbeat>.Instance);

    public ExpiredLeaseSweeper CreateSweeper() =>
        new(Scopes(), Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System,
            NullLogger<ExpiredLeaseSweeper>.Instance);

    /// <summary>
    /// Starts the heartbeat, the worker and the sweep as a host would, waits for <paramref name="condition"/>, then
    /// stops them in reverse order.
    /// </summary>
    public async Task RunUntilAsync(Task condition)
    {
        IHostedService[] services = [CreateHeartbeat(), CreateWorker(), CreateSweeper()];
        foreach (var service in services)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            await condition.WaitAsync(Deadline);
        }
        finally
        {
            foreach (var service in services.Reverse())
            {
                await service.StopAsync(CancellationToken.None);
                ((IDisposable)service).Dispose();
            }
        }
    }

    /// <summary>
    /// Registers the mocked driving ports the worker's services ask their scopes for, and the API load the worker reads
    /// (the application's or the HTTP adapter's in a host).
    /// </summary>
    public IServiceCollection AddPorts(IServiceCollection services) =>
        services
            .AddSingleton(Mock.Of<IApiLoad>())
            .AddScoped(_ => ClaimTasks.Object)
            .AddScoped(_ => _executeTask.Object)
            .AddScoped(_ => RenewLeases.Object)
            .AddScoped(_ => RecoverExpiredTasks.Object)
            .AddScoped(_ => ReleaseTask.Object);

    private IServiceScopeFactory Scopes() =>
        AddPorts(new ServiceCollection()).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();
}
