using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Moq;

namespace GoFlow.Worker.Tests;

/// <summary>The two-stage stop of ADR 0007: stop claiming at once, release what still runs at the shutdown deadline.</summary>
public sealed class TaskWorkerShutdownTests
{
    private static readonly TimeSpan Deadline = WorkerHarness.Deadline;

    private readonly WorkerHarness _harness = new();

    [Test]
    public async Task StopAsync_TaskRunning_StopsClaimingAndLetsItFinish()
    {
        var task = WorkerHarness.Tasks(1)[0];
        _harness.ClaimReturns([task]);
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var cancelledWhileRunning = false;
        _harness.OnExecute(task, async token =>
        {
            started.TrySetResult();
            await release.Task;
            cancelledWhileRunning = token.IsCancellationRequested;
            return new AttemptResult(AttemptOutcome.Completed);
        });
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        var stopping = worker.StopAsync(CancellationToken.None);
        var claimsAtStop = _harness.Claims.Count;
        Assert.That(stopping.IsCompleted, Is.False, "stop waits for the running task");
        release.SetResult();
        await stopping.WaitAsync(Deadline);

        Assert.That(cancelledWhileRunning, Is.False);
        Assert.That(_harness.Claims, Has.Count.EqualTo(claimsAtStop));
    }

    [Test]
    public async Task StopAsync_ShutdownDeadlinePasses_CancelsTheRunningTaskAndReleasesIt()
    {
        var task = WorkerHarness.Tasks(1)[0];
        _harness.ClaimReturns([task]);
        var started = new TaskCompletionSource();
        var cancelled = false;
        _harness.OnExecute(task, async token =>
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

            return new AttemptResult(AttemptOutcome.Completed);
        });
        _harness.ReleaseTask.Setup(r => r.ReleaseAsync(task, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        await StopPastTheDeadlineAsync(worker);
        await worker.ExecuteTask!.WaitAsync(Deadline);

        Assert.That(cancelled, Is.True);
        _harness.ReleaseTask.Verify(r => r.ReleaseAsync(task, It.IsAny<CancellationToken>()), Times.AtLeastOnce);
    }

    [Test]
    public async Task StopAsync_HandlerIgnoresCancellation_ReleasesItsTaskAnyway()
    {
        var task = WorkerHarness.Tasks(1)[0];
        _harness.ClaimReturns([task]);
        var started = new TaskCompletionSource();
        var neverEnds = new TaskCompletionSource<AttemptResult>();
        _harness.OnExecute(task, _ =>
        {
            started.TrySetResult();
            return neverEnds.Task;
        });
        var released = new TaskCompletionSource();
        _harness.ReleaseTask.Setup(r => r.ReleaseAsync(task, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                released.TrySetResult();
                return true;
            });
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        await StopPastTheDeadlineAsync(worker);

        Assert.That(released.Task.IsCompleted, Is.True);
        neverEnds.SetResult(new AttemptResult(AttemptOutcome.Rejected));
    }

    [Test]
    public async Task StopAsync_HandedOverTaskStillRunningAtTheShutdownDeadline_ReleasesIt()
    {
        var (claimed, handedOver) = ClaimedAndHandedOver();
        _harness.OnExecute(claimed, _ => Task.FromResult(new AttemptResult(AttemptOutcome.Completed, handedOver)));
        var started = new TaskCompletionSource();
        // A handler that ignores its cancellation token: only the worker's list of running tasks can release it.
        var neverEnds = new TaskCompletionSource<AttemptResult>();
        _harness.OnExecute(handedOver, _ =>
        {
            started.TrySetResult();
            return neverEnds.Task;
        });
        _harness.ReleaseTask.Setup(r => r.ReleaseAsync(It.IsAny<ClaimedTask>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        await StopPastTheDeadlineAsync(worker);

        _harness.ReleaseTask.Verify(r => r.ReleaseAsync(handedOver, It.IsAny<CancellationToken>()), Times.Once);
        _harness.ReleaseTask.Verify(r => r.ReleaseAsync(claimed, It.IsAny<CancellationToken>()), Times.Never);
        neverEnds.SetResult(new AttemptResult(AttemptOutcome.Rejected));
    }

    [Test]
    public async Task StopAsync_TaskHandedOverAfterTheShutdownDeadline_ReleasesItWithoutRunningIt()
    {
        var (claimed, handedOver) = ClaimedAndHandedOver();
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        // A handler that ignores its cancellation token and, finishing late, hands over the next step.
        _harness.OnExecute(claimed, async _ =>
        {
            started.TrySetResult();
            await finish.Task;
            return new AttemptResult(AttemptOutcome.Completed, handedOver);
        });
        var handedOverReleased = _harness.ReleaseAllWatching(handedOver);
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        await StopPastTheDeadlineAsync(worker);
        finish.SetResult();
        await handedOverReleased.WaitAsync(Deadline);

        _harness.VerifyNeverExecuted(handedOver);
    }

    [Test]
    public async Task StopAsync_TaskHandedOverWhileStopping_RunsItAskingForNoFurtherHandOver()
    {
        var (claimed, handedOver) = ClaimedAndHandedOver();
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        _harness.OnExecute(claimed, async _ =>
        {
            started.TrySetResult();
            await finish.Task;
            return new AttemptResult(AttemptOutcome.Completed, handedOver);
        });
        _harness.OnExecute(handedOver, _ => Task.FromResult(new AttemptResult(AttemptOutcome.Completed)));
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);

        // The claimed task asked for a hand-over while the worker ran; the one it hands over finishes a stopping worker.
        var stopping = worker.StopAsync(CancellationToken.None);
        finish.SetResult();
        await stopping.WaitAsync(Deadline);

        Assert.That(_harness.HandOversAsked, Is.EquivalentTo(new Dictionary<TaskId, bool>
        {
            [claimed.Id] = true,
            [handedOver.Id] = false,
        }));
        _harness.ReleaseTask.VerifyNoOtherCalls();
    }

    [Test]
    public async Task StopAsync_TasksReleased_TakesThemOffTheRunningList()
    {
        var task = WorkerHarness.Tasks(1)[0];
        _harness.ClaimReturns([task]);
        var started = new TaskCompletionSource();
        _harness.OnExecute(task, async token =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return new AttemptResult(AttemptOutcome.Completed);
        });
        _harness.ReleaseTask.Setup(r => r.ReleaseAsync(task, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Deadline);
        var listedWhileRunning = _harness.RunningAttempts.Snapshot().Select(running => running.Task).ToList();

        await StopPastTheDeadlineAsync(worker);
        await worker.ExecuteTask!.WaitAsync(Deadline);

        Assert.That(listedWhileRunning, Is.EqualTo(new[] { task }));
        Assert.That(_harness.RunningAttempts.IsEmpty, Is.True, "the heartbeat has nothing left to renew");
    }

    /// <summary>Stops <paramref name="worker"/> and lets the host's shutdown deadline pass at once.</summary>
    private static async Task StopPastTheDeadlineAsync(TaskWorker worker)
    {
        using var deadline = new CancellationTokenSource();
        var stopping = worker.StopAsync(deadline.Token);
        await deadline.CancelAsync();
        await stopping.WaitAsync(Deadline);
    }

    private (ClaimedTask Claimed, ClaimedTask HandedOver) ClaimedAndHandedOver()
    {
        var tasks = WorkerHarness.Tasks(2);
        _harness.ClaimReturns([tasks[0]]);
        return (tasks[0], tasks[1]);
    }
}
