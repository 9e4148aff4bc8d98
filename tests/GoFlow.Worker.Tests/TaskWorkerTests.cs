using System.Collections.Concurrent;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Worker.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace GoFlow.Worker.Tests;

public sealed class TaskWorkerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly Mock<IClaimTasks> _claimTasks = new();
    private readonly Mock<IExecuteTask> _executeTask = new();
    private readonly Mock<IRenewLeases> _renewLeases = new();
    private readonly Mock<IRecoverExpiredTasks> _recoverExpiredTasks = new();
    private readonly Mock<IReleaseTask> _releaseTask = new();
    private readonly WorkAvailableSignal _workAvailable = new();
    private readonly WorkerLoopState _loopState = new();
    private readonly ConcurrentQueue<ClaimTasksCommand> _claims = new();
    private readonly WorkerOptions _options = new()
    {
        PollInterval = TimeSpan.FromHours(1),
        HeartbeatInterval = TimeSpan.FromHours(1),
        RecoveryInterval = TimeSpan.FromHours(1),
        ErrorBackoff = TimeSpan.FromMilliseconds(10),
        BatchSize = 10,
        MaxConcurrency = 4,
        WorkerId = "worker-under-test",
    };

    [Test]
    public async Task ExecuteAsync_TasksClaimed_RunsEachOnce()
    {
        var tasks = Tasks(3);
        ClaimReturns(tasks);
        var executed = new ConcurrentBag<ClaimedTask>();
        var allDone = new TaskCompletionSource();
        _executeTask.Setup(e => e.ExecuteAsync(It.IsAny<ClaimedTask>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimedTask task, TimeSpan? _, CancellationToken _) =>
            {
                executed.Add(task);
                if (executed.Count == tasks.Count)
                {
                    allDone.TrySetResult();
                }

                return new TaskExecution(TaskExecutionOutcome.Completed);
            });

        await RunWorkerUntilAsync(allDone.Task);

        Assert.That(executed, Is.EquivalentTo(tasks));
        Assert.That(_claims.First(), Is.EqualTo(new ClaimTasksCommand("worker-under-test", 4, _options.LeaseDuration)));
    }

    [Test]
    public async Task ExecuteAsync_MoreTasksThanMaxConcurrency_NeverRunsMoreAtOnce()
    {
        _options.MaxConcurrency = 2;
        var tasks = Tasks(6);
        ClaimReturns(tasks);
        var running = 0;
        var mostAtOnce = 0;
        var finished = 0;
        var allDone = new TaskCompletionSource();
        _executeTask.Setup(e => e.ExecuteAsync(It.IsAny<ClaimedTask>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(async (ClaimedTask _, TimeSpan? _, CancellationToken _) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref mostAtOnce, now);
                await Task.Delay(20);
                Interlocked.Decrement(ref running);
                if (Interlocked.Increment(ref finished) == tasks.Count)
                {
                    allDone.TrySetResult();
                }

                return new TaskExecution(TaskExecutionOutcome.Completed);
            });

        await RunWorkerUntilAsync(allDone.Task);

        Assert.That(mostAtOnce, Is.EqualTo(2));
        Assert.That(_claims.Max(claim => claim.MaxTasks), Is.LessThanOrEqualTo(2));
    }

    [Test]
    public async Task ExecuteAsync_OneTaskThrows_TheOthersStillRun()
    {
        var tasks = Tasks(3);
        ClaimReturns(tasks);
        var succeeded = new ConcurrentBag<ClaimedTask>();
        var othersDone = new TaskCompletionSource();
        _executeTask.Setup(e => e.ExecuteAsync(It.IsAny<ClaimedTask>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimedTask task, TimeSpan? _, CancellationToken _) =>
            {
                if (task == tasks[0])
                {
                    throw new InvalidOperationException("the database went away");
                }

                succeeded.Add(task);
                if (succeeded.Count == 2)
                {
                    othersDone.TrySetResult();
                }

                return new TaskExecution(TaskExecutionOutcome.Completed);
            });

        await RunWorkerUntilAsync(othersDone.Task);

        Assert.That(succeeded, Is.EquivalentTo(tasks.Skip(1)));
    }

    [Test]
    public async Task ExecuteAsync_ClaimFails_KeepsPollingAndRunsWhatItClaimsLater()
    {
        var task = Tasks(1)[0];
        var calls = 0;
        _claimTasks.Setup(c => c.ClaimAsync(It.IsAny<ClaimTasksCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimTasksCommand _, CancellationToken _) => Interlocked.Increment(ref calls) switch
            {
                <= 2 => throw new InvalidOperationException("Unable to connect to any of the specified MySQL hosts."),
                3 => [task],
                _ => [],
            });
        var ran = new TaskCompletionSource<ClaimedTask>();
        _executeTask.Setup(e => e.ExecuteAsync(It.IsAny<ClaimedTask>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimedTask claimed, TimeSpan? _, CancellationToken _) =>
            {
                ran.TrySetResult(claimed);
                return new TaskExecution(TaskExecutionOutcome.Completed);
            });

        await RunWorkerUntilAsync(ran.Task);

        Assert.That(await ran.Task, Is.EqualTo(task));
    }

    [Test]
    public async Task ExecuteAsync_NotifiedWhileIdle_ClaimsWithoutWaitingForThePoll()
    {
        var task = Tasks(1)[0];
        var firstPollDone = new TaskCompletionSource();
        var calls = 0;
        _claimTasks.Setup(c => c.ClaimAsync(It.IsAny<ClaimTasksCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimTasksCommand _, CancellationToken _) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    firstPollDone.TrySetResult();
                    return [];
                }

                return [task];
            });
        var ran = new TaskCompletionSource();
        _executeTask.Setup(e => e.ExecuteAsync(task, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                ran.TrySetResult();
                return new TaskExecution(TaskExecutionOutcome.Completed);
            });

        // The poll interval is an hour: only the notification can bring the second claim within the deadline.
        await RunWorkerUntilAsync(firstPollDone.Task.ContinueWith(_ => _workAvailable.Notify(), TaskScheduler.Default)
            .ContinueWith(_ => ran.Task, TaskScheduler.Default).Unwrap());

        Assert.That(calls, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task StopAsync_TaskRunning_StopsClaimingAndLetsItFinish()
    {
        var task = Tasks(1)[0];
        var claimedOnce = 0;
        _claimTasks.Setup(c => c.ClaimAsync(It.IsAny<ClaimTasksCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimTasksCommand _, CancellationToken _) =>
                Interlocked.Exchange(ref claimedOnce, 1) == 0 ? [task] : []);
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var cancelledWhileRunning = false;
        _executeTask.Setup(e => e.ExecuteAsync(task, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(async (ClaimedTask _, TimeSpan? _, CancellationToken token) =>
            {
                started.TrySetResult();
                await release.Task;
                cancelledWhileRunning = token.IsCancellationRequested;
                return new TaskExecution(TaskExecutionOutcome.Completed);
            });
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        var stopping = worker.StopAsync(CancellationToken.None);
        var claimsAtStop = _claims.Count;
        Assert.That(stopping.IsCompleted, Is.False, "stop waits for the running task");
        release.SetResult();
        await stopping.WaitAsync(Deadline);

        Assert.That(cancelledWhileRunning, Is.False);
        Assert.That(_claims, Has.Count.EqualTo(claimsAtStop));
    }

    [Test]
    public async Task StopAsync_ShutdownDeadlinePasses_CancelsTheRunningTaskAndReleasesIt()
    {
        var task = Tasks(1)[0];
        ClaimReturns([task]);
        var started = new TaskCompletionSource();
        var cancelled = false;
        _executeTask.Setup(e => e.ExecuteAsync(task, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(async (ClaimedTask _, TimeSpan? _, CancellationToken token) =>
            {
                started.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                finally
                {
                    cancelled = token.IsCancellationRequested;
                }

                return new TaskExecution(TaskExecutionOutcome.Completed);
            });
        _releaseTask.Setup(r => r.ReleaseAsync(task, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        using var deadline = new CancellationTokenSource();
        var stopping = worker.StopAsync(deadline.Token);
        await deadline.CancelAsync();
        await stopping.WaitAsync(Deadline);
        await worker.ExecuteTask!.WaitAsync(Deadline);

        Assert.That(cancelled, Is.True);
        _releaseTask.Verify(r => r.ReleaseAsync(task, It.IsAny<CancellationToken>()), Times.AtLeastOnce);
    }

    [Test]
    public async Task StopAsync_HandlerIgnoresCancellation_ReleasesItsTaskAnyway()
    {
        var task = Tasks(1)[0];
        ClaimReturns([task]);
        var started = new TaskCompletionSource();
        var neverEnds = new TaskCompletionSource<TaskExecution>();
        _executeTask.Setup(e => e.ExecuteAsync(task, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                started.TrySetResult();
                return neverEnds.Task;
            });
        var released = new TaskCompletionSource();
        _releaseTask.Setup(r => r.ReleaseAsync(task, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                released.TrySetResult();
                return true;
            });
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        using var deadline = new CancellationTokenSource();
        var stopping = worker.StopAsync(deadline.Token);
        await deadline.CancelAsync();
        await stopping.WaitAsync(Deadline);

        Assert.That(released.Task.IsCompleted, Is.True);
        neverEnds.SetResult(new TaskExecution(TaskExecutionOutcome.Rejected));
    }

    [Test]
    public async Task Heartbeat_TasksRunning_RenewsTheirLeases()
    {
        _options.HeartbeatInterval = TimeSpan.FromMilliseconds(20);
        var task = Tasks(1)[0];
        ClaimReturns([task]);
        var release = new TaskCompletionSource();
        _executeTask.Setup(e => e.ExecuteAsync(task, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await release.Task;
                return new TaskExecution(TaskExecutionOutcome.Completed);
            });
        var renewed = new TaskCompletionSource<RenewLeasesCommand>();
        _renewLeases.Setup(r => r.RenewAsync(It.IsAny<RenewLeasesCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((RenewLeasesCommand command, CancellationToken _) =>
            {
                renewed.TrySetResult(command);
                return [.. command.Tasks.Select(t => t.Id)];
            });

        await RunWorkerUntilAsync(renewed.Task.ContinueWith(_ => release.SetResult(), TaskScheduler.Default));

        var command = await renewed.Task;
        Assert.That(command.WorkerId, Is.EqualTo("worker-under-test"));
        Assert.That(command.Tasks, Is.EqualTo(new[] { new HeldTask(task.Id, task.Attempt) }));
        Assert.That(command.LeaseDuration, Is.EqualTo(_options.LeaseDuration));
    }

    [Test]
    public async Task Heartbeat_LeaseLost_StopsTheTaskWithoutReleasingIt()
    {
        _options.HeartbeatInterval = TimeSpan.FromMilliseconds(20);
        var task = Tasks(1)[0];
        ClaimReturns([task]);
        var stopped = new TaskCompletionSource();
        _executeTask.Setup(e => e.ExecuteAsync(task, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(async (ClaimedTask _, TimeSpan? _, CancellationToken token) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                finally
                {
                    stopped.TrySetResult();
                }

                return new TaskExecution(TaskExecutionOutcome.Completed);
            });
        _renewLeases.Setup(r => r.RenewAsync(It.IsAny<RenewLeasesCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([]);

        await RunWorkerUntilAsync(stopped.Task);

        _releaseTask.VerifyNoOtherCalls();
    }

    [Test]
    public async Task ExecuteAsync_NextTasksHandedOver_RunsEachRightAfterInTheSameSlot()
    {
        _options.MaxConcurrency = 1;
        var chain = Tasks(3);
        ClaimReturns([chain[0]]);
        var runs = new ConcurrentQueue<(ClaimedTask Task, TimeSpan? NextStepLease, int ClaimsSoFar)>();
        var chainDone = new TaskCompletionSource();
        _executeTask.Setup(e => e.ExecuteAsync(It.IsAny<ClaimedTask>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimedTask task, TimeSpan? nextStepLease, CancellationToken _) =>
            {
                runs.Enqueue((task, nextStepLease, _claims.Count));
                var next = chain.IndexOf(task) + 1;
                if (next == chain.Count)
                {
                    chainDone.TrySetResult();
                    return new TaskExecution(TaskExecutionOutcome.Completed);
                }

                return new TaskExecution(TaskExecutionOutcome.Completed, chain[next]);
            });

        await RunWorkerUntilAsync(chainDone.Task);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(runs.Select(run => run.Task), Is.EqualTo(chain));
            Assert.That(runs.Select(run => run.NextStepLease), Is.All.EqualTo(_options.LeaseDuration));
            // The one slot stays taken from the claim to the chain's end: the loop cannot claim again meanwhile.
            Assert.That(runs.Select(run => run.ClaimsSoFar), Is.All.EqualTo(1));
        }
    }

    [Test]
    public async Task Heartbeat_HandedOverTaskRunning_RenewsItsLease()
    {
        _options.HeartbeatInterval = TimeSpan.FromMilliseconds(20);
        var tasks = Tasks(2);
        var (claimed, handedOver) = (tasks[0], tasks[1]);
        ClaimReturns([claimed]);
        _executeTask.Setup(e => e.ExecuteAsync(claimed, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TaskExecution(TaskExecutionOutcome.Completed, handedOver));
        var release = new TaskCompletionSource();
        _executeTask.Setup(e => e.ExecuteAsync(handedOver, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await release.Task;
                return new TaskExecution(TaskExecutionOutcome.Completed);
            });
        var renewed = new TaskCompletionSource<RenewLeasesCommand>();
        _renewLeases.Setup(r => r.RenewAsync(It.IsAny<RenewLeasesCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((RenewLeasesCommand command, CancellationToken _) =>
            {
                if (command.Tasks.Any(held => held.Id == handedOver.Id))
                {
                    renewed.TrySetResult(command);
                }

                return [.. command.Tasks.Select(t => t.Id)];
            });

        // The task is let go at the deadline even when no renewal came, so that a failing test ends rather than hangs.
        await RunWorkerUntilAsync(
            renewed.Task.WaitAsync(Deadline).ContinueWith(_ => release.SetResult(), TaskScheduler.Default));

        Assert.That(renewed.Task.IsCompletedSuccessfully, Is.True, "the handed-over task's lease was renewed");
        Assert.That(renewed.Task.Result.Tasks, Is.EqualTo(new[] { new HeldTask(handedOver.Id, handedOver.Attempt) }));
    }

    [Test]
    public async Task StopAsync_HandedOverTaskStillRunningAtTheShutdownDeadline_ReleasesIt()
    {
        var tasks = Tasks(2);
        var (claimed, handedOver) = (tasks[0], tasks[1]);
        ClaimReturns([claimed]);
        _executeTask.Setup(e => e.ExecuteAsync(claimed, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TaskExecution(TaskExecutionOutcome.Completed, handedOver));
        var started = new TaskCompletionSource();
        // A handler that ignores its cancellation token: only the worker's list of running tasks can release it.
        var neverEnds = new TaskCompletionSource<TaskExecution>();
        _executeTask.Setup(e => e.ExecuteAsync(handedOver, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                started.TrySetResult();
                return neverEnds.Task;
            });
        _releaseTask.Setup(r => r.ReleaseAsync(It.IsAny<ClaimedTask>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        using var deadline = new CancellationTokenSource();
        var stopping = worker.StopAsync(deadline.Token);
        await deadline.CancelAsync();
        await stopping.WaitAsync(Deadline);

        _releaseTask.Verify(r => r.ReleaseAsync(handedOver, It.IsAny<CancellationToken>()), Times.Once);
        _releaseTask.Verify(r => r.ReleaseAsync(claimed, It.IsAny<CancellationToken>()), Times.Never);
        neverEnds.SetResult(new TaskExecution(TaskExecutionOutcome.Rejected));
    }

    [Test]
    public async Task StopAsync_TaskHandedOverAfterTheShutdownDeadline_ReleasesItWithoutRunningIt()
    {
        var tasks = Tasks(2);
        var (claimed, handedOver) = (tasks[0], tasks[1]);
        ClaimReturns([claimed]);
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        // A handler that ignores its cancellation token and, finishing late, hands over the next step.
        _executeTask.Setup(e => e.ExecuteAsync(claimed, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                started.TrySetResult();
                await finish.Task;
                return new TaskExecution(TaskExecutionOutcome.Completed, handedOver);
            });
        var handedOverReleased = new TaskCompletionSource();
        _releaseTask.Setup(r => r.ReleaseAsync(It.IsAny<ClaimedTask>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimedTask task, CancellationToken _) =>
            {
                if (task == handedOver)
                {
                    handedOverReleased.TrySetResult();
                }

                return true;
            });
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        using var deadline = new CancellationTokenSource();
        var stopping = worker.StopAsync(deadline.Token);
        await deadline.CancelAsync();
        await stopping.WaitAsync(Deadline);
        finish.SetResult();
        await handedOverReleased.Task.WaitAsync(Deadline);

        _executeTask.Verify(e => e.ExecuteAsync(handedOver, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task StopAsync_TaskHandedOverWhileStopping_RunsItAskingForNoFurtherHandOver()
    {
        var tasks = Tasks(2);
        var (claimed, handedOver) = (tasks[0], tasks[1]);
        ClaimReturns([claimed]);
        var leasesAsked = new ConcurrentDictionary<TaskId, TimeSpan?>();
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        _executeTask.Setup(e => e.ExecuteAsync(claimed, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Returns(async (ClaimedTask _, TimeSpan? nextStepLease, CancellationToken _) =>
            {
                leasesAsked[claimed.Id] = nextStepLease;
                started.TrySetResult();
                await finish.Task;
                return new TaskExecution(TaskExecutionOutcome.Completed, handedOver);
            });
        _executeTask.Setup(e => e.ExecuteAsync(handedOver, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimedTask _, TimeSpan? nextStepLease, CancellationToken _) =>
            {
                leasesAsked[handedOver.Id] = nextStepLease;
                return new TaskExecution(TaskExecutionOutcome.Completed);
            });
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        // The claimed task asked for a hand-over while the worker ran; the one it hands over finishes a stopping worker.
        var stopping = worker.StopAsync(CancellationToken.None);
        finish.SetResult();
        await stopping.WaitAsync(Deadline);

        Assert.That(leasesAsked, Is.EquivalentTo(new Dictionary<TaskId, TimeSpan?>
        {
            [claimed.Id] = _options.LeaseDuration,
            [handedOver.Id] = null,
        }));
        _releaseTask.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Recovery_Periodically_TakesBackExpiredTasks()
    {
        _options.RecoveryInterval = TimeSpan.FromMilliseconds(20);
        ClaimReturns([]);
        var swept = new TaskCompletionSource<int>();
        _recoverExpiredTasks.Setup(r => r.RecoverAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((int max, CancellationToken _) =>
            {
                swept.TrySetResult(max);
                return 0;
            });

        await RunWorkerUntilAsync(swept.Task);

        Assert.That(await swept.Task, Is.GreaterThan(0));
    }

    [Test]
    public async Task Recovery_StoreDown_KeepsSweeping()
    {
        _options.RecoveryInterval = TimeSpan.FromMilliseconds(20);
        ClaimReturns([]);
        var calls = 0;
        var sweptAgain = new TaskCompletionSource();
        _recoverExpiredTasks.Setup(r => r.RecoverAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    throw new StoreUnavailableException("Connection refused", new IOException());
                }

                sweptAgain.TrySetResult();
                return 0;
            });

        await RunWorkerUntilAsync(sweptAgain.Task);

        Assert.That(calls, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task LoopState_BeforeStartWhileRunningAndAfterStop_FollowsTheLoop()
    {
        ClaimReturns([]);
        using var worker = CreateWorker();
        var before = _loopState.Status;

        await worker.StartAsync(CancellationToken.None);
        var whileRunning = await UntilAsync(() => _loopState.Status, status => status != WorkerLoopStatus.NotStarted);
        await worker.StopAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before, Is.EqualTo(WorkerLoopStatus.NotStarted));
            Assert.That(whileRunning, Is.EqualTo(WorkerLoopStatus.Running));
            Assert.That(_loopState.Status, Is.EqualTo(WorkerLoopStatus.Ended));
        }
    }

    [Test]
    public async Task LoopState_LoopKilledByAnException_IsFaulted()
    {
        // The loop survives any failed poll; the one thing that still escapes it is a failure in its own error path.
        _claimTasks.Setup(c => c.ClaimAsync(It.IsAny<ClaimTasksCommand>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("the database went away"));
        using var worker = CreateWorker(new ThrowingLogger());

        await worker.StartAsync(CancellationToken.None);
        var status = await UntilAsync(() => _loopState.Status, current => current is WorkerLoopStatus.Faulted or WorkerLoopStatus.Ended);
        await worker.StopAsync(CancellationToken.None);

        Assert.That(status, Is.EqualTo(WorkerLoopStatus.Faulted));
    }

    /// <summary>Reads until <paramref name="done"/> holds, failing at the deadline with the last value.</summary>
    private static async Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done)
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

    private static List<ClaimedTask> Tasks(int count) =>
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

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value
               && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>Hands out <paramref name="tasks"/> as claims ask for them, then nothing.</summary>
    private void ClaimReturns(IReadOnlyList<ClaimedTask> tasks)
    {
        var remaining = new ConcurrentQueue<ClaimedTask>(tasks);
        _claimTasks.Setup(c => c.ClaimAsync(It.IsAny<ClaimTasksCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimTasksCommand command, CancellationToken _) =>
            {
                _claims.Enqueue(command);
                var batch = new List<ClaimedTask>();
                while (batch.Count < command.MaxTasks && remaining.TryDequeue(out var task))
                {
                    batch.Add(task);
                }

                return batch;
            });
    }

    private TaskWorker CreateWorker(ILogger<TaskWorker>? logger = null)
    {
        var services = new ServiceCollection()
            .AddScoped(_ => _claimTasks.Object)
            .AddScoped(_ => _executeTask.Object)
            .AddScoped(_ => _renewLeases.Object)
            .AddScoped(_ => _recoverExpiredTasks.Object)
            .AddScoped(_ => _releaseTask.Object)
            .BuildServiceProvider();
        return new TaskWorker(
            services.GetRequiredService<IServiceScopeFactory>(),
            _workAvailable,
            _loopState,
            Options.Create(_options),
            TimeProvider.System,
            logger ?? NullLogger<TaskWorker>.Instance);
    }

    private async Task RunWorkerUntilAsync(Task condition)
    {
        using var worker = CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await condition.WaitAsync(Deadline);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }
}

/// <summary>A logger whose errors cannot be written: logging one throws.</summary>
internal sealed class ThrowingLogger : ILogger<TaskWorker>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Error)
        {
            throw new InvalidOperationException("the log cannot be written");
        }
    }
}
