using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Moq;

namespace GoFlow.Worker.Tests;

public sealed class LeaseHeartbeatTests
{
    private static readonly TimeSpan Deadline = WorkerHarness.Deadline;

    private readonly WorkerHarness _harness = new();

    public LeaseHeartbeatTests() => _harness.Options.HeartbeatInterval = TimeSpan.FromMilliseconds(20);

    [Test]
    public async Task Heartbeat_TasksRunning_RenewsTheirLeases()
    {
        var task = WorkerHarness.Tasks(1)[0];
        _harness.ClaimReturns([task]);
        var release = new TaskCompletionSource();
        _harness.OnExecute(task, async _ =>
        {
            await release.Task;
            return new AttemptResult(AttemptOutcome.Completed);
        });
        var renewed = new TaskCompletionSource<RenewLeasesCommand>();
        _harness.RenewAll(command => renewed.TrySetResult(command));

        await _harness.RunUntilAsync(renewed.Task.ContinueWith(_ => release.SetResult(), TaskScheduler.Default));

        var command = await renewed.Task;
        Assert.That(command.WorkerId, Is.EqualTo("worker-under-test"));
        Assert.That(command.Tasks, Is.EqualTo(new[] { new TaskClaim(task.Id, task.Attempt) }));
    }

    [Test]
    public async Task Heartbeat_LeaseLost_StopsTheTaskWithoutReleasingIt()
    {
        var task = WorkerHarness.Tasks(1)[0];
        _harness.ClaimReturns([task]);
        var stopped = new TaskCompletionSource();
        _harness.OnExecute(task, async token =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            finally
            {
                stopped.TrySetResult();
            }

            return new AttemptResult(AttemptOutcome.Completed);
        });
        _harness.RenewLeases.Setup(r => r.RenewAsync(It.IsAny<RenewLeasesCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([]);

        await _harness.RunUntilAsync(stopped.Task);

        _harness.ReleaseTask.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Heartbeat_HandedOverTaskRunning_RenewsItsLease()
    {
        var tasks = WorkerHarness.Tasks(2);
        var (claimed, handedOver) = (tasks[0], tasks[1]);
        _harness.ClaimReturns([claimed]);
        _harness.OnExecute(claimed, _ => Task.FromResult(new AttemptResult(AttemptOutcome.Completed, handedOver)));
        var release = new TaskCompletionSource();
        _harness.OnExecute(handedOver, async _ =>
        {
            await release.Task;
            return new AttemptResult(AttemptOutcome.Completed);
        });
        var renewed = new TaskCompletionSource<RenewLeasesCommand>();
        _harness.RenewAll(command =>
        {
            if (command.Tasks.Any(held => held.Id == handedOver.Id))
            {
                renewed.TrySetResult(command);
            }
        });

        // The task is let go at the deadline even when no renewal came, so that a failing test ends rather than hangs.
        await _harness.RunUntilAsync(
            renewed.Task.WaitAsync(Deadline).ContinueWith(_ => release.SetResult(), TaskScheduler.Default));

        Assert.That(renewed.Task.IsCompletedSuccessfully, Is.True, "the handed-over task's lease was renewed");
        Assert.That(renewed.Task.Result.Tasks, Is.EqualTo(new[] { new TaskClaim(handedOver.Id, handedOver.Attempt) }));
    }

    [Test]
    public async Task Heartbeat_SomeLeasesLost_StopsOnlyThoseTasks()
    {
        var tasks = WorkerHarness.Tasks(2);
        using var kept = _harness.RunningAttempts.Add(tasks[0], CancellationToken.None);
        using var lost = _harness.RunningAttempts.Add(tasks[1], CancellationToken.None);
        _harness.RenewLeases.Setup(r => r.RenewAsync(It.IsAny<RenewLeasesCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([tasks[0].Id]);
        using var heartbeat = _harness.CreateHeartbeat();

        await heartbeat.StartAsync(CancellationToken.None);
        await WhenCancelledAsync(lost.Token);
        kept.Dispose();
        lost.Dispose();
        await heartbeat.StopAsync(CancellationToken.None);

        Assert.That(kept.Token.IsCancellationRequested, Is.False);
    }

    [Test]
    public async Task Heartbeat_StoreDown_TriesAgainAtTheNextTick()
    {
        using var running = _harness.RunningAttempts.Add(WorkerHarness.Tasks(1)[0], CancellationToken.None);
        var calls = 0;
        var renewedAgain = new TaskCompletionSource();
        _harness.RenewLeases.Setup(r => r.RenewAsync(It.IsAny<RenewLeasesCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((RenewLeasesCommand command, CancellationToken _) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    throw new StoreUnavailableException("Connection refused", new IOException());
                }

                renewedAgain.TrySetResult();
                return [.. command.Tasks.Select(t => t.Id)];
            });
        using var heartbeat = _harness.CreateHeartbeat();

        await heartbeat.StartAsync(CancellationToken.None);
        await renewedAgain.Task.WaitAsync(Deadline);
        running.Dispose();
        await heartbeat.StopAsync(CancellationToken.None);

        Assert.That(running.Token.IsCancellationRequested, Is.False, "a failed renewal is no lost lease");
        Assert.That(heartbeat.ExecuteTask!.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task StopAsync_TaskStillRunning_KeepsRenewingItsLeaseUntilItEnds()
    {
        using var running = _harness.RunningAttempts.Add(WorkerHarness.Tasks(1)[0], CancellationToken.None);
        var stopAsked = false;
        var renewedWhileStopping = new TaskCompletionSource();
        _harness.RenewAll(_ =>
        {
            if (Volatile.Read(ref stopAsked))
            {
                renewedWhileStopping.TrySetResult();
            }
        });
        using var heartbeat = _harness.CreateHeartbeat();
        await heartbeat.StartAsync(CancellationToken.None);

        Volatile.Write(ref stopAsked, true);
        var stopping = heartbeat.StopAsync(CancellationToken.None);
        await renewedWhileStopping.Task.WaitAsync(Deadline);
        var stoppedBeforeTheTaskEnded = stopping.IsCompleted;
        running.Dispose();
        await stopping.WaitAsync(Deadline);

        Assert.That(stoppedBeforeTheTaskEnded, Is.False);
        Assert.That(heartbeat.ExecuteTask!.IsCompleted, Is.True);
    }

    [Test]
    public async Task StopAsync_ShutdownDeadlinePassed_StopsWithATaskStillRunning()
    {
        using var running = _harness.RunningAttempts.Add(WorkerHarness.Tasks(1)[0], CancellationToken.None);
        _harness.RenewAll(_ => { });
        using var heartbeat = _harness.CreateHeartbeat();
        await heartbeat.StartAsync(CancellationToken.None);

        await heartbeat.StopAsync(new CancellationToken(canceled: true)).WaitAsync(Deadline);
        // Ended, whether its loop had begun (it ends) or not (the task is cancelled): either way no fault.
        await heartbeat.ExecuteTask!.WaitAsync(Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        Assert.That(heartbeat.ExecuteTask.IsFaulted, Is.False);
        Assert.That(_harness.RunningAttempts.IsEmpty, Is.False, "the heartbeat stopped with the task still listed");
    }

    private static Task WhenCancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource();
        token.Register(() => cancelled.TrySetResult());
        return cancelled.Task.WaitAsync(Deadline);
    }
}
